import type { Screen } from '../app/screens.ts';
import { ImportPage } from './ImportPage.tsx';
import { PeoplePage } from './PeoplePage.tsx';
import { PersonPage } from './PersonPage.tsx';
import { UnitPage } from './UnitPage.tsx';
import { UnitsPage } from './UnitsPage.tsx';


export const rosterScreens: Screen[] = [
  { path: '/units', component: UnitsPage },
  { path: '/units/:id', component: UnitPage },
  { path: '/people', component: PeoplePage },
  { path: '/people/:id', component: PersonPage },
  { path: '/roster/import', component: ImportPage },
];
