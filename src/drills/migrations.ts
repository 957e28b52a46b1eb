import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, withId } from '../store/migrate.ts';
import { nameKey } from '../training/index.ts';
import type { DrillTables } from './model.ts';

const seedDrills: [name: string, standardS: number, description: string][] = [
  ['Armour off', 300, 'Remove body armour and helmet and stow them, from standing in full kit.'],
  ['Weapon strip and assemble', 120, 'Field strip the rifle, lay out the parts, reassemble and function-test.'],
  ['Casualty drag 20 m', 60, 'Drag a 70 kg casualty dummy 20 m by the drag handle.'],
  ['Don respirator', 9, 'Don and seal the respirator and clear it, from the carried position.'],
  ['2.4 km run', 660, 'Best effort 2.4 km on a flat measured course, in PT kit.'],
];

const seedProtocols: Omit<DrillTables['strength_protocol'], 'id'>[] = [
  {
    key: 'one-rm',
    name: 'One-repetition maximum (1RM)',
    kind: 'one_rm',
    unit: 'kg',
    sided: 0,
    trials: 5,
    protocol:
      'NSCA protocol: warm up with 5-10 reps at 40-60% of the estimated 1RM, then 3-5 reps at 60-80%; rest 3-5 minutes between attempts, ' +
      'adding 5-10% after each made lift; find the 1RM within five attempts. Only a lift through the full range to the standard counts as made.',
  },
  {
    key: 'grip',
    name: 'Handgrip dynamometry',
    kind: 'grip',
    unit: 'kg',
    sided: 1,
    trials: 3,
    protocol:
      'Southampton protocol (ASHT position): seated, shoulder adducted, elbow at 90 degrees, forearm neutral, wrist 0-30 degrees extended; ' +
      'three maximal squeezes of about 3 seconds per hand, alternating hands, with a minute between trials on one hand. Result: the best of the three per hand, in kg.',
  },
  {
    key: 'cmj',
    name: 'Countermovement jump',
    kind: 'jump',
    unit: 'cm',
    sided: 0,
    trials: 3,
    protocol: 'On a jump mat, hands on hips throughout, from standing: a quick dip and a maximal vertical jump, landing on both feet. Three trials, 30 s rest; the highest counts, in cm.',
  },
  {
    key: 'broad-jump',
    name: 'Standing broad jump',
    kind: 'jump',
    unit: 'cm',
    sided: 0,
    trials: 3,
    protocol: 'From behind a line, feet shoulder-width, a two-footed jump forward with arm swing; measured to the rearmost heel. Three trials; the longest counts, in cm.',
  },
];

export const migrations: Record<string, Migration> = {
  '0011_drills': {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await withId(db, db.schema.createTable('drill'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('standard_s', t.real, (c) => c.notNull().check(sql`standard_s > 0`))
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await withId(db, db.schema.createTable('drill_attempt'))
        .addColumn('drill_id', 'integer', (c) => c.notNull().references('drill.id'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('performed_at', t.instant, (c) => c.notNull())
        .addColumn('time_s', t.real, (c) => c.notNull().check(sql`time_s > 0`))
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addUniqueConstraint('drill_attempt_natural_key', ['drill_id', 'person_id', 'performed_at'])
        .execute();
      await db.schema.createIndex('drill_attempt_person').on('drill_attempt').columns(['person_id', 'drill_id']).execute();
      await db.schema
        .createTable('leaderboard_opt_out')
        .addColumn('person_id', 'integer', (c) => c.primaryKey().references('person.id'))
        .addColumn('since', t.instant, (c) => c.notNull())
        .execute();
      await withId(db, db.schema.createTable('strength_protocol'))
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('one_rm', 'grip', 'jump')`))
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('sided', 'integer', (c) => c.notNull())
        .addColumn('trials', 'integer', (c) => c.notNull())
        .addColumn('protocol', 'text', (c) => c.notNull())
        .execute();
      await withId(db, db.schema.createTable('strength_test'))
        .addColumn('protocol_id', 'integer', (c) => c.notNull().references('strength_protocol.id'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('exercise_id', 'integer', (c) => c.references('exercise.id'))
        .addColumn('performed_at', t.instant, (c) => c.notNull())
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('strength_test_person').on('strength_test').columns(['person_id', 'performed_at']).execute();
      await db.schema
        .createTable('strength_trial')
        .addColumn('test_id', 'integer', (c) => c.notNull().references('strength_test.id').onDelete('cascade'))
        .addColumn('side', 'text', (c) => c.notNull().check(sql`side in ('left', 'right', 'both')`))
        .addColumn('trial', 'integer', (c) => c.notNull().check(sql`trial >= 1`))
        .addColumn('value', t.real, (c) => c.notNull().check(sql`value >= 0`))
        .addColumn('load_unit', 'text', (c) => c.check(sql`load_unit in ('kg', 'lb')`))
        .addColumn('success', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('strength_trial_pk', ['test_id', 'side', 'trial'])
        .execute();

      const now = new Date().toISOString();
      const typed = db as unknown as Kysely<DrillTables>;
      await typed.insertInto('drill').values(seedDrills.map(([name, standard_s, description]) => ({ name, name_key: nameKey(name), standard_s, description, created_at: now }))).execute();
      await typed.insertInto('strength_protocol').values(seedProtocols).execute();
    },
  },
  '0015_drills_attempt_performed': {
    // Recent drill bests across a unit (recentDrillBests) read the window's attempts newest first and
    // stop at the limit: an ordered range in this index instead of sorting every attempt.
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('drill_attempt_performed').on('drill_attempt').columns(['performed_at', 'id']).execute();
    },
  },
};
