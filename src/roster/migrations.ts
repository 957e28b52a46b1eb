import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';

export const migrations: Record<string, Migration> = {
  '0002_roster': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('person'))
        .addColumn('designation', 'text', (c) => c.notNull())
        .addColumn('designation_key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('rank', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(statusCheck))
        .addColumn('date_of_birth', t.date)
        .addColumn('sex', 'text')
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        .execute();
      await withId(db, db.schema.createTable('unit'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'integer', (c) => c.references('unit.id'))
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('commander_person_id', 'integer', (c) => c.references('person.id'))
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('unit_trainer')
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('unit.id'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addPrimaryKeyConstraint('unit_trainer_pk', ['unit_id', 'person_id'])
        .execute();
      await withId(db, db.schema.createTable('person_unit'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('unit.id'))
        .addColumn('effective_from', t.instant, (c) => c.notNull())
        .addColumn('effective_to', t.instant)
        .execute();
      await db.schema.createIndex('person_unit_person').on('person_unit').columns(['person_id', 'effective_from']).execute();
      await db.schema.createIndex('person_unit_unit').on('person_unit').columns(['unit_id', 'effective_to']).execute();
      // At most one open membership per person.
      await db.schema
        .createIndex('person_unit_one_current')
        .on('person_unit')
        .column('person_id')
        .unique()
        .where(sql.ref('effective_to'), 'is', null)
        .execute();
      await db.schema
        .createTable('person_role')
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('person_role_pk', ['person_id', 'role'])
        .execute();
    },
  },
  // Where notifications (summons, reminders) go by e-mail when SMTP is configured (docs/schedule.md): the person's, login or not.
  '0005_roster_email': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('person').addColumn('email', 'text').execute();
    },
  },
};

const statusCheck = sql`status in ('active', 'injured', 'withdrawn', 'discharged')`;
