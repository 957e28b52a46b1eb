import type { Insertable } from 'kysely';
import { systemActor } from '../shared/actor.ts';
import type { Db } from '../store/db.ts';
import { write } from '../store/write.ts';
import { addKiosk, setBadges } from './kiosks.ts';
import type { ScheduleTables } from './tables.ts';

// Test factories of the kiosk's tests: rows as tables.ts defines them, each call fresh data.
let counter = 0;

export async function makeLocation(db: Db, overrides: Partial<{ name: string; timeZone: string; directions: string }> = {}) {
  counter += 1;
  const values = { name: overrides.name ?? `Location ${counter}`, time_zone: overrides.timeZone ?? 'Europe/London', directions: overrides.directions ?? `Building ${counter}, ground floor`, created_at: new Date().toISOString() };
  const { id } = await db.insertInto('location').values(values).returning('id').executeTakeFirstOrThrow();
  return { id, name: values.name, timeZone: values.time_zone, directions: values.directions };
}

export async function makeAppointment(db: Db, values: { personId: number; locationId: number; startsAt: string } & Partial<Insertable<ScheduleTables['appointment']>>) {
  const { personId, locationId, startsAt, ...rest } = values;
  const { id } = await db
    .insertInto('appointment')
    .values({
      person_id: personId,
      location_id: locationId,
      starts_at: startsAt,
      duration_minutes: 60,
      purpose: 'assessment',
      title: 'Strength test',
      ordered_by_label: 'test',
      status: 'acknowledged',
      created_at: new Date().toISOString(),
      ...rest,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A kiosk at the location, and its token. */
export async function makeKiosk(db: Db, locationName: string) {
  return write(db, systemActor('test'), (w) => addKiosk(w, { location: locationName }));
}

export async function giveBadge(db: Db, personId: number, badge: string) {
  await write(db, systemActor('test'), (w) => setBadges(w, [{ personId, badge }], 'test'));
}
