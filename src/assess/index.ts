import { defineCapability, only } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import type { AssessTables } from './model.ts';
import { assessRoutes } from './routes.ts';
import { loadDemoAssessments } from './demo.ts';
import { registerMeasurementsCommands } from './cli.ts';

export const assess = defineCapability<AssessTables>({
  name: 'assess',
  migrations,
  routes: assessRoutes,
  policy: {
    // Physique: the participant, assessors (who alone write), investigators and blinded monitors
    // (read only); trainers of the person's units only with the participant's consent
    // (src/assess/routes.ts requirePhysiqueAccess). Admins do not see it.
    'GET /api/people/:id/assessments': only('participant', 'assessor', 'investigator', 'monitor', 'trainer'),
    'POST /api/people/:id/assessments': only('assessor'),
    'PUT /api/assessments/:id': only('assessor'),
    'POST /api/assessments/import': only('assessor'),
    'GET /api/assessments/export': only('assessor', 'investigator', 'monitor'),
    'GET /api/me/physique-consent': only('participant'),
    'PUT /api/me/physique-consent': only('participant'),
  },
  screens: [
    { path: '/me/measurements', label: 'My measurements', roles: ['participant'], needs: 'GET /api/people/:id/assessments' },
    { path: '/assessments/import', label: 'Import measurements', roles: ['assessor'], needs: 'POST /api/assessments/import' },
  ],
  demo: (w, demo) => loadDemoAssessments(w, demo),
  cli: registerMeasurementsCommands,
});

// What other capabilities and the server use.
export { createAssessment, isMeasurementName, listAssessments, measurementNames, measurementsOf, type AssessmentView, type MeasurementName } from './store.ts';
