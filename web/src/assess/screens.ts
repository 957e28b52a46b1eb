import type { Screen } from '../app/screens.ts';
import { AssessmentPage } from './AssessmentPage.tsx';
import { MyMeasurementsPage } from './MyMeasurementsPage.tsx';

export const assessScreens: Screen[] = [
  { path: '/me/measurements', component: MyMeasurementsPage },
  { path: '/people/:id/assess', component: AssessmentPage },
];
