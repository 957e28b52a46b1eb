import { defineCapability, only } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import type { WellnessTables } from './model.ts';
import { wellnessRoutes } from './routes.ts';
import { loadDemoWellness } from './demo.ts';
import { registerWellnessCommands } from './cli.ts';
import { onCountedUnitChanged } from '../roster/index.ts';
import { moveReportCounts, rebuildReportCounts, type WellnessTallyTables } from './tally.ts';

// A roster move carries a participant's report counts to their new unit (docs/adr/0008).
onCountedUnitChanged(moveReportCounts);

export const wellness = defineCapability<WellnessTables & WellnessTallyTables>({
  name: 'wellness',
  migrations,
  routes: wellnessRoutes,
  policy: {
    // Wellness: the participant reports; trainers see their units (personScope), investigators and monitors everyone.
    'PUT /api/me/wellness/today': only('participant'),
    'GET /api/people/:id/wellness': only('participant', 'trainer', 'investigator', 'monitor'),
    'GET /api/units/:id/wellness': only('trainer', 'investigator', 'monitor'),
    'POST /api/wellness/import': only('investigator'),
    'GET /api/wellness/export': only('investigator', 'monitor'),
  },
  screens: [
    { path: '/me/wellness', label: 'My wellness', roles: ['participant'], needs: 'PUT /api/me/wellness/today' },
    { path: '/wellness/import', label: 'Import wellness', roles: ['investigator'], needs: 'POST /api/wellness/import' },
  ],
  demo: (w, demo) => loadDemoWellness(w, demo),
  rebuildDerived: rebuildReportCounts,
  cli: registerWellnessCommands,
});

// What other capabilities and the server use.
export { rangeFlag, reportView } from './routes.ts';
export { wellnessByUnit } from './store.ts';
