import type { Actor } from '../shared/actor.ts';
import { personScope, requirePersonInScope, unitScope } from '../access/index.ts';
import { getPerson, getUnit, timeZonesOf, type PersonView, type UnitView } from './store.ts';
import { notFound } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';

/** The person, if the actor may see them; otherwise 404, so designations outside the scope stay unknown. */
export async function personInScope(db: Db, actor: Actor, personId: number): Promise<PersonView> {
  const person = await getPerson(db, personId);
  requirePersonInScope(await personScope(db, actor), person);
  return person;
}

/** The unit, if it is in the actor's scope (a trainer's units and those below; everyone's for staff who see all). */
export async function unitInScope(db: Db, actor: Actor, unitId: number): Promise<UnitView> {
  await requireUnitInScope(db, actor, unitId);
  return getUnit(db, unitId);
}

/** 404 unless the unit is in the actor's scope: for callers that read the unit along with others. */
export async function requireUnitInScope(db: Db, actor: Actor, unitId: number): Promise<void> {
  const scope = await unitScope(db, actor);
  if (scope !== 'all' && !scope.includes(unitId)) throw notFound(`unit ${unitId}`);
}

/** The time zone a person's dates are entered and shown in: their unit's, or UTC without one. */
export async function zoneOf(db: Db, person: PersonView): Promise<string> {
  return (await timeZonesOf(db, [person.id])).get(person.id)!;
}
