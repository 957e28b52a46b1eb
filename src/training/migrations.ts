import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, hasColumn, withId } from '../store/migrate.ts';
import { migrationWriter } from '../store/write.ts';
import { refreshLoadRatios } from './load-ratio.ts';
import { rebuildAttendanceTallies } from './attendance-tally.ts';
import { rebuildLiftBests } from './lift-best.ts';
import { nameKey, type ExerciseCategory, type TrainingTables } from './model.ts';

/** The common lifts and conditioning work, with the names Strong exports them under. */
const seedExercises: [name: string, category: ExerciseCategory, aliases: string[]][] = [
  ['Back Squat', 'strength', ['Squat (Barbell)', 'Squat']],
  ['Front Squat', 'strength', ['Front Squat (Barbell)']],
  ['Deadlift', 'strength', ['Deadlift (Barbell)']],
  ['Trap Bar Deadlift', 'strength', ['Deadlift (Trap bar)', 'Hex Bar Deadlift']],
  ['Romanian Deadlift', 'strength', ['Romanian Deadlift (Barbell)', 'RDL']],
  ['Bench Press', 'strength', ['Bench Press (Barbell)']],
  ['Overhead Press', 'strength', ['Overhead Press (Barbell)', 'Strict Press', 'Military Press']],
  ['Push Press', 'strength', ['Push Press (Barbell)']],
  ['Barbell Row', 'strength', ['Bent Over Row (Barbell)', 'Bent Over Row']],
  ['Power Clean', 'strength', ['Power Clean (Barbell)']],
  ['Hip Thrust', 'strength', ['Hip Thrust (Barbell)']],
  ['Walking Lunge', 'strength', ['Lunge (Dumbbell)', 'Lunge']],
  ['Kettlebell Swing', 'strength', ['Kettlebell Swing (Kettlebell)']],
  ["Farmer's Carry", 'strength', ['Farmers Walk', "Farmer's Walk"]],
  ['Jerry Can Carry', 'strength', []],
  ['Sandbag Carry', 'strength', []],
  ['Sled Push', 'strength', []],
  ['Pull-up', 'bodyweight', ['Pull Up', 'Pull Up (Assisted)']],
  ['Chin-up', 'bodyweight', ['Chin Up']],
  ['Push-up', 'bodyweight', ['Push Up']],
  ['Dip', 'bodyweight', ['Triceps Dip', 'Chest Dip']],
  ['Sit-up', 'bodyweight', ['Sit Up']],
  ['Plank', 'bodyweight', []],
  ['Burpee', 'bodyweight', []],
  ['Run', 'conditioning', ['Running']],
  ['Sprint', 'conditioning', []],
  ['Shuttle Run', 'conditioning', ['Beep Test']],
  ['Ruck March', 'conditioning', ['Loaded March', 'Tab']],
  ['Rowing Ergometer', 'conditioning', ['Rowing (Machine)', 'Rowing']],
  ['Assault Bike', 'conditioning', ['Cycling (Indoor)', 'Air Bike']],
  ['Swim', 'conditioning', ['Swimming']],
];

