import { defineCapability, only } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import type { AnalysisTables } from './model.ts';
import { analysisRoutes } from './routes.ts';

export const analysis = defineCapability<AnalysisTables>({
  name: 'analysis',
  migrations,
  routes: analysisRoutes,
  policy: {
    // Analyses are the statisticians' work and the investigators' decision. Either may store data
    // sets; archiving one is for whoever saved it or an investigator (src/analysis/model.ts mayArchive).
    'POST /api/analysis': only('statistician', 'investigator'),
    // Past analyses: a trial's own are left out for a reader blinded to that trial (inside, as for its data set).
    'GET /api/analysis/runs': only('statistician', 'investigator'),
    'GET /api/analysis/runs/:id': only('statistician', 'investigator'),
    'GET /api/analysis/datasets': only('statistician', 'investigator'),
    'POST /api/analysis/datasets': only('statistician', 'investigator'),
    'GET /api/analysis/datasets/:id': only('statistician', 'investigator'),
    // A trial's own data set: refused inside to a reader blinded to that trial (seesArms).
    'GET /api/analysis/trials/:code': only('statistician', 'investigator'),
    'DELETE /api/analysis/datasets/:id': only('statistician', 'investigator'),
    // Physique data, derived: both analysing roles (health-data roles, unblinded statisticians
    // included: the data set names units, never arms); every read is in each participant's access log.
    'GET /api/analysis/derived/physique-by-visit': only('statistician', 'investigator'),
  },
  screens: [
    { path: '/analysis', label: 'Analysis', roles: ['statistician', 'investigator'], needs: 'POST /api/analysis' },
  ],
});
