import { sql, type ExpressionBuilder } from 'kysely';
import { dayNumber, localDateOf } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import type { RangeFlag } from '../stats/own-range.ts';
import { FLAG_DAYS_AHEAD, flagCodes, loadRatioFlagFrom, loadRatioFlagOn, stateColumns, toState } from './load-ratio.ts';
import { unitsAbove } from '../access/index.ts';

/**
 * Cohort-wide training queries for the dashboards: each reads a whole unit (and the units below)
 * with a fixed number of statements, whatever its size. Members are the participants now in the
 * units (their current membership); they train in their units' sessions and those of the units
 * above. Attendance and weekly load are read from tallies kept on write per unit and day or week
 * (docs/adr/0008): a battalion's month is hundreds of thousands of attendance records, which no
 * query shape groups in time at every view.
 */

/** The participants now in `unitIds`: their current memberships. */
const currentMembers = (db: Db, unitIds: readonly number[]) =>
  db
    .selectFrom('person_unit')
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'person_unit.person_id').on('person_role.role', '=', 'participant'))
    .where('person_unit.unit_id', 'in', unitIds)
    .where('person_unit.effective_to', 'is', null);

export interface UnitWeekLoad {
  /** Summed session-RPE load (AU) of the unit's own members. */
  load: number;
  /** Members present at one session or more. */
  trained: number;
}

/**
 * Each unit's (own members', not those below) session-RPE load in the ISO week from `monday`:
 * the kept week tallies (src/training/attendance-tally.ts), a row a unit.
 */
export async function weeklyLoadByUnit(db: Db, unitIds: readonly number[], monday: string): Promise<Map<number, UnitWeekLoad>> {
  if (unitIds.length === 0) return new Map();
  const rows = await db.selectFrom('training_unit_week').select(['unit_id', 'load', 'trained']).where('unit_id', 'in', unitIds).where('week_start', '=', monday).execute();
  return new Map(rows.map((r) => [r.unit_id, { load: Number(r.load), trained: Number(r.trained) }]));
}

export interface UnitAttendance {
  /** Attendance records at held sessions: present, absent, excused or injured. */
  recorded: number;
  present: number;
}

/**
 * Each unit's (own members') attendance records at the sessions held on the local days `from` to
 * `to`: the kept day tallies (src/training/attendance-tally.ts), summed a row a unit.
 */
