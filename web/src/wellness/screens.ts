import type { Screen } from '../app/screens.ts';
import { MyWellnessPage } from './MyWellnessPage.tsx';

export const wellnessScreens: Screen[] = [{ path: '/me/wellness', component: MyWellnessPage }];
