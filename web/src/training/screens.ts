import type { Screen } from '../app/screens.ts';
import { ExercisesPage } from './ExercisesPage.tsx';
import { MyTrainingPage } from './MyTrainingPage.tsx';
import { SessionLogPage } from './SessionLogPage.tsx';
import { SessionPage } from './SessionPage.tsx';
import { SessionsPage } from './SessionsPage.tsx';

export const trainingScreens: Screen[] = [
  { path: '/training/sessions', component: SessionsPage },
  { path: '/training/sessions/:id', component: SessionPage },
  { path: '/training/log', component: SessionLogPage },
  { path: '/training/exercises', component: ExercisesPage },
  { path: '/me/training', component: MyTrainingPage },
];
