import type { Screen } from '../app/screens.ts';
import { MeasurementsImportPage } from './MeasurementsImportPage.tsx';
import { TrainingImportPage } from './TrainingImportPage.tsx';
import { WellnessImportPage } from './WellnessImportPage.tsx';

/** CSV imports of training, wellness and measurements, for the roles src/auth/policy.ts lets import them (the roster's is in roster/). */
export const importScreens: Screen[] = [
  { path: '/training/import', component: TrainingImportPage },
  { path: '/wellness/import', component: WellnessImportPage },
  { path: '/assessments/import', component: MeasurementsImportPage },
];
