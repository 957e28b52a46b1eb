import type { ExpressionBuilder } from 'kysely';
import { localDateOf } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import type { DayLoad } from './metrics.ts';
import { unitsAbove } from './store.ts';

/**
 * Cohort-wide training queries for the dashboards: each reads a whole unit (and the units below)
 * in one statement and groups in the database, so their cost does not grow with a request per
 * person. Members are the participants now in the units (their current membership); they train
 * in their units' sessions and those of the units above.
 */

type SessionRows = ExpressionBuilder<Database & { member: { person_id: number; unit_id: number } }, 'training_session' | 'session_attendance' | 'member'>;

/** Session-RPE load of one attendance (Foster 2001, `sessionLoad`): RPE × the participant's minutes, else the session's. */
const attendanceLoad = (e: SessionRows) => e(e.ref('session_attendance.rpe'), '*', e.fn.coalesce('session_attendance.minutes', 'training_session.actual_minutes'));

/** The held sessions of the units (and those above) between two instants, joined to their members' attendance. */
async function memberSessions(db: Db, unitIds: readonly number[], from: string, to: string) {
  const sessionUnits = [...new Set([...unitIds, ...(await unitsAbove(db, unitIds))])];
  return db
    .with('member', (qb) =>
      qb
        .selectFrom('person_unit')
        .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'person_unit.person_id').on('person_role.role', '=', 'participant'))
        .select(['person_unit.person_id', 'person_unit.unit_id'])
        .where('person_unit.unit_id', 'in', unitIds)
        .where('person_unit.effective_to', 'is', null),
    )
    .selectFrom('training_session')
    .innerJoin('session_attendance', 'session_attendance.session_id', 'training_session.id')
    .innerJoin('member', 'member.person_id', 'session_attendance.person_id')
    .where('training_session.unit_id', 'in', sessionUnits)
    .where('training_session.starts_at', '>=', from)
    .where('training_session.starts_at', '<', to)
    .where('training_session.status', '=', 'held');
}

export interface UnitWeekLoad {
  /** Summed session-RPE load (AU) of the unit's own members. */
  load: number;
  /** Members present at one session or more. */
  trained: number;
}

/** Each unit's (own members', not those below) session-RPE load between two instants, in one grouped query. */
export async function weeklyLoadByUnit(db: Db, unitIds: readonly number[], from: string, to: string): Promise<Map<number, UnitWeekLoad>> {
  if (unitIds.length === 0) return new Map();
  const rows = await (await memberSessions(db, unitIds, from, to))
    .select((e) => ['member.unit_id', e.fn.sum<number>(attendanceLoad(e)).as('load'), e.fn.count<number>('member.person_id').distinct().as('trained')])
    .where('session_attendance.status', '=', 'present')
    .groupBy('member.unit_id')
    .execute();
  return new Map(rows.map((r) => [r.unit_id, { load: Number(r.load ?? 0), trained: Number(r.trained) }]));
}

export interface UnitAttendance {
  /** Attendance records at held sessions: present, absent, excused or injured. */
  recorded: number;
  present: number;
}

/** Each unit's (own members') attendance records at the sessions held between two instants. */
export async function attendanceByUnit(db: Db, unitIds: readonly number[], from: string, to: string): Promise<Map<number, UnitAttendance>> {
  if (unitIds.length === 0) return new Map();
  const rows = await (await memberSessions(db, unitIds, from, to))
    .select((e) => [
      'member.unit_id',
      e.fn.countAll<number>().as('recorded'),
      e.fn.sum<number>(e.case().when('session_attendance.status', '=', 'present').then(1).else(0).end()).as('present'),
    ])
    .groupBy('member.unit_id')
    .execute();
  return new Map(rows.map((r) => [r.unit_id, { recorded: Number(r.recorded), present: Number(r.present) }]));
}

/**
 * Every member's session-RPE loads between two instants, dated in the zone of the session's
 * unit: the cohort's input to the load-ratio metrics (`workloadRatios`), in the order of their
 * dates. The attendance query selects only numbers and joins nothing per row (it is hundreds of
 * thousands of rows for a battalion); the sessions' dates and the members' units come from small
 * queries, and attendances of people no longer in the units are dropped here.
 */
