import type { Screen } from '../app/screens.ts';
import { HomePage } from './HomePage.tsx';

export const homeScreens: Screen[] = [
  { path: '/', component: HomePage, nav: { label: 'Home', roles: ['admin', 'investigator', 'trainer', 'assessor', 'monitor', 'statistician', 'participant'] } },
];
