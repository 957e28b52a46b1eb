import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';

export const migrations: Record<string, Migration> = {
  '0001_audit': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('audit_event'))
        .addColumn('seq', 'integer', (c) => c.notNull().unique())
        .addColumn('at', t.instant, (c) => c.notNull())
        .addColumn('actor_account_id', 'integer')
        .addColumn('actor_label', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('before_json', 'text')
        .addColumn('after_json', 'text')
        .addColumn('reason', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_event_entity').on('audit_event').columns(['entity', 'entity_id']).execute();
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);
      await withId(db, db.schema.createTable('access_log'))
        .addColumn('at', t.instant, (c) => c.notNull())
        .addColumn('viewer_account_id', 'integer')
        .addColumn('viewer_label', 'text', (c) => c.notNull())
        .addColumn('person_id', 'integer', (c) => c.notNull())
        .addColumn('what', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('access_log_person').on('access_log').columns(['person_id', 'at']).execute();

      // The trail is append-only for the application: updates and deletes are refused by the database.
      if (t.pg) {
        await sql`create or replace function muster_audit_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit events are append-only'; end $$`.execute(db);
        await sql`create trigger audit_event_append_only before update or delete on audit_event
          for each row execute function muster_audit_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_event_no_update before update on audit_event
          begin select raise(abort, 'audit events are append-only'); end`.execute(db);
        await sql`create trigger audit_event_no_delete before delete on audit_event
          begin select raise(abort, 'audit events are append-only'); end`.execute(db);
      }
    },
  },
  // ADR 0005: a read of a whole unit (and the units below) is one row naming the unit; a
  // participant's access log finds it through their unit memberships at the time.
  '0004_audit_unit_access': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('unit_access_log'))
        .addColumn('at', t.instant, (c) => c.notNull())
        .addColumn('viewer_account_id', 'integer')
        .addColumn('viewer_label', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('unit.id'))
        .addColumn('what', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('unit_access_log_unit').on('unit_access_log').columns(['unit_id', 'at']).execute();
    },
  },
  // ADR 0007: checkpoints of the chain signed with a key kept outside the database.
  '0006_audit_checkpoint': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('audit_checkpoint'))
        .addColumn('seq', 'integer', (c) => c.notNull().unique())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('at', t.instant, (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute();
    },
  },
};
