import type { Actor } from '../shared/actor.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Db } from '../store/db.ts';
import type { AnsweredAbout, ReadDeclaration } from '../shared/reads.ts';
import { localDateOf } from '../shared/time.ts';
import { membershipsWithUnitsAbove } from './units.ts';

// Who read a participant's data. The tables (access_log, unit_access_log) are the audit capability's;
// only this module writes and reads them.

/** Records that `viewer` read `what` about each person: the participant can see it in their access log. */
export async function recordAccess(db: Db, viewer: Actor, personIds: readonly number[], what: string, clock: Clock = systemClock): Promise<void> {
  const others = [...new Set(personIds)].filter((id) => id !== viewer.personId);
  if (others.length === 0) return;
  const at = clock().toISOString();
  for (let i = 0; i < others.length; i += 1000) {
    await db
      .insertInto('access_log')
      .values(others.slice(i, i + 1000).map((person_id) => ({ at, viewer_account_id: viewer.accountId, viewer_label: viewer.label, person_id, what })))
      .execute();
  }
}

/**
 * Records that `viewer` read `what` about everyone now in a unit and the units below it, as one
 * row (ADR 0005): each participant's access log finds it through their membership at the time.
 */
export async function recordUnitAccess(db: Db, viewer: Actor, unitId: number, what: string, clock: Clock = systemClock): Promise<void> {
  await db.insertInto('unit_access_log').values({ at: clock().toISOString(), viewer_account_id: viewer.accountId, viewer_label: viewer.label, unit_id: unitId, what }).execute();
}

/**
 * Records the read of many people's data as a cohort view (ADR 0005: one row per unit read): a
 * unit-wide row for each top unit above their current units, which each member's access log
 * finds, and a per-person row for each person outside any unit.
 */
export async function recordCohortRead(db: Db, viewer: Actor, personIds: Iterable<number>, what: string, clock: Clock = systemClock): Promise<void> {
  const ids = new Set(personIds);
  if (ids.size === 0) return;
  const [units, memberships] = await Promise.all([
    db.selectFrom('unit').select(['id', 'parent_id']).execute(),
    db.selectFrom('person_unit').select(['person_id', 'unit_id']).where('effective_to', 'is', null).execute(),
  ]);
  const parentOf = new Map(units.map((u) => [u.id, u.parent_id]));
  const topOf = (unitId: number): number => {
    const parent = parentOf.get(unitId);
    return parent === null || parent === undefined ? unitId : topOf(parent);
  };
  const unitOf = new Map(memberships.map((m) => [m.person_id, m.unit_id]));
  const tops = new Set<number>();
  const outside: number[] = [];
  for (const id of ids) {
    const unit = unitOf.get(id);
    if (unit === undefined) outside.push(id);
    else tops.add(topOf(unit));
  }
  for (const unitId of tops) await recordUnitAccess(db, viewer, unitId, what, clock);
  await recordAccess(db, viewer, outside, what, clock);
}

/**
 * Writes the access log for a route's read declaration (src/shared/reads.ts), after a successful
 * answer: the one place routes' reads are logged (src/server/reads.ts calls it).
 */
export async function recordDeclaredRead(
  db: Db,
  viewer: Actor,
  read: ReadDeclaration,
  request: { params: unknown; answered: AnsweredAbout | null },
  clock: Clock = systemClock,
): Promise<void> {
  const param = (name: string) => {
    const value = Number((request.params as Record<string, unknown>)[name]);
    if (!Number.isInteger(value)) throw new Error(`the read declaration names the path parameter "${name}", which the route does not have`);
    return value;
  };
  switch (read.kind) {
    case 'none':
      return;
    case 'person':
      return recordAccess(db, viewer, [param(read.param)], read.what, clock);
    case 'unit':
      return recordUnitAccess(db, viewer, param(read.param), read.what, clock);
    case 'people':
      return recordAccess(db, viewer, [...(request.answered?.people ?? [])], request.answered?.what ?? read.what, clock);
    case 'dataset':
      return recordCohortRead(db, viewer, request.answered?.people ?? [], request.answered?.what ?? read.what, clock);
  }
}

