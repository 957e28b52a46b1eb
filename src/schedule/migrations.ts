import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';

export const migrations: Record<string, Migration> = {
  '0050_schedule': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('location'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('directions', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await withId(db, db.schema.createTable('appointment'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('location_id', 'integer', (c) => c.notNull().references('location.id'))
        .addColumn('starts_at', t.instant, (c) => c.notNull())
        .addColumn('duration_minutes', 'integer', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('trial_id', 'integer', (c) => c.references('trial.id'))
        .addColumn('visit_name', 'text')
        .addColumn('window_earliest', t.date)
        .addColumn('window_latest', t.date)
        .addColumn('ordered_by_person_id', 'integer', (c) => c.references('person.id'))
        .addColumn('ordered_by_label', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('auto_relay_at', t.instant)
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('appointment_person_start').on('appointment').columns(['person_id', 'starts_at']).execute();
      await db.schema.createIndex('appointment_location_start').on('appointment').columns(['location_id', 'starts_at']).execute();
      await withId(db, db.schema.createTable('appointment_event'))
        .addColumn('appointment_id', 'integer', (c) => c.notNull().references('appointment.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('at', t.instant, (c) => c.notNull())
        .addColumn('by_label', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
      await db.schema.createIndex('appointment_event_appointment').on('appointment_event').column('appointment_id').execute();
      await withId(db, db.schema.createTable('appointment_reminder'))
        .addColumn('appointment_id', 'integer', (c) => c.notNull().references('appointment.id'))
        .addColumn('minutes_before', 'integer', (c) => c.notNull())
        .addColumn('sent_at', t.instant, (c) => c.notNull())
        .addUniqueConstraint('appointment_reminder_once', ['appointment_id', 'minutes_before'])
        .execute();
      await withId(db, db.schema.createTable('kiosk'))
        .addColumn('location_id', 'integer', (c) => c.notNull().references('location.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('revoked_at', t.instant)
        .execute();
      await withId(db, db.schema.createTable('badge'))
        .addColumn('person_id', 'integer', (c) => c.notNull().unique().references('person.id'))
        .addColumn('badge_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await withId(db, db.schema.createTable('check_in'))
        .addColumn('appointment_id', 'integer', (c) => c.notNull().unique().references('appointment.id'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('kiosk_id', 'integer', (c) => c.notNull().references('kiosk.id'))
        .addColumn('at', t.instant, (c) => c.notNull())
        .addColumn('received_at', t.instant, (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('minutes_late', t.real, (c) => c.notNull())
        .execute();
      await withId(db, db.schema.createTable('calendar_feed'))
        .addColumn('account_id', 'integer', (c) => c.notNull().references('account.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('revoked_at', t.instant)
        .execute();
    },
  },
  // A trial visit is scheduled once per participant; cancelled, it may be scheduled again (docs/schedule.md).
  '0051_schedule_visit_once': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('appointment_visit_once')
        .on('appointment')
        .columns(['trial_id', 'person_id', 'visit_name'])
        .unique()
        .where(sql<boolean>`status <> 'cancelled'`)
        .execute();
    },
  },
};
