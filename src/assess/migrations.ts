import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';

export const migrations: Record<string, Migration> = {
  '0020_assess': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('assessment'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('assessed_at', t.instant, (c) => c.notNull())
        .addColumn('assessor_person_id', 'integer', (c) => c.references('person.id'))
        .addColumn('method', 'text', (c) => c.check(sql`method in ('dxa', 'bioimpedance', 'skinfold_jp3', 'skinfold_jp7', 'skinfold_dw')`))
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('fasted', 'integer', (c) => c.notNull().check(sql`fasted in (0, 1)`))
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        // One visit per person per instant: what makes a repeated import add nothing.
        .addUniqueConstraint('assessment_person_at', ['person_id', 'assessed_at'])
        .execute();
      await db.schema
        .createTable('assessment_site')
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id').onDelete('cascade'))
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('trial_1', t.real, (c) => c.notNull())
        .addColumn('trial_2', t.real)
        .addColumn('trial_3', t.real)
        .addPrimaryKeyConstraint('assessment_site_pk', ['assessment_id', 'site'])
        .execute();
      await db.schema
        .createTable('physique_consent')
        .addColumn('person_id', 'integer', (c) => c.primaryKey().references('person.id'))
        .addColumn('trainers_may_see', 'integer', (c) => c.notNull().check(sql`trainers_may_see in (0, 1)`))
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        .execute();
    },
  },
};
