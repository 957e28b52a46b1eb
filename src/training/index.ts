import { defineCapability, signedIn, only } from '../shared/capability.ts';
import { rosterReaders } from '../access/index.ts';
import { migrations } from './migrations.ts';
import type { TrainingTables } from './model.ts';
import { trainingRoutes } from './routes.ts';
import { loadDemoTraining } from './demo.ts';
import { registerTrainingCommands } from './cli.ts';
import { rebuildLoadRatios } from './load-ratio.ts';
import { onCountedUnitChanged } from '../roster/index.ts';
import { moveAttendanceTallies, rebuildAttendanceTallies, type AttendanceTallyTables } from './attendance-tally.ts';
import { rebuildLiftBests, type LiftBestTables } from './lift-best.ts';

// A roster move carries a participant's attendance tallies to their new unit (docs/adr/0008).
onCountedUnitChanged(moveAttendanceTallies);

export const training = defineCapability<TrainingTables & AttendanceTallyTables & LiftBestTables>({
  name: 'training',
  migrations,
  routes: trainingRoutes,
  policy: {
    // Training: trainers write for the people of their units (personScope); reads are narrowed the same way.
    'GET /api/exercises': signedIn,
    'POST /api/exercises': only('admin', 'trainer'),
    'POST /api/exercises/:id/aliases': only('admin', 'trainer'),
    'GET /api/me/training-preferences': signedIn,
    'PUT /api/me/training-preferences': signedIn,
    'GET /api/training/sessions': rosterReaders,
    'POST /api/training/sessions': only('admin', 'trainer'),
    'POST /api/training/sessions/start': only('admin', 'trainer'),
    'GET /api/training/sessions/:id': rosterReaders,
    'PATCH /api/training/sessions/:id': only('admin', 'trainer'),
    'PUT /api/training/sessions/:id/attendance/:personId': only('admin', 'trainer'),
    'POST /api/training/sessions/:id/attendance/all-present': only('admin', 'trainer'),
    // A participant logs their own sets only (src/training/routes.ts checkSelfLogged; docs/training.md).
    'POST /api/training/sets': only('admin', 'trainer', 'participant'),
    'GET /api/me/training/sessions': only('participant'),
    'PUT /api/training/sets/:id': only('admin', 'trainer'),
    'DELETE /api/training/sets/:id': only('admin', 'trainer'),
    'GET /api/people/:id/training/sets': signedIn,
    'GET /api/people/:id/training/load': signedIn,
    'GET /api/people/:id/training/attendance': signedIn,
    'GET /api/people/:id/training/bests': signedIn,
    'GET /api/units/:id/training/load': rosterReaders,
    'POST /api/training/import': only('admin', 'trainer'),
    'GET /api/training/export': signedIn,
  },
  screens: [
    { path: '/training/sessions', label: 'Plan sessions', roles: ['trainer'], needs: 'POST /api/training/sessions' },
    { path: '/training/log', label: 'Log a session', roles: ['trainer'], needs: 'POST /api/training/sets' },
    { path: '/training/exercises', label: 'Exercises', roles: ['trainer', 'admin'], needs: 'POST /api/exercises' },
    { path: '/me/training', label: 'My training', roles: ['participant'], needs: 'GET /api/me/training/sessions' },
    { path: '/training/import', label: 'Import training', roles: ['admin', 'trainer'], needs: 'POST /api/training/import' },
  ],
  demo: (w, demo) => loadDemoTraining(w, demo),
  // The attendance tallies and each person's load-ratio state (ADR 0006), rebuilt from the rows.
  rebuildDerived: async (w) => {
    await rebuildAttendanceTallies(w);
    await rebuildLoadRatios(w);
    await rebuildLiftBests(w);
  },
  cli: registerTrainingCommands,
});

// What other capabilities and the server use.
export { attendanceByUnit, cohortLoadRatioFlags, recentLiftBests, weeklyLoadByUnit } from './cohort.ts';
export { acwrFlag } from './load-ratio.ts';
export { fromKilograms, loadAmountSchema, loadUnits, nameKey, notesSchema, toKilograms, type LoadUnit } from './model.ts';
export { localInstant, preferredLoadUnit, type LoadView, type LocalInstant } from './store.ts';