export async function attendanceByUnit(db: Db, unitIds: readonly number[], from: string, to: string): Promise<Map<number, UnitAttendance>> {
  if (unitIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('attendance_unit_day')
    .select((e) => ['unit_id', e.fn.sum<number>('recorded').as('recorded'), e.fn.sum<number>('present').as('present')])
    .where('unit_id', 'in', unitIds)
    .where('local_date', '>=', from)
    .where('local_date', '<=', to)
    .groupBy('unit_id')
    .execute();
  // PostgreSQL returns sums as strings.
  return new Map(rows.map((r) => [r.unit_id, { recorded: Number(r.recorded), present: Number(r.present) }]));
}

export interface CohortLoadRatioFlags {
  /** Per unit, its own members: how many have a load ratio against a usual range of their own (usual or flagged), and how many are flagged. */
  byUnit: Map<number, { rated: number; flagged: number }>;
  /** The flagged members, each with their unit and flag. */
  flagged: Map<number, { unitId: number; flag: RangeFlag }>;
}

/**
 * The load-ratio flags on `date` of the participants now in `unitIds`. Each stored state carries
 * its flags for the FLAG_DAYS_AHEAD days from the person's last load (docs/adr/0006), so the
 * counts per unit are one aggregate in SQL, a row a unit; only the flagged members' states are
 * read, to give their numbers, and those of members whose last load is further back than that or
 * after `date` (a look back), to compute theirs.
 */
export async function cohortLoadRatioFlags(db: Db, unitIds: readonly number[], date: string): Promise<CohortLoadRatioFlags> {
  const byUnit = new Map<number, { rated: number; flagged: number }>();
  const flagged = new Map<number, { unitId: number; flag: RangeFlag }>();
  if (unitIds.length === 0) return { byUnit, flagged };
  const day = dayNumber(date);
  const ahead = sql<number>`${day} - load_ratio_state.last_day`;
  const code = sql<string>`substr(load_ratio_state.flags_ahead, ${ahead} + 1, 1)`;
  const withStates = () => currentMembers(db, unitIds).innerJoin('load_ratio_state', 'load_ratio_state.person_id', 'person_unit.person_id');
  // The stored days as a range of last_day itself, not of `ahead`: PostgreSQL's planner estimates
  // a range of a column from its statistics, and took one of the expression for 50 rows of 10,000
  // (a nested loop over the members: 18 ms where the hash join takes 6).
  const stored = (e: ExpressionBuilder<Database, 'load_ratio_state'>) => e.between('load_ratio_state.last_day', day - (FLAG_DAYS_AHEAD - 1), day);
  const [counts, flaggedStates, otherStates] = await Promise.all([
    withStates()
      .select((e) => [
        'person_unit.unit_id',
        e.fn.sum<number>(e.case().when(code, 'in', [flagCodes.usual, flagCodes.flagged]).then(1).else(0).end()).as('rated'),
        e.fn.sum<number>(e.case().when(code, '=', flagCodes.flagged).then(1).else(0).end()).as('flagged'),
      ])
      .where(stored)
      .groupBy('person_unit.unit_id')
      .execute(),
    withStates().select([...stateColumns, 'person_unit.unit_id']).where(stored).where(code, '=', flagCodes.flagged).execute(),
    withStates().select([...stateColumns, 'person_unit.unit_id']).where((e) => e.not(stored(e))).execute(),
  ]);
  for (const r of counts) byUnit.set(r.unit_id, { rated: Number(r.rated), flagged: Number(r.flagged) });
  for (const r of flaggedStates) flagged.set(r.person_id, { unitId: r.unit_id, flag: loadRatioFlagFrom(toState(r), date)! });
  for (const r of otherStates) {
    const flag = await loadRatioFlagOn(db, r.person_id, toState(r), date);
    if (!flag || flag.state === 'too-little-history') continue;
    const own = byUnit.get(r.unit_id) ?? { rated: 0, flagged: 0 };
    own.rated += 1;
    if (flag.state === 'flagged') {
      own.flagged += 1;
      flagged.set(r.person_id, { unitId: r.unit_id, flag });
    }
    byUnit.set(r.unit_id, own);
  }
  return { byUnit, flagged };
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
 * The newest sets (at most `limit`) of held sessions between two instants in which a member lifted
 * more than at any earlier set of that exercise: `personalBests`' heaviest-load rule (a load for at
 * least one rep, not a warm-up; earlier means an earlier start, or the same start and a lower set id), counted
 * only when there was an earlier lift to beat. Read from the bests kept on write (`lift_best`),
 * newest first.
 */
export async function recentLiftBests(db: Db, unitIds: readonly number[], from: string, to: string, limit: number): Promise<RecentLiftBest[]> {
  if (unitIds.length === 0) return [];
  // Held sessions of the units or those above them, as the cohort's other training numbers count them.
  const sessionUnits = [...new Set([...unitIds, ...(await unitsAbove(db, unitIds))])];
  // CROSS JOIN keeps lift_best the outer loop on SQLite (its documented join-order hint; on
  // PostgreSQL it is an inner join), so the window is read newest first and the read stops at `limit`.
  const rows = await db
    .selectFrom('lift_best')
    .crossJoin('training_session')
    .where((e) => e('training_session.id', '=', e.ref('lift_best.session_id')))
    .innerJoin('unit', 'unit.id', 'training_session.unit_id')
    .innerJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'lift_best.person_id').on('person_unit.effective_to', 'is', null))
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'lift_best.person_id').on('person_role.role', '=', 'participant'))
    .innerJoin('exercise', 'exercise.id', 'lift_best.exercise_id')
    .select(['lift_best.set_id', 'lift_best.person_id', 'lift_best.starts_at', 'lift_best.load_kg', 'lift_best.previous_kg', 'unit.time_zone', 'exercise.name'])
    .where('lift_best.starts_at', '>=', from)
    .where('lift_best.starts_at', '<', to)
    .where('training_session.status', '=', 'held')
    .where('training_session.unit_id', 'in', sessionUnits)
    .where('person_unit.unit_id', 'in', unitIds)
    .orderBy('lift_best.starts_at', 'desc')
    .orderBy('lift_best.set_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ personId: r.person_id, exercise: r.name, setId: r.set_id, at: r.starts_at, date: localDateOf(r.starts_at, r.time_zone), loadKg: r.load_kg, previousKg: Number(r.previous_kg) }));
}
