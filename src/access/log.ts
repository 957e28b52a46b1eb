import type { Actor } from '../shared/actor.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Db } from '../store/db.ts';
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

export interface AccessEntry {
  at: string;
  /** The viewer's label when they read (their username, or the system's task). */
  viewer: string;
  /** Null for the system. */
  viewerAccountId: number | null;
  what: string;
}

/**
 * Who read a person's data, newest first: reads of the person, and reads of any unit that
 * covered them when it happened (their unit then, or one above it).
 */
export async function listAccessLog(db: Db, personId: number, limit: number): Promise<AccessEntry[]> {
  const memberships = await membershipsWithUnitsAbove(db, personId);
  const [own, unitWide] = await Promise.all([
    db.selectFrom('access_log').select(['at', 'viewer_label as viewer', 'viewer_account_id as viewerAccountId', 'what']).where('person_id', '=', personId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
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
          .limit(limit)
          .execute(),
  ]);
  const entries = [...own, ...unitWide.map(({ unit, ...e }) => ({ ...e, what: `${e.what} of ${unit}` }))];
  // Stable: same-instant entries keep each query's newest-first order.
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
