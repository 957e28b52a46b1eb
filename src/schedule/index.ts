import { rosterStaff } from '../access/index.ts';
import { defineCapability, kioskOnly, only } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import { registerKioskCommands } from './kiosk-cli.ts';
import { scheduleRoutes } from './routes.ts';
import type { ScheduleTables } from './tables.ts';

export const schedule = defineCapability<ScheduleTables>({
  name: 'schedule',
  migrations,
  routes: scheduleRoutes,
  cli: registerKioskCommands,
  policy: {
    // The kiosk at the door: only a kiosk's token passes (src/access/policy.ts), and it passes nothing else.
    'POST /api/kiosk/check-ins': kioskOnly,
    'GET /api/kiosk': kioskOnly,
    'GET /api/kiosks': only('admin'),
    'POST /api/kiosks': only('admin'),
    'DELETE /api/kiosks/:id': only('admin'),
    'GET /api/people/:id/punctuality': only(...rosterStaff, 'participant'),
    'GET /api/units/:id/punctuality': only(...rosterStaff),
  },
  screens: [],
});

// What the server uses: the guard looks a kiosk's token up on kiosk routes only.
export { authenticateKiosk } from './kiosks.ts';
