import type { Selectable } from 'kysely';
import type { Writer } from '../audit/store.ts';
import { participantsOf, timeZonesOf } from '../roster/store.ts';
import { addDays, localDateOf } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { BASELINE_DAYS, baselinesOf, wellnessFlag, wellnessScore, type RangeFlag, type WellnessItems } from './model.ts';

export interface WellnessInput {
  sleepQuality: number;
  fatigue: number;
  stress: number;
  soreness: number;
  hoursSlept: number;
}

export interface WellnessReportView extends WellnessInput {
  personId: number;
  /** The local day the report is for. */
  date: string;
  /** 4-28, higher is better (docs/wellness.md). */
  score: number;
  /** The score against the person's own previous BASELINE_DAYS days. */
  flag: RangeFlag;
  reportedAt: string;
}

type ReportRow = Selectable<Database['wellness_report']>;

const itemsOf = (r: Pick<ReportRow, 'sleep_quality' | 'fatigue' | 'stress' | 'soreness'>): WellnessItems => ({
  sleep_quality: r.sleep_quality,
  fatigue: r.fatigue,
  stress: r.stress,
  soreness: r.soreness,
});

type ReportColumns = Omit<ReportRow, 'id' | 'created_at' | 'updated_at'>;

export function toReportView(r: ReportColumns): WellnessReportView {
  const score = wellnessScore(itemsOf(r));
  return {
    personId: r.person_id,
    date: r.local_date,
    sleepQuality: r.sleep_quality,
    fatigue: r.fatigue,
    stress: r.stress,
    soreness: r.soreness,
    hoursSlept: r.hours_slept,
    score,
    flag: wellnessFlag(score, { count: r.baseline_count, sum: r.baseline_sum, sumOfSquares: r.baseline_sum_of_squares }),
    reportedAt: r.reported_at,
  };
}

/**
 * Brings the stored baselines of one person's reports from `from` to BASELINE_DAYS days after
 * `to` up to date, after reports in [from, to] were written: the writer's transaction does it,
 * so a baseline is never stale. Only rows whose baseline changed are updated.
 */
export async function refreshBaselines(db: Db, personId: number, from: string, to: string): Promise<void> {
  const rows = await db
    .selectFrom('wellness_report')
    .select(['id', 'local_date', 'sleep_quality', 'fatigue', 'stress', 'soreness', 'baseline_count', 'baseline_sum', 'baseline_sum_of_squares'])
    .where('person_id', '=', personId)
    .where('local_date', '>=', addDays(from, -BASELINE_DAYS))
    .where('local_date', '<=', addDays(to, BASELINE_DAYS))
    .orderBy('local_date')
    .execute();
  const sums = baselinesOf(rows.map((r) => ({ date: r.local_date, score: wellnessScore(itemsOf(r)) })));
  for (const [i, r] of rows.entries()) {
    const { count, sum, sumOfSquares } = sums[i];
    if (r.local_date < from || (r.baseline_count === count && r.baseline_sum === sum && r.baseline_sum_of_squares === sumOfSquares)) continue;
    await db.updateTable('wellness_report').set({ baseline_count: count, baseline_sum: sum, baseline_sum_of_squares: sumOfSquares }).where('id', '=', r.id).execute();
  }
}

const columnsOf = (input: WellnessInput) => ({
  sleep_quality: input.sleepQuality,
  fatigue: input.fatigue,
  stress: input.stress,
  soreness: input.soreness,
  hours_slept: input.hoursSlept,
});

/** The local day it is now for a person: their unit's zone (UTC without a unit). */
export async function todayFor(db: Db, personId: number, now: Date): Promise<{ date: string; timeZone: string }> {
  const timeZone = (await timeZonesOf(db, [personId])).get(personId)!;
  return { date: localDateOf(now, timeZone), timeZone };
}

/**
 * Enters or changes a report for a local day: one per person per day (a unique constraint),
 * created the first time and replaced after. The caller decides which days may be written.
 */
export async function saveReport(w: Writer, personId: number, date: string, input: WellnessInput): Promise<{ report: WellnessReportView; created: boolean }> {
  const before = await w.db.selectFrom('wellness_report').selectAll().where('person_id', '=', personId).where('local_date', '=', date).executeTakeFirst();
  const at = w.now.toISOString();
  const values = { ...columnsOf(input), reported_at: at, updated_at: at };
  await w.db
    .insertInto('wellness_report')
    .values({ person_id: personId, local_date: date, created_at: at, baseline_count: 0, baseline_sum: 0, baseline_sum_of_squares: 0, ...values })
    .onConflict((oc) => oc.columns(['person_id', 'local_date']).doUpdateSet(values))
    .execute();
  await refreshBaselines(w.db, personId, date, date);
  const row = await w.db.selectFrom('wellness_report').selectAll().where('person_id', '=', personId).where('local_date', '=', date).executeTakeFirstOrThrow();
  const report = toReportView(row);
  await w.record({ action: before ? 'wellness.update' : 'wellness.create', entity: 'wellness_report', entityId: row.id, before: before && toReportView(before), after: report });
  return { report, created: !before };
}

