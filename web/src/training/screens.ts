import type { Screen } from '../app/screens.ts';
import { MyTrainingPage } from './MyTrainingPage.tsx';
import { SessionLogPage } from './SessionLogPage.tsx';

export const trainingScreens: Screen[] = [
  { path: '/training/log', component: SessionLogPage, nav: { label: 'Log a session', roles: ['trainer'] } },
  { path: '/me/training', component: MyTrainingPage, nav: { label: 'My training', roles: ['participant'] } },
];
