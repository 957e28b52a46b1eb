import type { Screen } from '../app/screens.ts';
import { DrillsPage } from './DrillsPage.tsx';
import { MyDrillsPage } from './MyDrillsPage.tsx';
import { MyStrengthPage } from './MyStrengthPage.tsx';
import { StrengthTestsPage } from './StrengthTestsPage.tsx';

export const drillScreens: Screen[] = [
  { path: '/drills', component: DrillsPage },
  { path: '/strength-tests', component: StrengthTestsPage },
  { path: '/me/drills', component: MyDrillsPage },
  { path: '/me/strength', component: MyStrengthPage },
];
