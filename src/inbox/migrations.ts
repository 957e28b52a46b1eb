import type { Kysely, Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';

export const migrations: Record<string, Migration> = {
  '0041_inbox': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('notification'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('link', 'text')
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('read_at', t.instant)
        .execute();
      await db.schema.createIndex('notification_person').on('notification').columns(['person_id', 'created_at']).execute();
    },
  },
};