export async function memberSessionLoads(db: Db, unitIds: readonly number[], from: string, to: string): Promise<Map<number, { unitId: number; loads: DayLoad[] }>> {
  const loads = new Map<number, { unitId: number; loads: DayLoad[] }>();
  if (unitIds.length === 0) return loads;
  const held = await memberSessions(db, unitIds, from, to);
  const sessionIds = held.select('training_session.id').distinct();
  const [sessions, members, rows] = await Promise.all([
    db
      .selectFrom('training_session')
      .innerJoin('unit', 'unit.id', 'training_session.unit_id')
      .select(['training_session.id', 'training_session.starts_at', 'unit.time_zone'])
      .where('training_session.id', 'in', sessionIds)
      .orderBy('training_session.starts_at')
      .execute(),
    held.select(['member.person_id', 'member.unit_id']).distinct().execute(),
    db
      .selectFrom('session_attendance')
      .innerJoin('training_session', 'training_session.id', 'session_attendance.session_id')
      .select((e) => ['session_attendance.person_id', 'session_attendance.session_id', e(e.ref('session_attendance.rpe'), '*', e.fn.coalesce('session_attendance.minutes', 'training_session.actual_minutes')).as('load')])
      .where('session_attendance.session_id', 'in', sessionIds)
      .where('session_attendance.status', '=', 'present')
      .where('session_attendance.rpe', 'is not', null)
      .execute(),
  ]);
  const unitOf = new Map(members.map((m) => [m.person_id, m.unit_id]));
  const byPerson = new Map<number, Map<number, number>>();
  for (const r of rows) {
    if (r.load === null || !unitOf.has(r.person_id)) continue;
    let own = byPerson.get(r.person_id);
    if (!own) byPerson.set(r.person_id, (own = new Map()));
    own.set(r.session_id, Number(r.load));
  }
  // Walk the sessions in date order once per person, so each series is in date order.
  const dated = sessions.map((s) => ({ id: s.id, date: localDateOf(s.starts_at, s.time_zone) }));
  for (const [personId, bySession] of byPerson) {
    const series: DayLoad[] = [];
    for (const s of dated) {
      const load = bySession.get(s.id);
      if (load !== undefined) series.push({ date: s.date, load });
    }
    loads.set(personId, { unitId: unitOf.get(personId)!, loads: series });
  }
  return loads;
}

export interface RecentLiftBest {
  personId: number;
  exercise: string;
  setId: number;
  /** The session's start (UTC) and its local date in the session unit's zone. */
  at: string;
  date: string;
  /** The new heaviest load and the heaviest before it, in kg. */
  loadKg: number;
  previousKg: number;
}

/**
 * The newest sets (at most `limit`) between two instants in which a member lifted more than at
 * any earlier set of that exercise: `personalBests`' heaviest-load rule (a load for at least one
 * rep; earlier means an earlier session, or an earlier set of the same session), counted only
 * when there was an earlier lift to beat. Sessions are read newest first until `limit` are found;
 * within one, a set's check is a seek in training_set_person_exercise_load for an earlier set at
 * least as heavy.
 */
export async function recentLiftBests(db: Db, unitIds: readonly number[], from: string, to: string, limit: number): Promise<RecentLiftBest[]> {
  if (unitIds.length === 0) return [];
  const sessionUnits = [...new Set([...unitIds, ...(await unitsAbove(db, unitIds))])];
  const sessions = await db
    .selectFrom('training_session')
    .innerJoin('unit', 'unit.id', 'training_session.unit_id')
    .select(['training_session.id', 'training_session.starts_at', 'unit.time_zone'])
    .where('training_session.unit_id', 'in', sessionUnits)
    .where('training_session.starts_at', '>=', from)
    .where('training_session.starts_at', '<', to)
    .where('training_session.status', '=', 'held')
    .orderBy('training_session.starts_at', 'desc')
    .execute();
  const bests: RecentLiftBest[] = [];
  for (const session of sessions) {
    if (bests.length >= limit) break;
    const earlier = (eb: ExpressionBuilder<Database, 'training_set'>) =>
      eb
        .selectFrom('training_set as earlier')
        .innerJoin('training_session as earlier_session', 'earlier_session.id', 'earlier.session_id')
        .whereRef('earlier.person_id', '=', 'training_set.person_id')
        .whereRef('earlier.exercise_id', '=', 'training_set.exercise_id')
        .where('earlier.reps', '>=', 1)
        .where((e) => e.or([e('earlier_session.starts_at', '<', session.starts_at), e.and([e('earlier.session_id', '=', session.id), e('earlier.id', '<', e.ref('training_set.id'))])]));
    const rows = await db
      .selectFrom('training_set')
      .innerJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'training_set.person_id').on('person_unit.effective_to', 'is', null))
      .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'training_set.person_id').on('person_role.role', '=', 'participant'))
      .innerJoin('exercise', 'exercise.id', 'training_set.exercise_id')
      .select((eb) => ['training_set.id', 'training_set.person_id', 'training_set.load_kg', 'exercise.name', earlier(eb).select((e) => e.fn.max('earlier.load_kg').as('kg')).as('previous_kg')])
      .where('training_set.session_id', '=', session.id)
      .where('person_unit.unit_id', 'in', unitIds)
      .where('training_set.reps', '>=', 1)
      .where('training_set.load_kg', '>', 0)
      .where((eb) => eb.exists(earlier(eb).select('earlier.id')))
      .where((eb) => eb.not(eb.exists(earlier(eb).select('earlier.id').where('earlier.load_kg', '>=', eb.ref('training_set.load_kg')))))
      .orderBy('training_set.id', 'desc')
      .limit(limit - bests.length)
      .execute();
    const date = localDateOf(session.starts_at, session.time_zone);
    for (const r of rows) bests.push({ personId: r.person_id, exercise: r.name, setId: r.id, at: session.starts_at, date, loadKg: r.load_kg!, previousKg: Number(r.previous_kg) });
  }
  return bests;
}
