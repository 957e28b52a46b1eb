import { defineCapability, signedIn, only } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import type { DrillTables } from './model.ts';
import { drillRoutes } from './routes.ts';

export const drills = defineCapability<DrillTables>({
  name: 'drills',
  migrations,
  routes: drillRoutes,
  policy: {
    'GET /api/drills': signedIn,
    'POST /api/drills': only('admin', 'trainer'),
    'POST /api/drills/:id/attempts': only('admin', 'trainer'),
    'GET /api/people/:id/drills': signedIn,
    // Participants see their own unit's board; staff the units in their scope.
    'GET /api/units/:id/drills/:drillId/leaderboard': signedIn,
    'GET /api/me/leaderboards': signedIn,
    'PUT /api/me/leaderboards': only('participant'),
    'GET /api/strength-protocols': signedIn,
    'POST /api/strength-tests': only('admin', 'trainer'),
    'GET /api/people/:id/strength-tests': signedIn,
  },
  screens: [
    { path: '/drills', label: 'Drills', roles: ['trainer'], needs: 'POST /api/drills' },
    { path: '/strength-tests', label: 'Strength tests', roles: ['trainer'], needs: 'POST /api/strength-tests' },
    { path: '/me/drills', label: 'My drills', roles: ['participant'], needs: 'GET /api/people/:id/drills' },
    { path: '/me/strength', label: 'My strength tests', roles: ['participant'], needs: 'GET /api/people/:id/strength-tests' },
  ],
});

// What other capabilities and the server use.
export { recentDrillBests } from './store.ts';
