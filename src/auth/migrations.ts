import type { Kysely, Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';

export const migrations: Record<string, Migration> = {
  '0003_auth': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('account'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text')
        .addColumn('person_id', 'integer', (c) => c.notNull().unique().references('person.id'))
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', t.instant)
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await withId(db, db.schema.createTable('auth_session'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('account_id', 'integer', (c) => c.notNull().references('account.id'))
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('expires_at', t.instant, (c) => c.notNull())
        .execute();
      await withId(db, db.schema.createTable('api_token'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('account_id', 'integer', (c) => c.notNull().references('account.id'))
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('expires_at', t.instant)
        .addColumn('revoked_at', t.instant)
        .execute();
      await withId(db, db.schema.createTable('setup_link'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('used_at', t.instant)
        .execute();
    },
  },
  // A set-up link may also belong to one account: the admin hands it to the person, who sets their own password.
  '0008_auth_account_link': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await db.schema.alterTable('setup_link').addColumn('account_id', 'integer', (c) => c.references('account.id')).execute();
      await db.schema.alterTable('setup_link').addColumn('expires_at', t.instant).execute();
    },
  },
};
