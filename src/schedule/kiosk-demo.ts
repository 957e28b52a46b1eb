import { seededRandom } from '../shared/random.ts';
import type { Writer } from '../store/write.ts';
import { checkIn } from './check-ins.ts';
import { addKiosk, authenticateKiosk, setBadges } from './kiosks.ts';
import { DEFAULT_ON_TIME_MINUTES } from './punctuality.ts';

/** The demo kiosk's token, public like the demo's password: the demo is never real use (`muster serve` loads none). */
export const DEMO_KIOSK_TOKEN = 'mst_demo-kiosk';

/** Of the demo's past appointments: about one in ten nobody came to, one in four came late. */
const ABSENT = 0.1;
const LATE = 0.25;

/**
 * The kiosk's part of the demo: a kiosk at the schedule demo's gym (open /kiosk and enter
 * DEMO_KIOSK_TOKEN), every participant's badge (their designation), and the
 * check-ins of the week's appointments that have begun, at the kiosk, some late, a few absent.
 */
export async function loadKioskDemo(w: Writer, schedule: { locationId: number; appointmentIds: readonly number[] }): Promise<{ checkIns: number }> {
  const location = await w.db.selectFrom('location').select('name').where('id', '=', schedule.locationId).executeTakeFirstOrThrow();
  await addKiosk(w, { location: location.name, name: 'Front desk (demo)', token: DEMO_KIOSK_TOKEN });
  const kiosk = (await authenticateKiosk(w.db, DEMO_KIOSK_TOKEN))!;

  const participants = await w.db
    .selectFrom('person')
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'person.id').on('person_role.role', '=', 'participant'))
    .select(['person.id', 'person.designation'])
    .execute();
  await setBadges(
    w,
    participants.map((p) => ({ personId: p.id, badge: p.designation })),
    'demo',
  );

  if (schedule.appointmentIds.length === 0) return { checkIns: 0 };
  const begun = await w.db
    .selectFrom('appointment')
    .innerJoin('person', 'person.id', 'appointment.person_id')
    .select(['appointment.id', 'appointment.starts_at', 'person.designation'])
    .where('appointment.id', 'in', schedule.appointmentIds)
    .where('appointment.location_id', '=', schedule.locationId)
    .where('appointment.starts_at', '<=', w.now.toISOString())
    .orderBy('appointment.starts_at')
    .orderBy('appointment.id')
    .execute();
  const random = seededRandom(13);
  const atTheDoor: Writer = { ...w, actor: kiosk };
  let checkIns = 0;
  for (const appointment of begun) {
    const draw = random();
    if (draw < ABSENT) continue;
    // Late: 3 to 20 minutes; otherwise from 10 minutes early to just inside the tolerance.
    const minutes = draw < ABSENT + LATE ? DEFAULT_ON_TIME_MINUTES + 1 + Math.floor(random() * 18) : -10 + Math.floor(random() * (10 + DEFAULT_ON_TIME_MINUTES));
    const at = new Date(Math.min(Date.parse(appointment.starts_at) + minutes * 60_000, w.now.getTime())).toISOString();
    await checkIn(atTheDoor, kiosk.kiosk!, { badge: appointment.designation, idempotencyKey: `demo-${appointment.id}`, at }, DEFAULT_ON_TIME_MINUTES);
    checkIns += 1;
  }
  return { checkIns };
}
