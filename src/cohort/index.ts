import { defineCapability, only } from '../shared/capability.ts';
import { cohortRoutes } from './routes.ts';

export const cohort = defineCapability({
  name: 'cohort',
  routes: cohortRoutes,
  policy: {
    // The cohort dashboard (src/cohort): unit-wide summaries for the staff who watch units; trainers their units (unitScope).
    'GET /api/units/:id/cohort': only('trainer', 'investigator', 'monitor'),
    'GET /api/units/:id/cohort/flags': only('trainer', 'investigator', 'monitor'),
    'GET /api/units/:id/cohort/bests': only('trainer', 'investigator', 'monitor'),
  },
  screens: [
    { path: '/cohort', label: 'Cohort', roles: ['investigator', 'monitor'], needs: 'GET /api/units/:id/cohort' },
  ],
});
