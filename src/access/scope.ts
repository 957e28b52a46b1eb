import type { Actor, Role } from '../shared/actor.ts';
import { notFound } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';
import { unitsTrainedBy } from './units.ts';

// Who may see which person and which unit. Out-of-scope people and units answer 404, not 403: a
// participant must not learn which other designations exist. "Not found" is always a query that
// found no row (or a rule that said no); a failing query is a failure (500), never a 404.

export type PersonScope = ({ kind: 'all' } | { kind: 'units'; unitIds: number[] } | { kind: 'self' }) & { selfId: number | null };

/**
 * Which people an actor may see: investigators, monitors, assessors, statisticians and admins
 * every participant; a trainer the people of the units they train and the units below;
 * anyone else only themselves.
 */
const seeEveryone: readonly Role[] = ['admin', 'investigator', 'monitor', 'assessor', 'statistician'];

export async function personScope(db: Db, actor: Actor): Promise<PersonScope> {
  const selfId = actor.personId;
  if (actor.roles.some((r) => seeEveryone.includes(r))) return { kind: 'all', selfId };
  if (actor.roles.includes('trainer') && selfId !== null) return { kind: 'units', unitIds: await unitsTrainedBy(db, selfId), selfId };
  return { kind: 'self', selfId };
}

/** The units an actor may see: all, or a trainer's units and those below (none for anyone else). */
export async function unitScope(db: Db, actor: Actor): Promise<number[] | 'all'> {
  const scope = await personScope(db, actor);
  if (scope.kind === 'all') return 'all';
  if (scope.kind === 'units') return scope.unitIds;
  return [];
}

/** Whether a person (with their current unit) is in a scope: the one rule, for routes and imports alike. */
export function inScope(scope: PersonScope, person: { id: number; unitId: number | null }): boolean {
  return scope.kind === 'all' || scope.selfId === person.id || (scope.kind === 'units' && person.unitId !== null && scope.unitIds.includes(person.unitId));
}

/** The person and their current unit, from the roster's published tables; undefined when there is no such person. */
async function personRow(db: Db, personId: number): Promise<{ id: number; unitId: number | null } | undefined> {
  return db
    .selectFrom('person')
    .leftJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'person.id').on('person_unit.effective_to', 'is', null))
    .select(['person.id', 'person_unit.unit_id as unitId'])
    .where('person.id', '=', personId)
    .executeTakeFirst();
}

/** Whether the person exists and the actor may see them. */
export async function personVisible(db: Db, actor: Actor, personId: number): Promise<boolean> {
  const person = await personRow(db, personId);
  return person !== undefined && inScope(await personScope(db, actor), person);
}

/** 404 unless the person exists and the actor may see them. */
export async function requirePersonVisible(db: Db, actor: Actor, personId: number): Promise<void> {
  if (!(await personVisible(db, actor, personId))) throw notFound(`person ${personId}`);
}

/** Whether the unit exists and is in the actor's scope (a trainer's units and those below; every unit for staff who see all). */
export async function unitVisible(db: Db, actor: Actor, unitId: number): Promise<boolean> {
  const unit = await db.selectFrom('unit').select('id').where('id', '=', unitId).executeTakeFirst();
  if (!unit) return false;
  const scope = await unitScope(db, actor);
  return scope === 'all' || scope.includes(unitId);
}

/** 404 unless the unit exists and is in the actor's scope. */
export async function requireUnitVisible(db: Db, actor: Actor, unitId: number): Promise<void> {
  if (!(await unitVisible(db, actor, unitId))) throw notFound(`unit ${unitId}`);
}

/** A unit's leaderboard: staff see the units in their scope; a participant their own unit's board. */
export async function requireLeaderboardVisible(db: Db, actor: Actor, unitId: number): Promise<void> {
  if (await unitVisible(db, actor, unitId)) return;
  const own =
    actor.personId === null
      ? undefined
      : await db.selectFrom('person_unit').select('unit_id').where('person_id', '=', actor.personId).where('effective_to', 'is', null).where('unit_id', '=', unitId).executeTakeFirst();
  if (!own) throw notFound(`unit ${unitId}`);
}
