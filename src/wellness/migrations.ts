import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';

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
};
