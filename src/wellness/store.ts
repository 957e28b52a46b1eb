import type { Selectable } from 'kysely';
import type { Writer } from '../store/write.ts';
import { participantsOf, timeZonesOf } from '../roster/index.ts';
import { addDays, localDateOf } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { storedBaselinesOf, wellnessFlag, wellnessScore, type WellnessItems } from './model.ts';
import { BASELINE_DAYS, type RangeFlag } from '../stats/own-range.ts';
import { countReportChanges, type ReportCountChange } from './tally.ts';

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

// The view's flag comes from the baseline sums in full (z, mean, SD), not from the stored outcome.
type ReportColumns = Omit<ReportRow, 'id' | 'created_at' | 'updated_at' | 'flagged'>;
/** What a report view is made of: all in the covering index wellness_report_day, so reading a day's reports never touches the table. */
const viewColumns = ['person_id', 'local_date', 'sleep_quality', 'fatigue', 'stress', 'soreness', 'hours_slept', 'reported_at', 'baseline_count', 'baseline_sum', 'baseline_sum_of_squares'] as const satisfies readonly (keyof ReportColumns)[];

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

/** The reports whose baselines a write changed: each person's first and last day written. */
export type WrittenDays = ReadonlyMap<number, { from: string; to: string }>;

/**
 * Brings the stored baselines (and flags) of each person's reports from `from` to BASELINE_DAYS
 * days after `to` up to date, after reports in [from, to] were written: the writer's transaction
 * does it, so a baseline is never stale. Only rows whose baseline or flag changed are written (a
 * changed report keeps its baseline but may change its flag), 500 to a statement.
 */
export async function refreshBaselines(w: Writer, days: WrittenDays): Promise<void> {
  const changed: ReportRow[] = [];
  const flagChanges: ReportCountChange[] = [];
  for (const [personId, { from, to }] of days) {
    const rows = await w.db
      .selectFrom('wellness_report')
      .selectAll()
      .where('person_id', '=', personId)
      .where('local_date', '>=', addDays(from, -BASELINE_DAYS))
      .where('local_date', '<=', addDays(to, BASELINE_DAYS))
      .orderBy('local_date')
      .execute();
    const stored = storedBaselinesOf(rows.map((r) => ({ date: r.local_date, score: wellnessScore(itemsOf(r)) })));
    for (const [i, r] of rows.entries()) {
      const s = stored[i];
      if (r.local_date < from || (r.baseline_count === s.baseline_count && r.baseline_sum === s.baseline_sum && r.baseline_sum_of_squares === s.baseline_sum_of_squares && r.flagged === s.flagged)) continue;
      changed.push({ ...r, ...s });
      if (r.flagged !== s.flagged) flagChanges.push({ personId, date: r.local_date, reported: 0, flagged: s.flagged - r.flagged });
    }
  }
  await countReportChanges(w, flagChanges);
  for (let i = 0; i < changed.length; i += 500) {
    await w.db
      .insertInto('wellness_report')
      .values(changed.slice(i, i + 500))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          baseline_count: eb.ref('excluded.baseline_count'),
          baseline_sum: eb.ref('excluded.baseline_sum'),
          baseline_sum_of_squares: eb.ref('excluded.baseline_sum_of_squares'),
          flagged: eb.ref('excluded.flagged'),
        })),
      )
      .execute();
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

/** A report to write: whose, which local day, the answers. */
export interface ReportWrite {
  personId: number;
  date: string;
  input: WellnessInput;
}

/** Who wrote a batch of rows: the audit event of every write path says so (docs/architecture.md, "Writes"). */
export type RowSource = 'form' | 'import' | 'demo';

const dayKey = (personId: number, date: string) => `${personId}|${date}`;

/**
 * The one write path of wellness reports, from a form (a batch of one), an import or the demo:
 * one per person per local day (a unique constraint), created the first time and replaced after,
 * then the stored baselines of the days after brought up to date (`refreshBaselines`). Audit: one
 * `wellness.create` event naming the new reports' ids, and one `wellness.update` event with the
 * replaced reports before and after. The caller decides which days may be written, and leaves out
 * a day twice in a batch. Returns each report as stored, in the batch's order.
 */
