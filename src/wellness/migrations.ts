import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';
import { migrationWriter } from '../store/write.ts';
import { baselinesOf, storedBaseline, wellnessScore } from './model.ts';
import { rebuildReportCounts } from './tally.ts';

const item = (name: string) => sql`${sql.ref(name)} between 1 and 7`;

export const migrations: Record<string, Migration> = {
  '0025_wellness': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('wellness_report'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('local_date', t.date, (c) => c.notNull())
        .addColumn('sleep_quality', 'integer', (c) => c.notNull().check(item('sleep_quality')))
        .addColumn('fatigue', 'integer', (c) => c.notNull().check(item('fatigue')))
        .addColumn('stress', 'integer', (c) => c.notNull().check(item('stress')))
        .addColumn('soreness', 'integer', (c) => c.notNull().check(item('soreness')))
        .addColumn('hours_slept', t.real, (c) => c.notNull().check(sql`hours_slept >= 0 and hours_slept <= 24`))
        .addColumn('reported_at', t.instant, (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        // One report per participant per local day; also serves one person's history by date.
        .addUniqueConstraint('wellness_report_person_day', ['person_id', 'local_date'])
        .execute();
      // The cohort dashboard reads a window of days for everyone: by day first, covering the items,
      // so the aggregate never touches the table.
      await db.schema
        .createIndex('wellness_report_day')
        .on('wellness_report')
        .columns(['local_date', 'person_id', 'sleep_quality', 'fatigue', 'stress', 'soreness'])
        .execute();
    },
  },
  '0026_wellness_baseline': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
    async up(db: Kysely<any>) {
      for (const column of ['baseline_count', 'baseline_sum', 'baseline_sum_of_squares']) {
        await db.schema.alterTable('wellness_report').addColumn(column, 'integer', (c) => c.notNull().defaultTo(0)).execute();
      }
      // Aggregating a month per person on read is too slow for a cohort of 10,000 (bench/wellness.ts):
      // the dashboard reads the stored baseline of today's rows, from an index holding all it needs.
      await db.schema.dropIndex('wellness_report_day').execute();
      await db.schema
        .createIndex('wellness_report_day')
        .on('wellness_report')
        .columns(['local_date', 'person_id', 'sleep_quality', 'fatigue', 'stress', 'soreness', 'hours_slept', 'reported_at', 'baseline_count', 'baseline_sum', 'baseline_sum_of_squares'])
        .execute();
      await backfillBaselines(db);
    },
  },
  '0027_wellness_flagged': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
    async up(db: Kysely<any>) {
      // A report's flag stored with its baseline, so the cohort counts a day's flagged reports per unit in SQL
      // instead of bringing every report back to compute its flag (bench/wellness.ts).
      await db.schema.alterTable('wellness_report').addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0).check(sql`flagged in (0, 1)`)).execute();
      await backfillFlags(db);
      // Rebuilt with the flag, so the day's counts and flagged reports are read from the index alone.
      await db.schema.dropIndex('wellness_report_day').execute();
      await db.schema
        .createIndex('wellness_report_day')
        .on('wellness_report')
        .columns(['local_date', 'person_id', 'sleep_quality', 'fatigue', 'stress', 'soreness', 'hours_slept', 'reported_at', 'baseline_count', 'baseline_sum', 'baseline_sum_of_squares', 'flagged'])
        .execute();
    },
  },
  '0028_wellness_unit_day': {
    // Each unit's reports and flagged reports of a day over its members now, kept on write, so the
    // dashboard reads a row a unit (docs/adr/0008); filled from the reports.
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await db.schema
        .createTable('wellness_unit_day')
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('unit.id'))
        .addColumn('local_date', t.date, (c) => c.notNull())
        .addColumn('reported', 'integer', (c) => c.notNull())
        .addColumn('flagged', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('wellness_unit_day_pk', ['unit_id', 'local_date'])
        .execute();
      await rebuildReportCounts(migrationWriter(db, '0028_wellness_unit_day'));
    },
  },
};

/** Computes every stored baseline from the reports (0026 adds the columns to tables that may hold rows). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs inside a migration, before the typed schema exists
export async function backfillBaselines(db: Kysely<any>): Promise<void> {
  const rows = await db.selectFrom('wellness_report').select(['id', 'person_id', 'local_date', 'sleep_quality', 'fatigue', 'stress', 'soreness']).orderBy('person_id').orderBy('local_date').execute();
  const byPerson = new Map<number, typeof rows>();
  for (const r of rows) {
    const series = byPerson.get(r.person_id);
    if (series) series.push(r);
    else byPerson.set(r.person_id, [r]);
  }
  for (const series of byPerson.values()) {
    const sums = baselinesOf(series.map((r) => ({ date: r.local_date, score: wellnessScore(r) })));
    for (const [i, r] of series.entries()) {
      await db.updateTable('wellness_report').set({ baseline_count: sums[i].count, baseline_sum: sums[i].sum, baseline_sum_of_squares: sums[i].sumOfSquares }).where('id', '=', r.id).execute();
    }
  }
}

const BACKFILL_PAGE = 5000;

/** Sets the flag of every stored report from its stored baseline (0027 adds the column, 0 for all, to tables that may hold rows). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs inside a migration, before the typed schema exists
export async function backfillFlags(db: Kysely<any>): Promise<void> {
  let after = 0;
  let page;
  do {
    page = await db
      .selectFrom('wellness_report')
      .select(['id', 'sleep_quality', 'fatigue', 'stress', 'soreness', 'baseline_count', 'baseline_sum', 'baseline_sum_of_squares'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BACKFILL_PAGE)
      .execute();
    const flagged = page.filter((r) => storedBaseline(wellnessScore(r), { count: r.baseline_count, sum: r.baseline_sum, sumOfSquares: r.baseline_sum_of_squares }).flagged === 1);
    if (flagged.length) await db.updateTable('wellness_report').set({ flagged: 1 }).where('id', 'in', flagged.map((r) => r.id)).execute();
    after = page.at(-1)?.id;
  } while (page.length === BACKFILL_PAGE);
}
