import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { allMigrations, migrateAll } from '../capabilities.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { systemActor } from '../shared/actor.ts';
import type { Db } from '../store/db.ts';
import { write, type Writer } from '../store/write.ts';
import { recentLiftBests } from './cohort.ts';
import { addSet, createSession, deleteSet, exerciseLookup, replaceSet, updateSession } from './store.ts';
import { runTrainingImport } from './import.ts';
import { training } from './index.ts';
import { seededRandom } from '../shared/random.ts';
import { addDays } from '../shared/time.ts';

const now = new Date('2026-11-26T12:00:00Z');
const asSystem = <T>(db: Db, fn: (w: Writer) => Promise<T>) => write(db, systemActor('test'), fn, () => now);
const kept = async (db: Db) => (await db.selectFrom('lift_best').select(['set_id', 'load_kg', 'previous_kg']).orderBy('set_id').execute()).map((r) => [r.set_id, r.load_kg, r.previous_kg]);

describeEachDatabase('lift bests kept on write', (database) => {
  it('follow sets added, changed and removed and sessions moved in time, and the migration fills them from the sets', async () => {
    const { db } = database();
    const platoon = await makeUnit(db, { kind: 'platoon' });
    const person = await makePerson(db, { unitId: platoon.id });
    const squat = (await exerciseLookup(db)).get('back squat')!;
    const session = (date: string) => asSystem(db, async (w) => (await createSession(w, { unitId: platoon.id, title: 'Strength', plannedStart: `${date}T07:00:00.000Z`, plannedMinutes: 60, trainerId: null, notes: '' })).id);
    const input = (sessionId: number, setNumber: number, load: number, kind: 'normal' | 'warmup' = 'normal', reps = 5) => {
      const effort = { reps, load, rpe: null, rir: null, durationS: null, distanceM: null };
      return { sessionId, personId: person.id, exerciseId: squat, setNumber, loadUnit: 'kg' as const, kind, target: effort, actual: effort, notes: '' };
    };
    const add = (sessionId: number, setNumber: number, load: number, kind: 'normal' | 'warmup' = 'normal', reps = 5) => asSystem(db, (w) => addSet(w, input(sessionId, setNumber, load, kind, reps), false));

    const first = await session('2026-11-02');
    const a1 = await add(first, 1, 100);
    // Nothing earlier to beat: not a best.
    expect(await kept(db)).toEqual([]);
    const second = await session('2026-11-20');
    const b1 = await add(second, 1, 105);
    await add(second, 2, 105); // as heavy as the set before it in the session: not a best
    await add(second, 3, 120, 'warmup'); // warm-ups neither count nor are beaten
    await add(second, 4, 130, 'normal', 0); // no rep lifted
    const b5 = await add(second, 5, 110);
    expect(await kept(db)).toEqual([
      [b1, 105, 100],
      [b5, 110, 105],
    ]);
    await asSystem(db, (w) => updateSession(w, second, { status: 'held', actualMinutes: 60 }));
    const recent = await recentLiftBests(db, [platoon.id], '2026-11-10T00:00:00.000Z', '2026-11-26T00:00:00.000Z', 10);
    expect(recent.map((r) => [r.setId, r.loadKg, r.previousKg, r.date])).toEqual([
      [b5, 110, 105, '2026-11-20'],
      [b1, 105, 100, '2026-11-20'],
    ]);
    // Only held sessions' bests are recent ones.
    await asSystem(db, (w) => updateSession(w, second, { status: 'cancelled', actualStart: null, actualMinutes: null }));
    expect(await recentLiftBests(db, [platoon.id], '2026-11-10T00:00:00.000Z', '2026-11-26T00:00:00.000Z', 10)).toEqual([]);

    // The second session moved before the first: its 105 has nothing earlier, its 110 beats it, and the first's 100 beats nothing.
    await asSystem(db, (w) => updateSession(w, second, { plannedStart: '2026-10-30T07:00:00.000Z' }));
    expect(await kept(db)).toEqual([[b5, 110, 105]]);
    await asSystem(db, (w) => updateSession(w, second, { plannedStart: '2026-11-20T07:00:00.000Z' }));
    // The 110 changed to 90, then the first session's 100 removed.
    await asSystem(db, (w) => replaceSet(w, b5, input(second, 5, 90)));
    expect(await kept(db)).toEqual([[b1, 105, 100]]);
    await asSystem(db, (w) => deleteSet(w, a1));
    expect(await kept(db)).toEqual([]);

    // The migration fills the table from the sets on a database that had none kept.
    const c1 = await add(await session('2026-11-24'), 1, 107.5);
    const keptBefore = await kept(db);
    expect(keptBefore).toEqual([[c1, 107.5, 105]]);
    const pairsBefore = await db.selectFrom('lift_pair').selectAll().execute();
    expect(pairsBefore).toHaveLength(1);
    await sql`delete from kysely_migration where name = '0017_training_lift_best'`.execute(db);
    await sql`drop table lift_best`.execute(db);
    await sql`drop table lift_pair`.execute(db);
    expect(Object.keys(allMigrations)).toContain('0017_training_lift_best');
    await migrateAll(db);
    expect(await kept(db)).toEqual(keptBefore);
    expect(await db.selectFrom('lift_pair').selectAll().execute()).toEqual(pairsBefore);
  });

  it('an import adds the bests of rows newer than the stored ones batch by batch, and computes older rows\' pairs once at its end', async () => {
    const { db } = database();
    const platoon = await makeUnit(db, { kind: 'platoon' });
    const people = [await makePerson(db, { unitId: platoon.id }), await makePerson(db, { unitId: platoon.id })];
    const random = seededRandom(7);
    // Loads that grow over the days, with noise: a best now and then.
    const row = (designation: string, day: number, date: string, exercise: string, set: number) => `${designation},${date},07:00,${exercise},${set},${random() < 0.1 ? 0 : 5},${40 + 2.5 * Math.floor(day / 4 + random() * 6)},kg,,,,`;
    const header = 'designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes';
    // 1,200 rows, over two batches (a thousand rows each), day by day; then a file of older days.
    const lines = (from: string, days: number) =>
      Array.from({ length: days }, (_, d) => people.flatMap((p) => ['Back Squat', 'Deadlift'].flatMap((exercise) => [1, 2, 3].map((set) => row(p.designation, d, addDays(from, d), exercise, set))))).flat();
    const newer = [header, ...lines('2026-06-01', 100)].join('\n');
    const older = [header, ...lines('2026-03-01', 40)].join('\n');
    const scope = { scope: { kind: 'all' as const, selfId: null } };
    expect((await runTrainingImport(db, systemActor('test'), newer, scope)).added).toBe(1200);
    const afterNewer = await kept(db);
    expect(afterNewer.length).toBeGreaterThan(10);
    expect((await runTrainingImport(db, systemActor('test'), newer, scope)).added).toBe(0);
    expect(await kept(db)).toEqual(afterNewer);
    expect((await runTrainingImport(db, systemActor('test'), older, scope)).added).toBe(480);
    const all = async () => ({ bests: await db.selectFrom('lift_best').selectAll().orderBy('set_id').execute(), pairs: await db.selectFrom('lift_pair').selectAll().orderBy('person_id').orderBy('exercise_id').execute() });
    const keptAll = await all();
    expect(keptAll.bests.length).toBeGreaterThan(afterNewer.length);
    await asSystem(db, (w) => training.rebuildDerived!(w));
    expect(await all()).toEqual(keptAll);
  });
});