export async function writeReports(w: Writer, reports: readonly ReportWrite[], source: RowSource): Promise<{ report: WellnessReportView; created: boolean }[]> {
  if (reports.length === 0) return [];
  const at = w.now.toISOString();
  const people = [...new Set(reports.map((r) => r.personId))];
  const dates = [...new Set(reports.map((r) => r.date))];
  const stored = async () => {
    const rows = new Map<string, ReportRow>();
    // A thousand people a query keeps the parameters well under SQLite's limit.
    for (let i = 0; i < people.length; i += 1000) {
      for (const r of await w.db.selectFrom('wellness_report').selectAll().where('person_id', 'in', people.slice(i, i + 1000)).where('local_date', 'in', dates).execute()) rows.set(dayKey(r.person_id, r.local_date), r);
    }
    return rows;
  };
  const before = await stored();
  for (let i = 0; i < reports.length; i += 500) {
    await w.db
      .insertInto('wellness_report')
      .values(
        reports.slice(i, i + 500).map((r) => ({
          person_id: r.personId,
          local_date: r.date,
          ...columnsOf(r.input),
          baseline_count: 0,
          baseline_sum: 0,
          baseline_sum_of_squares: 0,
          flagged: 0,
          reported_at: at,
          created_at: at,
          updated_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['person_id', 'local_date']).doUpdateSet((eb) => ({
          sleep_quality: eb.ref('excluded.sleep_quality'),
          fatigue: eb.ref('excluded.fatigue'),
          stress: eb.ref('excluded.stress'),
          soreness: eb.ref('excluded.soreness'),
          hours_slept: eb.ref('excluded.hours_slept'),
          reported_at: eb.ref('excluded.reported_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  const days = new Map<number, { from: string; to: string }>();
  for (const r of reports) {
    const span = days.get(r.personId);
    if (!span) days.set(r.personId, { from: r.date, to: r.date });
    else if (r.date < span.from) span.from = r.date;
    else if (r.date > span.to) span.to = r.date;
  }
  await refreshBaselines(w, days);
  const after = await stored();
  const written = reports.map((r) => {
    const key = dayKey(r.personId, r.date);
    return { row: after.get(key)!, before: before.get(key) };
  });
  const created = written.filter((x) => !x.before);
  await countReportChanges(w, created.map((x) => ({ personId: x.row.person_id, date: x.row.local_date, reported: 1, flagged: 0 })));
  const replaced = written.filter((x) => x.before);
  if (created.length > 0) await w.record({ action: 'wellness.create', entity: 'wellness_report', entityId: created[0].row.id, after: { source, ids: created.map((x) => x.row.id) } });
  if (replaced.length > 0) {
    await w.record({
      action: 'wellness.update',
      entity: 'wellness_report',
      entityId: replaced[0].row.id,
      before: { rows: replaced.map((x) => toReportView(x.before!)) },
      after: { source, ids: replaced.map((x) => x.row.id), rows: replaced.map((x) => toReportView(x.row)) },
    });
  }
  return written.map((x) => ({ report: toReportView(x.row), created: !x.before }));
}

/** Enters or changes a person's report for a local day from a form: a batch of one on the reports' write path. */
export async function saveReport(w: Writer, personId: number, date: string, input: WellnessInput): Promise<{ report: WellnessReportView; created: boolean }> {
  const [saved] = await writeReports(w, [{ personId, date, input }], 'form');
  return saved;
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
    .select(viewColumns)
    .where('local_date', '=', today)
    .where('person_id', 'in', (eb) => eb.selectFrom('person_unit').select('person_unit.person_id').where('person_unit.unit_id', 'in', unitIds).where('person_unit.effective_to', 'is', null))
    .execute();
  const todayOf = new Map(reports.map((r) => [r.person_id, toReportView(r)]));
  const lastOf = new Map((await notReportedOn(db, unitIds, today)).map((entry) => [entry.person.id, entry.lastReported]));
  return people.map(({ unit_id, ...person }) => {
    const report = todayOf.get(person.id) ?? null;
    return { person, unitId: unit_id, today: report, lastReported: report ? today : (lastOf.get(person.id) ?? null) };
  });
}

/**
 * The participants now in `unitIds` with no report on `date`, in designation order, each with the
 * last day they reported before it: "who hasn't reported today", one query (an index seek a
 * person for the last day).
 */
export async function notReportedOn(db: Db, unitIds: readonly number[], date: string): Promise<CohortEntry[]> {
  if (unitIds.length === 0) return [];
  const rows = await db
    .selectFrom('person_unit')
    .innerJoin('person', 'person.id', 'person_unit.person_id')
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'person.id').on('person_role.role', '=', 'participant'))
    .select((eb) => [
      'person.id',
      'person.designation',
      'person.name',
      'person.rank',
      'person_unit.unit_id',
      eb.selectFrom('wellness_report').select((e) => e.fn.max('wellness_report.local_date').as('d')).whereRef('wellness_report.person_id', '=', 'person.id').where('wellness_report.local_date', '<', date).as('last_reported'),
    ])
    .where('person_unit.unit_id', 'in', unitIds)
    .where('person_unit.effective_to', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('wellness_report').select('wellness_report.id').whereRef('wellness_report.person_id', '=', 'person.id').where('wellness_report.local_date', '=', date))))
    .orderBy('person.designation_key')
    .execute();
  return rows.map(({ unit_id, last_reported, ...person }) => ({ person, unitId: unit_id, today: null, lastReported: last_reported ?? null }));
}

export interface UnitWellnessCounts {
  /** The unit's own participants who reported on the day. */
  reported: number;
  /** Of those, whose score is outside their own usual range. */
  flagged: number;
}

/** The day's reports of the participants now in `unitIds`, with each one's unit. */
const reportsOfTheDay = (db: Db, unitIds: readonly number[], date: string) =>
  db
    .selectFrom('wellness_report')
    .innerJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'wellness_report.person_id').on('person_unit.effective_to', 'is', null))
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'wellness_report.person_id').on('person_role.role', '=', 'participant'))
    .where('wellness_report.local_date', '=', date)
    .where('person_unit.unit_id', 'in', unitIds);

