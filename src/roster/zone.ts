import { timeZonesOf, type PersonView } from './store.ts';
import type { Db } from '../store/db.ts';

/** The time zone a person's dates are entered and shown in: their unit's, or UTC without one. */
export async function zoneOf(db: Db, person: PersonView): Promise<string> {
  return (await timeZonesOf(db, [person.id])).get(person.id)!;
}