export const migrations: Record<string, Migration> = {
  '0010_training': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('exercise'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('category', 'text', (c) => c.notNull().check(sql`category in ('strength', 'bodyweight', 'conditioning')`))
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('exercise_alias')
        .addColumn('alias_key', 'text', (c) => c.primaryKey())
        .addColumn('exercise_id', 'integer', (c) => c.notNull().references('exercise.id'))
        .execute();
      await withId(db, db.schema.createTable('training_session'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('unit.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('planned_start', t.instant, (c) => c.notNull())
        .addColumn('planned_minutes', 'integer')
        .addColumn('actual_start', t.instant)
        .addColumn('actual_minutes', 'integer')
        .addColumn('starts_at', t.instant, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('planned', 'held', 'cancelled')`))
        .addColumn('trainer_person_id', 'integer', (c) => c.references('person.id'))
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        .execute();
      // Imports find a unit's session by its start; the dashboard reads sessions by week.
      await db.schema.createIndex('training_session_unit_start').on('training_session').columns(['unit_id', 'starts_at']).unique().execute();
      await db.schema.createIndex('training_session_start').on('training_session').column('starts_at').execute();
      await db.schema
        .createTable('session_attendance')
        .addColumn('session_id', 'integer', (c) => c.notNull().references('training_session.id'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('present', 'absent', 'excused', 'injured')`))
        .addColumn('rpe', t.real, (c) => c.check(sql`rpe between 0 and 10`))
        .addColumn('minutes', 'integer', (c) => c.check(sql`minutes >= 0`))
        .addPrimaryKeyConstraint('session_attendance_pk', ['session_id', 'person_id'])
        .execute();
      await db.schema.createIndex('session_attendance_person').on('session_attendance').columns(['person_id', 'session_id']).execute();
      await withId(db, db.schema.createTable('training_set'))
        .addColumn('session_id', 'integer', (c) => c.notNull().references('training_session.id'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('exercise_id', 'integer', (c) => c.notNull().references('exercise.id'))
        .addColumn('set_number', 'integer', (c) => c.notNull().check(sql`set_number >= 1`))
        .addColumn('target_reps', 'integer')
        .addColumn('target_load_kg', t.real)
        .addColumn('target_rpe', t.real)
        .addColumn('target_rir', 'integer')
        .addColumn('target_duration_s', t.real)
        .addColumn('target_distance_m', t.real)
        .addColumn('reps', 'integer', (c) => c.check(sql`reps >= 0`))
        .addColumn('load_kg', t.real, (c) => c.check(sql`load_kg >= 0`))
        .addColumn('load_unit', 'text', (c) => c.check(sql`load_unit in ('kg', 'lb')`))
        .addColumn('rpe', t.real, (c) => c.check(sql`rpe between 1 and 10`))
        .addColumn('rir', 'integer', (c) => c.check(sql`rir between 0 and 10`))
        .addColumn('duration_s', t.real, (c) => c.check(sql`duration_s >= 0`))
        .addColumn('distance_m', t.real, (c) => c.check(sql`distance_m >= 0`))
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        .addUniqueConstraint('training_set_natural_key', ['person_id', 'session_id', 'exercise_id', 'set_number'])
        .execute();
      await db.schema.createIndex('training_set_session').on('training_set').column('session_id').execute();
      await db.schema
        .createTable('training_preference')
        .addColumn('account_id', 'integer', (c) => c.primaryKey().references('account.id'))
        .addColumn('load_unit', 'text', (c) => c.notNull().check(sql`load_unit in ('kg', 'lb')`))
        .execute();

      const now = new Date().toISOString();
      const typed = db as unknown as Kysely<TrainingTables>;
      for (const [name, category, aliases] of seedExercises) {
        const { id } = await typed.insertInto('exercise').values({ name, name_key: nameKey(name), category, created_at: now }).returning('id').executeTakeFirstOrThrow();
        if (aliases.length) await typed.insertInto('exercise_alias').values(aliases.map((a) => ({ alias_key: nameKey(a), exercise_id: id }))).execute();
      }
    },
  },
  '0012_training_best_loads': {
    // Recent personal bests across a unit (src/training/cohort.ts) ask, for each recent set, whether
    // the person lifted as much at that exercise before: one seek in this index instead of a scan.
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('training_set_person_exercise_load').on('training_set').columns(['person_id', 'exercise_id', 'load_kg']).execute();
    },
  },
  '0013_training_self_reported': {
    // Participants log their own sets (docs/training.md, "Self-logged sets"); analysts tell them apart by this flag.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('training_set').addColumn('self_reported', 'integer', (c) => c.notNull().defaultTo(0).check(sql`self_reported in (0, 1)`)).execute();
    },
  },
  '0014_training_load_ratio_state': {
    // Each person's EWMA load-ratio state and the flags it gives the days ahead, so a battalion's load-ratio flags are counted in one query (docs/adr/0006).
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await db.schema
        .createTable('load_ratio_state')
        .addColumn('person_id', 'integer', (c) => c.primaryKey().references('person.id'))
        .addColumn('first_date', t.date, (c) => c.notNull())
        .addColumn('last_date', t.date, (c) => c.notNull())
        .addColumn('last_load', t.real, (c) => c.notNull())
        .addColumn('acute_before', t.real, (c) => c.notNull())
        .addColumn('chronic_before', t.real, (c) => c.notNull())
        .addColumn('ratios_before', t.bytes, (c) => c.notNull())
        .addColumn('last_day', 'integer', (c) => c.notNull())
        .addColumn('flags_ahead', 'text', (c) => c.notNull())
        .execute();
      const w = migrationWriter(db, '0014_training_load_ratio_state');
      const people = await w.db.selectFrom('session_attendance').select('person_id').distinct().execute();
      await refreshLoadRatios(w, people.map((p) => p.person_id), '0001-01-01');
    },
  },
  '0016_training_attendance_status': {
    // The cohort's 28-day attendance (src/training/cohort.ts) counts each member's records and those
    // marked present at the window's sessions: from this index alone, without a table lookup a row.
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('session_attendance_session_status').on('session_attendance').columns(['session_id', 'status', 'person_id']).execute();
    },
  },
  '0017_training_lift_best': {
    // Every set that beat its person's earlier heaviest of the exercise, kept on write, so the
    // cohort's recent bests read a few rows newest first, and each person's and exercise's newest
    // set and heaviest, so a session's new sets are checked against them (docs/adr/0008); filled from the sets.
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await db.schema
        .createTable('lift_best')
        .addColumn('set_id', 'integer', (c) => c.primaryKey().references('training_set.id').onDelete('cascade'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('exercise_id', 'integer', (c) => c.notNull().references('exercise.id'))
        .addColumn('session_id', 'integer', (c) => c.notNull().references('training_session.id'))
        .addColumn('starts_at', t.instant, (c) => c.notNull())
        .addColumn('load_kg', t.real, (c) => c.notNull())
        .addColumn('previous_kg', t.real)
        .execute();
      await db.schema.createIndex('lift_best_start').on('lift_best').columns(['starts_at', 'set_id']).execute();
      await db.schema.createIndex('lift_best_person_exercise').on('lift_best').columns(['person_id', 'exercise_id']).execute();
      await db.schema
        .createTable('lift_pair')
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('exercise_id', 'integer', (c) => c.notNull().references('exercise.id'))
        .addColumn('last_starts_at', t.instant, (c) => c.notNull())
        .addColumn('last_set_id', 'integer', (c) => c.notNull())
        .addColumn('best_kg', t.real)
        .addPrimaryKeyConstraint('lift_pair_pk', ['person_id', 'exercise_id'])
        .execute();
      // On a database older than 0018, sets have no kind yet (warm-ups are told by it): 0018 fills the table at its end.
      if (await hasColumn(db, 'training_set', 'kind')) await rebuildLiftBests(migrationWriter(db, '0017_training_lift_best'));
    },
  },
  '0018_training_set_kinds_and_held_minutes': {
    // Warm-up, drop and failure sets as other apps export them (docs/training.md, "Set kinds");
    // and held sessions without minutes (from "Start a session now") take their planned length, so
    // their attendees' loads can be computed (docs/training.md, "Held sessions").
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('training_set')
        .addColumn('kind', 'text', (c) => c.notNull().defaultTo('normal').check(sql`kind in ('normal', 'warmup', 'drop', 'failure')`))
        .execute();
      const typed = db as unknown as Kysely<TrainingTables>;
      const untimed = typed.selectFrom('training_session').select('id').where('status', '=', 'held').where('actual_minutes', 'is', null).where('planned_minutes', 'is not', null);
      const people = await typed.selectFrom('session_attendance').select('person_id').distinct().where('session_id', 'in', untimed).where('rpe', 'is not', null).execute();
      await typed
        .updateTable('training_session')
        .set((eb) => ({ actual_minutes: eb.ref('planned_minutes') }))
        .where('status', '=', 'held')
        .where('actual_minutes', 'is', null)
        .where('planned_minutes', 'is not', null)
        .execute();
      const w = migrationWriter(db, '0018_training_set_kinds_and_held_minutes');
      await refreshLoadRatios(w, people.map((p) => p.person_id), '0001-01-01');
      // 0017 (which sorts first) made lift_best but could not fill it without the sets' kinds.
      await rebuildLiftBests(w);
    },
  },
  '0019_training_attendance_tallies': {
    // The cohort's attendance and weekly load kept as tallies per person and day, per unit and day and
    // per unit and week, so the dashboard reads a row a unit and day (docs/adr/0008); filled from the rows.
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await db.schema
        .createTable('attendance_person_day')
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('local_date', t.date, (c) => c.notNull())
        .addColumn('week_start', t.date, (c) => c.notNull())
        .addColumn('recorded', 'integer', (c) => c.notNull())
        .addColumn('present', 'integer', (c) => c.notNull())
        .addColumn('load', t.real, (c) => c.notNull())
        .addPrimaryKeyConstraint('attendance_person_day_pk', ['person_id', 'local_date'])
        .execute();
      await db.schema
        .createTable('attendance_unit_day')
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('unit.id'))
        .addColumn('local_date', t.date, (c) => c.notNull())
        .addColumn('recorded', 'integer', (c) => c.notNull())
        .addColumn('present', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('attendance_unit_day_pk', ['unit_id', 'local_date'])
        .execute();
      await db.schema
        .createTable('training_unit_week')
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('unit.id'))
        .addColumn('week_start', t.date, (c) => c.notNull())
        .addColumn('load', t.real, (c) => c.notNull())
        .addColumn('trained', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('training_unit_week_pk', ['unit_id', 'week_start'])
        .execute();
      await rebuildAttendanceTallies(migrationWriter(db, '0019_training_attendance_tallies'));
    },
  },
};