/** How many of each unit's own participants reported on `date` and how many were flagged: the kept counts (src/wellness/tally.ts), a row a unit. */
export async function reportCountsByUnit(db: Db, unitIds: readonly number[], date: string): Promise<Map<number, UnitWellnessCounts>> {
  const byUnit = new Map<number, UnitWellnessCounts>();
  if (unitIds.length === 0) return byUnit;
  const counts = await db.selectFrom('wellness_unit_day').select(['unit_id', 'reported', 'flagged']).where('unit_id', 'in', unitIds).where('local_date', '=', date).execute();
  for (const c of counts) byUnit.set(c.unit_id, { reported: c.reported, flagged: c.flagged });
  return byUnit;
}

/**
 * The summary dashboards show per unit: how many of each unit's own participants (those now in
 * it) reported on `date` and how many were flagged, with the flagged reports. The counts are
 * summed in SQL, a row a unit, from each report's stored flag (kept with its baseline by every
 * write) on the covering index wellness_report_day: every row and column brought back to JS costs
 * time at 10,000 participants. The flagged reports alone are then read, from the same index.
 */
export async function wellnessByUnit(db: Db, unitIds: readonly number[], date: string) {
  if (unitIds.length === 0) return { byUnit: new Map<number, UnitWellnessCounts>(), flagged: [] };
  const byUnit = await reportCountsByUnit(db, unitIds, date);
  const reports = await reportsOfTheDay(db, unitIds, date)
    .select([...viewColumns.map((c) => `wellness_report.${c}` as const), 'person_unit.unit_id'])
    .where('wellness_report.flagged', '=', 1)
    .execute();
  return { byUnit, flagged: reports.map((r) => ({ personId: r.person_id, unitId: r.unit_id, report: toReportView(r) })) };
}
