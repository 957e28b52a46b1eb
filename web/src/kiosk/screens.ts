import type { Screen } from '../app/screens.ts';
import { KiosksPage } from './KiosksPage.tsx';
import { PersonPunctualityPage, UnitPunctualityPage } from './PunctualityPages.tsx';

// The kiosk page itself (/kiosk) is not a screen: a device signs in to it with its token (App.tsx).
export const kioskScreens: Screen[] = [
  { path: '/schedule/punctuality', component: UnitPunctualityPage },
  { path: '/people/:id/punctuality', component: PersonPunctualityPage },
  { path: '/kiosks', component: KiosksPage },
];
