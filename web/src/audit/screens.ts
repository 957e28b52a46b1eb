import type { Screen } from '../app/screens.ts';
import { AuditPage } from './AuditPage.tsx';

export const auditScreens: Screen[] = [{ path: '/audit', component: AuditPage }];
