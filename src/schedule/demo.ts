import { scheduleSettings } from './model.ts';
import type { DemoContext } from '../shared/capability.ts';
import { addDays, instantToLocal } from '../shared/time.ts';
import type { Writer } from '../store/write.ts';
import { createLocation, moveAppointment, orderAppointments } from './appointments.ts';
import type { Outbox } from './notifications.ts';

/** How many of 1 Platoon's participants the demo's week of morning tests summons. */
const WEEK_PEOPLE = 10;

/**
 * The schedule's part of the demo: a gym in the demo's zone, a week of 07:00 tests for ten of
 * 1 Platoon's participants (ordered by the company commander, relayed by the trainer,
 * acknowledged), tomorrow's scans still to relay, and tonight's 23:00 summons for JB-001, relayed
 * through the trainer and waiting for their acknowledgement. Each step is written by the store's
 * own functions under the name of who would take it; the audit trail shows the demo loader. The
 * appointments of past days are missed unless someone checked in (the kiosk's part of the demo).
 */
export async function loadDemoSchedule(w: Writer, demo: DemoContext): Promise<{ locationId: number; appointmentIds: number[] }> {
  // The demo's people have no e-mail addresses: everything goes to the inbox.
  const outbox: Outbox = [];
  const settings = scheduleSettings({});
  const gym = await createLocation(w, { name: 'Gym (demo)', timeZone: demo.zone, directions: 'Building 4, ground floor; report to the desk' });
  const people = await w.db
    .selectFrom('person')
    .leftJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'person.id').on('person_unit.effective_to', 'is', null))
    .leftJoin('unit', 'unit.id', 'person_unit.unit_id')
    .select(['person.id', 'person.designation', 'unit.name as unit'])
    .orderBy('person.designation_key')
    .execute();
  const byDesignation = (designation: string) => people.find((p) => p.designation === designation)!.id;
  const as = (designation: string, label: string): Writer => ({ ...w, actor: { accountId: null, personId: byDesignation(designation), label, roles: [] } });
  const commander = as('OC-001', 'commander');
  const trainer = as('PTI-001', 'trainer');
  const weekPeople = people.filter((p) => p.unit === '1 Platoon (demo)' && p.designation.startsWith('JB-')).slice(0, WEEK_PEOPLE);
  const today = instantToLocal(w.now.toISOString(), demo.zone).date;

  const ids: number[] = [];
  for (let day = -6; day <= 0; day++) {
    const ordered = await orderAppointments(
      commander,
      outbox,
      { personIds: weekPeople.map((p) => p.id), locationId: gym.id, localDate: addDays(today, day), localTime: '07:00', durationMinutes: 45, purpose: 'test', title: 'Morning fitness test' },
      settings,
    );
    const whose = await w.db.selectFrom('appointment').innerJoin('person', 'person.id', 'appointment.person_id').select(['appointment.id', 'person.designation']).where('appointment.id', 'in', ordered).execute();
    for (const { id, designation } of whose) {
      await moveAppointment(trainer, outbox, id, 'relayed');
      await moveAppointment(as(designation, designation.toLowerCase()), outbox, id, 'acknowledged');
    }
    ids.push(...ordered);
  }
  const scans = await orderAppointments(
    commander,
    outbox,
    { personIds: weekPeople.slice(0, 2).map((p) => p.id), locationId: gym.id, localDate: addDays(today, 1), localTime: '09:00', durationMinutes: 30, purpose: 'assessment', title: 'DXA scan' },
    settings,
  );
  // Tonight's summons: 23:00 at the gym, in its zone; tomorrow's if the demo is loaded after 22:00 there.
  const tonight = instantToLocal(w.now.toISOString(), demo.zone).time < '22:00' ? today : addDays(today, 1);
  const [summons] = await orderAppointments(
    commander,
    outbox,
    { personIds: [byDesignation('JB-001')], locationId: gym.id, localDate: tonight, localTime: '23:00', durationMinutes: 60, purpose: 'briefing', title: 'Night navigation briefing', reason: 'night exercise (demo)' },
    settings,
  );
  await moveAppointment(trainer, outbox, summons, 'relayed', 'told at evening parade');
  return { locationId: gym.id, appointmentIds: [...ids, ...scans, summons] };
}
