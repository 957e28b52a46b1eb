import type { Screen } from '../app/screens.ts';
import { ImportPage } from './ImportPage.tsx';
import { PeoplePage } from './PeoplePage.tsx';
import { PersonPage } from './PersonPage.tsx';
import { UnitPage } from './UnitPage.tsx';
import { UnitsPage } from './UnitsPage.tsx';

const rosterStaff = ['admin', 'investigator', 'trainer', 'assessor', 'monitor', 'statistician'] as const;

export const rosterScreens: Screen[] = [
  { path: '/units', component: UnitsPage, nav: { label: 'Units', roles: rosterStaff } },
  { path: '/units/:id', component: UnitPage },
  { path: '/people', component: PeoplePage, nav: { label: 'People', roles: rosterStaff } },
  { path: '/people/:id', component: PersonPage },
  { path: '/roster/import', component: ImportPage, nav: { label: 'Import roster', roles: ['admin'] } },
];
