import type { Screen } from '../app/screens.ts';
import { MyTrainingPage } from './MyTrainingPage.tsx';

export const trainingScreens: Screen[] = [{ path: '/me/training', component: MyTrainingPage, nav: { label: 'My training', roles: ['participant'] } }];
