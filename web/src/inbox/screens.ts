import type { Screen } from '../app/screens.ts';
import { InboxPage } from './InboxPage.tsx';

export const inboxScreens: Screen[] = [{ path: '/inbox', component: InboxPage }];
