import { defineCapability, signedIn, only } from '../shared/capability.ts';
import { rosterReaders, rosterStaff } from '../access/index.ts';
import { migrations } from './migrations.ts';
import type { RosterTables } from './model.ts';
import { rosterRoutes } from './routes.ts';
import { loadDemoRoster } from './demo.ts';

export const roster = defineCapability<RosterTables>({
  name: 'roster',
  migrations,
  routes: rosterRoutes,
  policy: {
    'GET /api/units': rosterReaders,
    'GET /api/units/:id': rosterReaders,
    'POST /api/units': only('admin'),
    'PUT /api/units/:id/staff': only('admin'),
    'GET /api/people': rosterReaders,
    // Anyone signed in, narrowed by the access rules (src/access): a participant reaches only their own record.
    'GET /api/people/:id': signedIn,
    'GET /api/people/:id/chain': signedIn,
    'GET /api/people/:id/units': rosterReaders,
    'POST /api/people': only('admin'),
    'PATCH /api/people/:id': only('admin'),
    'POST /api/people/:id/move': only('admin'),
    'POST /api/roster/import': only('admin'),
  },
  screens: [
    { path: '/units', label: 'Units', roles: rosterStaff, needs: 'GET /api/units' },
    { path: '/people', label: 'People', roles: rosterStaff, needs: 'GET /api/people' },
    { path: '/roster/import', label: 'Import roster', roles: ['admin'], needs: 'POST /api/roster/import' },
  ],
  demo: async (w, demo) => {
    await loadDemoRoster(w, demo.participants, demo.zone, demo.weeks);
  },
});

// What other capabilities and the server use.
export { runRosterImport } from './import.ts';
export { designationKey, isoDateSchema, personFields, personStatuses, timeZoneSchema, type PersonStatus } from './model.ts';
export { zoneOf } from './zone.ts';
export { readDemoRoster, type DemoRoster } from './demo.ts';
export { chainOfCommand, createPerson, findPersonByDesignation, getPerson, onAccessEnded, onCountedUnitChanged, countedMembers, countedUnitsOf, personRefs, getUnit, listPeople, listUnits, participantsOf, setEmail, statusCountsByUnit, timeZonesOf, updatePerson, type PersonView } from './store.ts';