export async function listReports(db: Db, personId: number, from: string, to: string): Promise<WellnessReportView[]> {
  const rows = await db.selectFrom('wellness_report').selectAll().where('person_id', '=', personId).where('local_date', '>=', from).where('local_date', '<=', to).orderBy('local_date').execute();
  return rows.map(toReportView);
}

export interface CohortEntry {
  person: { id: number; designation: string; name: string; rank: string };
  unitId: number;
  today: WellnessReportView | null;
  /** The latest day reported up to today. */
  lastReported: string | null;
}

/**
 * The dashboard's query: every participant now in `unitIds` with their report of `today`
 * (its flag from the stored baseline) and the last day they reported. Three queries whatever
 * the cohort's size: today's rows come from the covering index wellness_report_day, and the
 * last day is looked up (one index seek each) only for those who have not reported today.
 */
export async function cohortWellness(db: Db, unitIds: readonly number[], today: string): Promise<CohortEntry[]> {
  if (unitIds.length === 0) return [];
  const people = await participantsOf(db, unitIds);
  const reports = await db
    .selectFrom('wellness_report')
    .select(['person_id', 'local_date', 'sleep_quality', 'fatigue', 'stress', 'soreness', 'hours_slept', 'reported_at', 'baseline_count', 'baseline_sum', 'baseline_sum_of_squares'])
    .where('local_date', '=', today)
    .where('person_id', 'in', (eb) => eb.selectFrom('person_unit').select('person_unit.person_id').where('person_unit.unit_id', 'in', unitIds).where('person_unit.effective_to', 'is', null))
    .execute();
  const todayOf = new Map(reports.map((r) => [r.person_id, toReportView(r)]));
  const silent = people.filter((p) => !todayOf.has(p.id)).map((p) => p.id);
  const lastOf = new Map<number, string | null>();
  for (let i = 0; i < silent.length; i += 1000) {
    const rows = await db
      .selectFrom('person')
      .select((eb) => [
        'person.id',
        eb.selectFrom('wellness_report').select((e) => e.fn.max('wellness_report.local_date').as('d')).whereRef('wellness_report.person_id', '=', 'person.id').where('wellness_report.local_date', '<=', today).as('last_reported'),
      ])
      .where('person.id', 'in', silent.slice(i, i + 1000))
      .execute();
    for (const r of rows) lastOf.set(r.id, r.last_reported ?? null);
  }
  return people.map(({ unit_id, ...person }) => {
    const report = todayOf.get(person.id) ?? null;
    return { person, unitId: unit_id, today: report, lastReported: report ? today : (lastOf.get(person.id) ?? null) };
  });
}

export interface UnitWellnessCounts {
  /** The unit's own participants who reported on the day. */
  reported: number;
  /** Of those, whose score is outside their own usual range. */
  flagged: number;
}

/**
 * The summary dashboards show per unit: how many of each unit's own participants (those now in
 * it) reported on `date` and how many were flagged, with the flagged reports. One query over the
 * day's reports, from the covering index wellness_report_day and only the columns a flag needs
 * (every column a row brings back costs time at 10,000 rows); flags come from the stored
 * baselines. The flagged reports are then read in full.
 */
export async function wellnessByUnit(db: Db, unitIds: readonly number[], date: string) {
  const byUnit = new Map<number, UnitWellnessCounts>();
  if (unitIds.length === 0) return { byUnit, flagged: [] };
  const rows = await db
    .selectFrom('wellness_report')
    .innerJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'wellness_report.person_id').on('person_unit.effective_to', 'is', null))
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'wellness_report.person_id').on('person_role.role', '=', 'participant'))
    .select([
      'wellness_report.person_id',
      'person_unit.unit_id',
      'wellness_report.sleep_quality',
      'wellness_report.fatigue',
      'wellness_report.stress',
      'wellness_report.soreness',
      'wellness_report.baseline_count',
      'wellness_report.baseline_sum',
      'wellness_report.baseline_sum_of_squares',
    ])
    .where('wellness_report.local_date', '=', date)
    .where('person_unit.unit_id', 'in', unitIds)
    .execute();
  const flaggedUnit = new Map<number, number>();
  for (const row of rows) {
    const flag = wellnessFlag(wellnessScore(itemsOf(row)), { count: row.baseline_count, sum: row.baseline_sum, sumOfSquares: row.baseline_sum_of_squares });
    const counts = byUnit.get(row.unit_id) ?? { reported: 0, flagged: 0 };
    counts.reported += 1;
    if (flag.state === 'flagged') {
      counts.flagged += 1;
      flaggedUnit.set(row.person_id, row.unit_id);
    }
    byUnit.set(row.unit_id, counts);
  }
  const reports = flaggedUnit.size === 0 ? [] : await db.selectFrom('wellness_report').selectAll().where('local_date', '=', date).where('person_id', 'in', [...flaggedUnit.keys()]).execute();
  return { byUnit, flagged: reports.map((r) => ({ personId: r.person_id, unitId: flaggedUnit.get(r.person_id)!, report: toReportView(r) })) };
}
