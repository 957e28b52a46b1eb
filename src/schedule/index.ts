import { rosterStaff } from '../access/index.ts';
import { defineCapability, kioskOnly, only, publicRoute, signedIn } from '../shared/capability.ts';
import { loadDemoSchedule } from './demo.ts';
import { loadKioskDemo } from './kiosk-demo.ts';
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
    // Appointments and summons (docs/schedule.md): investigators order; the row rule (src/access) narrows every read
    // and step to the people one sees: a trainer relays for their units' people, a participant acknowledges their own.
    'GET /api/locations': only(...rosterStaff),
    'POST /api/locations': only('admin'),
    'POST /api/appointments': only('investigator'),
    'GET /api/appointments': signedIn,
    'GET /api/appointments/:id': signedIn,
    'POST /api/appointments/:id/relay': only('trainer'),
    'POST /api/appointments/:id/acknowledge': only('participant'),
    'POST /api/appointments/:id/cancel': only('investigator'),
    'POST /api/appointments/:id/complete': only('investigator', 'assessor'),
    'POST /api/trials/:code/participants/:id/visit-appointments': only('investigator'),
    'PUT /api/me/email': signedIn,
    'POST /api/me/calendar-feed': signedIn,
    'DELETE /api/me/calendar-feed': signedIn,
    // The token in the path is the key (stored hashed, revocable): calendar apps cannot sign in.
    'GET /api/calendar/:token': publicRoute,
    // The kiosk at the door: only a kiosk's token passes (src/access/policy.ts), and it passes nothing else.
    'POST /api/kiosk/check-ins': kioskOnly,
    'GET /api/kiosk': kioskOnly,
    'GET /api/kiosks': only('admin'),
    'POST /api/kiosks': only('admin'),
    'DELETE /api/kiosks/:id': only('admin'),
    'GET /api/people/:id/punctuality': only(...rosterStaff, 'participant'),
    'GET /api/units/:id/punctuality': only(...rosterStaff),
  },
  screens: [
    { path: '/schedule/summon', label: 'Summon', roles: ['investigator'], needs: 'POST /api/appointments' },
    { path: '/schedule/appointments', label: 'Appointments', roles: ['investigator', 'monitor'], needs: 'GET /api/appointments' },
    { path: '/schedule/relay', label: 'Summonses to relay', roles: ['trainer'], needs: 'POST /api/appointments/:id/relay' },
    { path: '/schedule/mine', label: 'My appointments', roles: ['participant'], needs: 'POST /api/appointments/:id/acknowledge' },
    { path: '/schedule/punctuality', label: 'Punctuality', roles: ['investigator', 'trainer', 'monitor'], needs: 'GET /api/units/:id/punctuality' },
    { path: '/people/:id/punctuality', label: 'Punctuality of a participant', roles: rosterStaff, needs: 'GET /api/people/:id/punctuality' },
    { path: '/kiosks', label: 'Kiosks', roles: ['admin'], needs: 'GET /api/kiosks' },
  ],
  // A gym, a week of appointments and tonight's 23:00 summons (src/schedule/demo.ts); the kiosk at the gym adds its check-ins (kiosk-demo.ts).
  demo: async (w, demo) => loadKioskDemo(w, await loadDemoSchedule(w, demo)),
});

// What the server uses: the guard looks a kiosk's token up on kiosk routes only.
export { authenticateKiosk } from './kiosks.ts';
