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
  },
  screens: [],
  demo: (w, demo) => loadDemoTrial(w, demo),
  cli: registerTrialCommands,
});

// What the schedule uses: a randomised participant's visits become appointments; one held outside its window is a deviation.
export { recordVisitHeldOutsideWindow, visitScheduleOf, type VisitDue } from './visit-appointments.ts';
