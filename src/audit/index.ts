import { defineCapability, only } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import type { AuditTables } from './model.ts';
import { auditRoutes } from './routes.ts';
import { appendEvent, lockAuditHead } from './store.ts';
import { registerAuditTrail } from '../store/write.ts';

// Every write in every capability appends to this trail (src/store/write.ts).
registerAuditTrail({ append: appendEvent, lock: lockAuditHead });

export const audit = defineCapability<AuditTables>({
  name: 'audit',
  migrations,
  routes: auditRoutes,
  policy: {
    'GET /api/audit': only('admin'),
    'GET /api/audit/verify': only('admin'),
  },
  screens: [
    { path: '/audit', label: 'Audit', roles: ['admin'], needs: 'GET /api/audit' },
  ],
});

// What other capabilities and the server use.
export { anchorAudit, verifyAudit } from './store.ts';
export { AUDIT_KEY_VARIABLE, auditKeyFromEnvironment, parseAnchor, type Anchor } from './anchors.ts';
