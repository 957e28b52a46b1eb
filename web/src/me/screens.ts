import type { Screen } from '../app/screens.ts';
import { AccessLogPage } from './AccessLogPage.tsx';
import { MyRecordPage } from './MyRecordPage.tsx';

export const meScreens: Screen[] = [
  { path: '/me', component: MyRecordPage, nav: { label: 'My record', roles: ['participant'] } },
  { path: '/me/access-log', component: AccessLogPage, nav: { label: 'Who viewed my data', roles: ['participant'] } },
];
