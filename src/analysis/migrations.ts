import type { Kysely, Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';

export const migrations: Record<string, Migration> = {
  '0030_analysis': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('analysis_dataset'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('columns_json', 'text', (c) => c.notNull())
        .addColumn('row_count', 'integer', (c) => c.notNull())
        .addColumn('csv', 'text', (c) => c.notNull())
        .addColumn('created_by_account_id', 'integer', (c) => c.references('account.id'))
        .addColumn('created_by_label', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('archived_at', t.instant)
        .addColumn('archived_by_label', 'text')
        // A name says which data set an analysis report rests on, so it is never reused, even once archived.
        .addUniqueConstraint('analysis_dataset_name', ['name'])
        .execute();
    },
  },
  '0031_analysis_run': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('analysis_run'))
        .addColumn('data_label', 'text', (c) => c.notNull())
        .addColumn('data_sha256', 'text', (c) => c.notNull())
        .addColumn('trial_code', 'text')
        .addColumn('request_json', 'text', (c) => c.notNull())
        .addColumn('response_json', 'text', (c) => c.notNull())
        .addColumn('created_by_account_id', 'integer', (c) => c.references('account.id'))
        .addColumn('created_by_label', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('analysis_run_created').on('analysis_run').columns(['created_at', 'id']).execute();
    },
  },
};
