import { sql, type Selectable } from 'kysely';
import type { Writer } from '../audit/store.ts';
import { timeZonesOf } from '../roster/store.ts';
import { addDays, localDateOf, localDayBounds } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { sessionLoads } from '../training/store.ts';
import { dailyLoads, workloadRatios } from '../training/metrics.ts';
import { ACWR_SD_FLOOR, BASELINE_DAYS, baselineOf, ownRangeFlag, wellnessFlag, wellnessScore, wellnessScoreSql, type RangeFlag, type WellnessItems } from './model.ts';

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
  reportedAt: string;
}

type ReportRow = Selectable<Database['wellness_report']>;

const itemsOf = (r: Pick<ReportRow, 'sleep_quality' | 'fatigue' | 'stress' | 'soreness'>): WellnessItems => ({
  sleep_quality: r.sleep_quality,
  fatigue: r.fatigue,
  stress: r.stress,
  soreness: r.soreness,
});

export const toReportView = (r: ReportRow): WellnessReportView => ({
  personId: r.person_id,
  date: r.local_date,
  sleepQuality: r.sleep_quality,
  fatigue: r.fatigue,
  stress: r.stress,
  soreness: r.soreness,
  hoursSlept: r.hours_slept,
  score: wellnessScore(itemsOf(r)),
  reportedAt: r.reported_at,
});

export const columnsOf = (input: WellnessInput) => ({
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
export async function saveReport(w: Writer, personId: number, date: string, input: WellnessInput, reason?: string): Promise<{ report: WellnessReportView; created: boolean }> {
  const before = await w.db.selectFrom('wellness_report').selectAll().where('person_id', '=', personId).where('local_date', '=', date).executeTakeFirst();
  const at = w.now.toISOString();
  const values = { ...columnsOf(input), reported_at: at, updated_at: at };
  await w.db
    .insertInto('wellness_report')
    .values({ person_id: personId, local_date: date, created_at: at, ...values })
    .onConflict((oc) => oc.columns(['person_id', 'local_date']).doUpdateSet(values))
    .execute();
  const row = await w.db.selectFrom('wellness_report').selectAll().where('person_id', '=', personId).where('local_date', '=', date).executeTakeFirstOrThrow();
  const report = toReportView(row);
  await w.record({ action: before ? 'wellness.update' : 'wellness.create', entity: 'wellness_report', entityId: row.id, before: before && toReportView(before), after: report, reason });
  return { report, created: !before };
}

export async function listReports(db: Db, personId: number, from: string, to: string): Promise<WellnessReportView[]> {
  const rows = await db.selectFrom('wellness_report').selectAll().where('person_id', '=', personId).where('local_date', '>=', from).where('local_date', '<=', to).orderBy('local_date').execute();
  return rows.map(toReportView);
}

/** Today's wellness flag of one person: today's score against their previous BASELINE_DAYS days. */
export function flagOfDay(reports: readonly WellnessReportView[], date: string): RangeFlag | null {
  const today = reports.find((r) => r.date === date);
  if (!today) return null;
  const from = addDays(date, -BASELINE_DAYS);
  return wellnessFlag(today.score, baselineOf(reports.filter((r) => r.date >= from && r.date < date).map((r) => r.score)));
}

/**
 * The load-ratio flag, through the training capability's ACWR (EWMA, 7:28 days): the ratio on
 * `date` against the person's own ratios of the previous BASELINE_DAYS days; high is the bad side.
 */
export async function acwrFlag(db: Db, personId: number, date: string, timeZone: string): Promise<RangeFlag | null> {
  const loads = await sessionLoads(db, personId, localDayBounds(date, timeZone).end);
  if (loads.length === 0) return null;
  const ratios = workloadRatios(dailyLoads(loads, loads[0].date, date));
  const today = ratios.find((r) => r.date === date)?.acwrEwma ?? null;
  if (today === null) return null;
  const from = addDays(date, -BASELINE_DAYS);
  const history = ratios.filter((r) => r.date >= from && r.date < date && r.acwrEwma !== null).map((r) => r.acwrEwma!);
  return ownRangeFlag(today, baselineOf(history), 'high', ACWR_SD_FLOOR);
}

export interface CohortEntry {
  person: { id: number; designation: string; name: string; rank: string };
  unitId: number;
  today: WellnessReportView | null;
  /** The latest day reported within the baseline window, today included. */
  lastReported: string | null;
  flag: RangeFlag | null;
}

/**
 * The dashboard's query: every participant now in `unitIds`, today's report, the last day
 * reported and the wellness flag, in three queries whatever the size of the cohort. The
 * window's scores are summed in the database (count, sum, sum of squares) from the covering
 * index wellness_report_day, so no history rows travel.
 */
export async function cohortWellness(db: Db, unitIds: readonly number[], today: string): Promise<CohortEntry[]> {
  if (unitIds.length === 0) return [];
  const members = (eb: typeof db) =>
    eb.selectFrom('person_unit').select('person_unit.person_id').where('person_unit.unit_id', 'in', unitIds).where('person_unit.effective_to', 'is', null);
  const from = addDays(today, -BASELINE_DAYS);
  const score = wellnessScoreSql();
  const past = (expr: ReturnType<typeof sql>) => sql<number>`sum(case when local_date < ${today} then ${expr} else 0 end)`;
  const [people, sums, reports] = await Promise.all([
    db
      .selectFrom('person_unit')
      .innerJoin('person', 'person.id', 'person_unit.person_id')
      .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'person.id').on('person_role.role', '=', 'participant'))
      .select(['person.id', 'person.designation', 'person.name', 'person.rank', 'person_unit.unit_id'])
      .where('person_unit.unit_id', 'in', unitIds)
      .where('person_unit.effective_to', 'is', null)
      .orderBy('person.designation_key')
      .execute(),
    db
      .selectFrom('wellness_report')
      .select([
        'person_id',
        (eb) => eb.fn.max('local_date').as('last_reported'),
        past(sql`1`).as('count'),
        past(score).as('sum'),
        past(sql`${score} * ${score}`).as('sum_of_squares'),
      ])
      .where('local_date', '>=', from)
      .where('local_date', '<=', today)
      .where('person_id', 'in', members(db))
      .groupBy('person_id')
      .execute(),
    db.selectFrom('wellness_report').selectAll().where('local_date', '=', today).where('person_id', 'in', members(db)).execute(),
  ]);
  const sumsOf = new Map(sums.map((s) => [s.person_id, s]));
  const todayOf = new Map(reports.map((r) => [r.person_id, toReportView(r)]));
  return people.map(({ unit_id, ...person }) => {
    const report = todayOf.get(person.id) ?? null;
    const s = sumsOf.get(person.id);
    const baseline = { count: Number(s?.count ?? 0), sum: Number(s?.sum ?? 0), sumOfSquares: Number(s?.sum_of_squares ?? 0) };
    return { person, unitId: unit_id, today: report, lastReported: s?.last_reported ?? null, flag: report && wellnessFlag(report.score, baseline) };
  });
}

