import { defineCapability, publicRoute, signedIn, only } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import type { AuthTables } from './model.ts';
import { authRoutes } from './routes.ts';
import { loadDemoLogins } from './demo.ts';
import { endAccess } from './store.ts';
import { onAccessEnded } from '../roster/index.ts';

// A role change or a discharge ends the person's sessions and tokens, in the roster's transaction.
onAccessEnded(endAccess);

export const auth = defineCapability<AuthTables>({
  name: 'auth',
  migrations,
  routes: authRoutes,
  policy: {
    'POST /api/auth/login': publicRoute,
    'POST /api/setup': publicRoute,
    'POST /api/auth/logout': signedIn,
    'GET /api/me': signedIn,
    'GET /api/me/access-log': signedIn,
    'GET /api/auth/tokens': signedIn,
    'POST /api/auth/tokens': signedIn,
    'DELETE /api/auth/tokens/:id': signedIn,
    'GET /api/session': publicRoute,
    'GET /api/account-setup': publicRoute,
    'POST /api/account-setup': publicRoute,
    'GET /api/people/:id/account': only('admin'),
    'POST /api/people/:id/account': only('admin'),
    'POST /api/people/:id/account/reset': only('admin'),
    'POST /api/people/:id/account/unlock': only('admin'),
  },
  screens: [
    { path: '/me', label: 'My record', roles: ['participant'], needs: 'GET /api/me' },
    { path: '/me/access-log', label: 'Who viewed my data', roles: ['participant'], needs: 'GET /api/me/access-log' },
  ],
  demo: loadDemoLogins,
});

// What other capabilities and the server use.
export { DEMO_PASSWORD } from './demo.ts';
export { accountHolders, authenticateApiToken, authenticateSession, confirmPassword, createAccount, createSetupLink, hasAdmin, type Authenticated } from './store.ts';
export { SESSION_COOKIE } from './session-cookie.ts';
