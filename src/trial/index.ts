import { defineCapability, only, signedIn } from '../shared/capability.ts';
import { rosterStaff } from '../access/index.ts';
import { registerTrialCommands } from './cli.ts';
import { loadDemoTrial } from './demo.ts';
import { migrations } from './migrations.ts';
import type { TrialTables } from './tables.ts';
import { trialRoutes } from './routes.ts';

export const trial = defineCapability<TrialTables>({
  name: 'trial',
  migrations,
  routes: trialRoutes,
  policy: {
    // The core (docs/trial.md). Investigators run the protocol and enrolment; the protocol's own page
    // describes the arms and is open to everyone signed in (participants read what they consent to).
    'GET /api/trials': only(...rosterStaff),
    'POST /api/trials': only('investigator'),
    'GET /api/trials/:code': signedIn,
    'PUT /api/trials/:code/protocol': only('investigator'),
    'POST /api/trials/:code/lock': only('investigator'),
    'POST /api/trials/:code/amendments': only('investigator'),
    'GET /api/trials/:code/versions': only(...rosterStaff),
    'GET /api/trials/:code/design-report': only('investigator', 'statistician', 'monitor'),
    'POST /api/trials/:code/consent-documents': only('investigator'),
    'GET /api/trials/:code/consent-documents': signedIn,
    'PUT /api/me/trials/:code/consent': only('participant'),
    // A paper form may be recorded by staff who meet participants, never by one in their chain of command (checked per participant).
    'POST /api/trials/:code/participants/:id/consent': only('investigator', 'assessor', 'trainer'),
    'POST /api/trials/:code/participants/:id/screening': only('investigator', 'assessor'),
    'POST /api/trials/:code/participants/:id/randomise': only('investigator'),
    // Kit codes for the staff who handle kits; arms only through seesArms.
    'GET /api/trials/:code/allocations': only('investigator', 'monitor', 'statistician', 'trainer', 'assessor'),
    'POST /api/trials/:code/participants/:id/code-break': only('investigator'),
    'POST /api/trials/:code/close': only('investigator'),
    'POST /api/trials/:code/unblind': only('statistician', 'investigator'),
    // The protocol's analysis is the statistician's to run; investigators and monitors read results, pooled while blinded (seesArms).
    'POST /api/trials/:code/analyses': only('statistician'),
    'GET /api/trials/:code/analyses': only('statistician', 'investigator', 'monitor'),
    // The conduct (docs/trial.md): kits by those who meet participants, supervised doses by trainers of their units,
    // adverse events by staff who see the person; monitors and statisticians read. Arms only through seesArms.
    'POST /api/trials/:code/participants/:id/dispensings': only('investigator', 'assessor'),
    'PUT /api/me/trials/:code/doses/:date': only('participant'),
    'POST /api/trials/:code/doses': only('trainer'),
    'GET /api/trials/:code/adherence': only('investigator', 'trainer', 'assessor', 'monitor', 'statistician'),
    'POST /api/trials/:code/adverse-events': only('investigator', 'assessor', 'trainer'),
    'GET /api/trials/:code/adverse-events': only('investigator', 'assessor', 'trainer', 'monitor', 'statistician'),
    'POST /api/trials/:code/deviations': only('investigator', 'assessor'),
    'GET /api/trials/:code/deviations': only('investigator', 'assessor', 'monitor', 'statistician'),
    'POST /api/me/trials/:code/withdraw': only('participant'),
    'POST /api/trials/:code/participants/:id/withdrawal': only('investigator'),
    'GET /api/trials/:code/consort': only('investigator', 'assessor', 'monitor', 'statistician'),
    'GET /api/trials/:code/consort.svg': only('investigator', 'assessor', 'monitor', 'statistician'),
    'GET /api/me/trials': only('participant'),
    // What an assessor needs at the bench: the visits due, with their windows and assessments, of those they see (kit codes, no arm).
    'GET /api/trials/:code/visits': only('assessor', 'investigator', 'monitor'),
  },
  // The menu's entries; those under /trials/:code/ are the tasks a trial's page lists (not in the menu, which has no trial to name).
  screens: [
    { path: '/trials', label: 'Trials', roles: rosterStaff, needs: 'GET /api/trials' },
    { path: '/trials/new', label: 'New trial', roles: ['investigator'], needs: 'POST /api/trials' },
    { path: '/me/trials', label: 'My trials', roles: ['participant'], needs: 'GET /api/me/trials' },
    { path: '/trials/:code/manage', label: 'Protocol and consent', roles: ['investigator'], needs: 'PUT /api/trials/:code/protocol' },
    { path: '/trials/:code/enrol', label: 'Enrol', roles: ['investigator'], needs: 'POST /api/trials/:code/participants/:id/randomise' },
    { path: '/trials/:code/consort', label: 'CONSORT', roles: ['investigator', 'assessor', 'monitor', 'statistician'], needs: 'GET /api/trials/:code/consort' },
    { path: '/trials/:code/allocations', label: 'Allocations', roles: ['statistician', 'investigator', 'monitor'], needs: 'GET /api/trials/:code/allocations' },
    { path: '/trials/:code/visits', label: 'Visits due', roles: ['assessor', 'investigator', 'monitor'], needs: 'GET /api/trials/:code/visits' },
    { path: '/trials/:code/doses', label: 'Supervised doses', roles: ['trainer'], needs: 'POST /api/trials/:code/doses' },
    { path: '/trials/:code/adverse-events', label: 'Adverse events', roles: ['investigator', 'assessor', 'trainer', 'monitor', 'statistician'], needs: 'GET /api/trials/:code/adverse-events' },
    { path: '/trials/:code/adverse-events/new', label: 'Report an adverse event', roles: ['investigator', 'assessor', 'trainer'], needs: 'POST /api/trials/:code/adverse-events' },
    { path: '/trials/:code/deviations', label: 'Deviations', roles: ['investigator', 'assessor', 'monitor', 'statistician'], needs: 'GET /api/trials/:code/deviations' },
    { path: '/trials/:code/deviations/new', label: 'Record a deviation', roles: ['investigator', 'assessor'], needs: 'POST /api/trials/:code/deviations' },
    { path: '/trials/:code/analysis', label: 'Analysis', roles: ['statistician', 'investigator', 'monitor'], needs: 'GET /api/trials/:code/analyses' },
    { path: '/trials/:code/analysis/run', label: "Run the protocol's analysis", roles: ['statistician'], needs: 'POST /api/trials/:code/analyses' },
    { path: '/trials/:code/design-report', label: 'Design report', roles: ['investigator', 'statistician', 'monitor'], needs: 'GET /api/trials/:code/design-report' },
    { path: '/trials/:code/dispense', label: 'Dispense a kit', roles: ['investigator', 'assessor'], needs: 'POST /api/trials/:code/participants/:id/dispensings' },
    { path: '/trials/:code/adherence', label: 'Adherence', roles: ['investigator', 'monitor', 'statistician'], needs: 'GET /api/trials/:code/adherence' },
    { path: '/trials/:code/leaving', label: 'Lost to follow-up or discontinued', roles: ['investigator'], needs: 'POST /api/trials/:code/participants/:id/withdrawal' },
    { path: '/trials/:code/code-break', label: 'Emergency code-break', roles: ['investigator'], needs: 'POST /api/trials/:code/participants/:id/code-break' },
    // The investigator unblinds from Protocol and consent; the statistician's own way to it.
    { path: '/trials/:code/unblind', label: 'Unblind the trial', roles: ['statistician'], needs: 'POST /api/trials/:code/unblind' },
  ],
  demo: (w, demo) => loadDemoTrial(w, demo),
  cli: registerTrialCommands,
});

// What other capabilities use: the analysis screen offers a trial's own data set with its randomised arm.
export { analysableTrials, trialDatasetFor } from './analysis-store.ts';

// What the schedule uses: a randomised participant's visits become appointments; one held outside its window is a deviation.
export { recordVisitHeldOutsideWindow, visitScheduleOf, type VisitDue } from './visit-appointments.ts';
