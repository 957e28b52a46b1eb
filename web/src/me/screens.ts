import type { Screen } from '../app/screens.ts';
import { AccessLogPage } from './AccessLogPage.tsx';
import { MyRecordPage } from './MyRecordPage.tsx';

export const meScreens: Screen[] = [
  { path: '/me', component: MyRecordPage },
  { path: '/me/access-log', component: AccessLogPage },
];
