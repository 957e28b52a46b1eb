import type { Screen } from '../app/screens.ts';
import { DrillsPage } from './DrillsPage.tsx';
import { MyDrillsPage } from './MyDrillsPage.tsx';
import { MyStrengthPage } from './MyStrengthPage.tsx';
import { StrengthTestsPage } from './StrengthTestsPage.tsx';

export const drillScreens: Screen[] = [
  { path: '/drills', component: DrillsPage, nav: { label: 'Drills', roles: ['trainer'] } },
  { path: '/strength-tests', component: StrengthTestsPage, nav: { label: 'Strength tests', roles: ['trainer'] } },
  { path: '/me/drills', component: MyDrillsPage, nav: { label: 'My drills', roles: ['participant'] } },
  { path: '/me/strength', component: MyStrengthPage, nav: { label: 'My strength tests', roles: ['participant'] } },
];