/** Who read a participant's data on one day (in the participant's unit's time zone, or UTC): one line, however many reads. */
export interface AccessGroup {
  /** The local day. */
  date: string;
  /** The latest read of the day. */
  at: string;
  /** The viewer's label when they read (their username, or the system's task). */
  viewer: string;
  /** Null for the system. */
  viewerAccountId: number | null;
  /** How many reads. */
  count: number;
  /** What was read, each with its count, the latest first. */
  reads: { what: string; count: number }[];
}

/** At most this many of each kind of row are grouped: a day cut by the bound is left out rather than shown short. */
const RAW_LIMIT = 20_000;

/**
 * Who read a person's data, newest first, one entry per viewer and day: reads of the person, and
 * reads of any unit that covered them when it happened (their unit then, or one above it).
 */
export async function listAccessLog(db: Db, personId: number, limit: number): Promise<AccessGroup[]> {
  const [memberships, current] = await Promise.all([
    membershipsWithUnitsAbove(db, personId),
    db
      .selectFrom('person_unit')
      .innerJoin('unit', 'unit.id', 'person_unit.unit_id')
      .select('unit.time_zone')
      .where('person_unit.person_id', '=', personId)
      .where('person_unit.effective_to', 'is', null)
      .executeTakeFirst(),
  ]);
  const zone = current?.time_zone ?? 'UTC';
  const [own, unitWide] = await Promise.all([
    db.selectFrom('access_log').select(['at', 'viewer_label as viewer', 'viewer_account_id as viewerAccountId', 'what']).where('person_id', '=', personId).orderBy('at', 'desc').orderBy('id', 'desc').limit(RAW_LIMIT).execute(),
    memberships.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('unit_access_log')
          .innerJoin('unit', 'unit.id', 'unit_access_log.unit_id')
          .select(['unit_access_log.at', 'unit_access_log.viewer_label as viewer', 'unit_access_log.viewer_account_id as viewerAccountId', 'unit_access_log.what', 'unit.name as unit'])
          .where((eb) =>
            eb.or(
              memberships.map((m) =>
                eb.and([
                  eb('unit_access_log.unit_id', 'in', m.unitIds),
                  eb('unit_access_log.at', '>=', m.from),
                  ...(m.to === null ? [] : [eb('unit_access_log.at', '<', m.to)]),
                ]),
              ),
            ),
          )
          .orderBy('unit_access_log.at', 'desc')
          .orderBy('unit_access_log.id', 'desc')
          .limit(RAW_LIMIT)
          .execute(),
  ]);
  // A source cut by the bound is missing rows before its oldest one: days up to that one are incomplete.
  const cutAt = [own, unitWide].filter((rows) => rows.length === RAW_LIMIT).map((rows) => rows[rows.length - 1].at).sort().pop();
  const cutDate = cutAt === undefined ? undefined : localDateOf(cutAt, zone);
  const entries = [...own, ...unitWide.map(({ unit, ...e }) => ({ ...e, what: `${e.what} of ${unit}` }))];
  // Stable: same-instant entries keep each query's newest-first order.
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const groups = new Map<string, AccessGroup>();
  let oldest = '';
  for (const e of entries) {
    const date = localDateOf(e.at, zone);
    if (cutDate !== undefined && date <= cutDate) break;
    const key = `${e.viewerAccountId ?? `system ${e.viewer}`}|${date}`;
    let group = groups.get(key);
    if (!group) {
      // Full: reads of an older day cannot belong to a listed group; a newer one's may still follow.
      if (groups.size === limit) {
        if (date < oldest) break;
        continue;
      }
      oldest = date;
      group = { date, at: e.at, viewer: e.viewer, viewerAccountId: e.viewerAccountId, count: 0, reads: [] };
      groups.set(key, group);
    }
    group.count += 1;
    const read = group.reads.find((r) => r.what === e.what);
    if (read) read.count += 1;
    else group.reads.push({ what: e.what, count: 1 });
  }
  return [...groups.values()];
}
