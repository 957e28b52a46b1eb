import type { Screen } from '../app/screens.ts';
import { HomePage } from './HomePage.tsx';

export const homeScreens: Screen[] = [
  { path: '/', component: HomePage },
];
