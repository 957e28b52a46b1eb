import type { Screen } from '../app/screens.ts';
import { CohortPage } from './CohortPage.tsx';

export const cohortScreens: Screen[] = [{ path: '/cohort', component: CohortPage }];
