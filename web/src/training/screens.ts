import type { Screen } from '../app/screens.ts';
import { ExercisesPage } from './ExercisesPage.tsx';
import { MyTrainingPage } from './MyTrainingPage.tsx';
import { SessionLogPage } from './SessionLogPage.tsx';
import { SessionPage } from './SessionPage.tsx';
import { SessionsPage } from './SessionsPage.tsx';

export const trainingScreens: Screen[] = [
  { path: '/training/sessions', component: SessionsPage, nav: { label: 'Plan sessions', roles: ['trainer'] } },
  { path: '/training/sessions/:id', component: SessionPage },
  { path: '/training/log', component: SessionLogPage, nav: { label: 'Log a session', roles: ['trainer'] } },
  { path: '/training/exercises', component: ExercisesPage, nav: { label: 'Exercises', roles: ['trainer', 'admin'] } },
  { path: '/me/training', component: MyTrainingPage, nav: { label: 'My training', roles: ['participant'] } },
];
