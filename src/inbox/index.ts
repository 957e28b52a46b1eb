import { roles } from '../shared/actor.ts';
import { defineCapability, signedIn } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import type { InboxTables } from './model.ts';
import { inboxRoutes } from './routes.ts';

export const inbox = defineCapability<InboxTables>({
  name: 'inbox',
  migrations,
  routes: inboxRoutes,
  policy: {
    'GET /api/me/inbox': signedIn,
    'POST /api/me/inbox/:id/read': signedIn,
  },
  screens: [{ path: '/inbox', label: 'Inbox', roles, needs: 'GET /api/me/inbox' }],
});

export { notify, peopleWithRole } from './store.ts';
export type { Message } from './model.ts';
