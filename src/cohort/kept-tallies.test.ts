import { expect, it } from 'vitest';
import { training } from '../training/index.ts';
import { wellness } from '../wellness/index.ts';
import { systemActor } from '../shared/actor.ts';
import { seededRandom } from '../shared/random.ts';
import { write, type Writer } from '../store/write.ts';
import { movePerson, updatePerson } from '../roster/store.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { addDays } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { addSet, createSession, deleteSet, exerciseLookup, replaceSet, setAttendance, updateSession } from '../training/store.ts';
import { attendanceStatuses } from '../training/model.ts';
import { saveReport } from '../wellness/store.ts';

const now = new Date('2026-03-12T12:00:00Z');
const asSystem = <T>(db: Db, fn: (w: Writer) => Promise<T>) => write(db, systemActor('test'), fn, () => now);

/** Every kept tally, in a fixed order, loads to a millionth (sums kept by adding and subtracting may differ from a fresh sum in the last bit). */
async function keptTallies(db: Db) {
  const round = (x: number) => Math.round(Number(x) * 1e6) / 1e6;
  return {
    personDays: (await db.selectFrom('attendance_person_day').selectAll().orderBy('person_id').orderBy('local_date').execute()).map((r) => ({ ...r, load: round(r.load) })),
    unitDays: await db.selectFrom('attendance_unit_day').selectAll().orderBy('unit_id').orderBy('local_date').execute(),
    unitWeeks: (await db.selectFrom('training_unit_week').selectAll().orderBy('unit_id').orderBy('week_start').execute()).map((r) => ({ ...r, load: round(r.load) })),
    wellness: await db.selectFrom('wellness_unit_day').selectAll().orderBy('unit_id').orderBy('local_date').execute(),
    liftBests: await db.selectFrom('lift_best').selectAll().orderBy('set_id').execute(),
    liftPairs: await db.selectFrom('lift_pair').selectAll().orderBy('person_id').orderBy('exercise_id').execute(),
  };
}

describeEachDatabase('tallies kept on write', (database) => {
  it('equal the tallies and lift bests rebuilt from the rows after a random sequence of writes, set changes, moves, role changes and back-dated changes', async () => {
    const db = database().db;
    const random = seededRandom(17);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const company = await makeUnit(db, { kind: 'company' });
    // A platoon in another zone: its early sessions fall on the day before in UTC.
    const platoons = [
      await makeUnit(db, { parentId: company.id, kind: 'platoon' }),
      await makeUnit(db, { parentId: company.id, kind: 'platoon' }),
      await makeUnit(db, { parentId: company.id, kind: 'platoon', timeZone: 'America/New_York' }),
    ];
    const units = [company, ...platoons];
    const people: number[] = [];
    for (let i = 0; i < 9; i++) people.push((await makePerson(db, { unitId: platoons[i % 3].id })).id);
    people.push((await makePerson(db, { unitId: null })).id);
    const exercises = await exerciseLookup(db);
    const lifts = [exercises.get('back squat')!, exercises.get('deadlift')!];
    const days = Array.from({ length: 21 }, (_, i) => addDays('2026-02-23', i));
    const sessions: number[] = [];
    for (let i = 0; i < 14; i++) {
      const start = `${pick(days)}T${String(1 + Math.floor(random() * 22)).padStart(2, '0')}:00:00.000Z`;
      try {
        sessions.push(await asSystem(db, async (w) => (await createSession(w, { unitId: pick(units).id, title: 'PT', plannedStart: start, plannedMinutes: 60, trainerId: null, notes: '' })).id));
      } catch {
        // Two sessions of a unit at one start: the second is refused, and the sequence goes on.
      }
    }
    let setNumber = 0;
    const sets: number[] = [];
    const setInput = () => {
      const load = 40 + 2.5 * Math.floor(random() * 16);
      const effort = { reps: random() < 0.1 ? 0 : 5, load, rpe: null, rir: null, durationS: null, distanceM: null };
      return { sessionId: pick(sessions), personId: pick(people.slice(3, 6)), exerciseId: pick(lifts), setNumber: ++setNumber, loadUnit: 'kg' as const, kind: random() < 0.1 ? ('warmup' as const) : ('normal' as const), target: effort, actual: effort, notes: '' };
    };
    const operations: ((w: Writer) => Promise<unknown>)[] = [
      // Attendance, with or without a rating and minutes of its own.
      (w) => {
        const status = pick(attendanceStatuses);
        return setAttendance(w, pick(sessions), pick(people), { status, rpe: status === 'present' && random() < 0.8 ? 1 + Math.floor(random() * 10) : null, minutes: random() < 0.3 ? 30 + Math.floor(random() * 60) : null });
      },
      // A set marks its lifter present; its load may beat the lifter's earlier best (kept in lift_best).
      async (w) => sets.push(await addSet(w, setInput(), false)),
      // A set changed (another lift, load or session) or removed: the bests after it follow.
      (w) => (sets.length ? replaceSet(w, pick(sets), setInput()) : Promise.resolve()),
      (w) => (sets.length ? deleteSet(w, sets.splice(Math.floor(random() * sets.length), 1)[0]) : Promise.resolve()),
      // Held, with minutes; its minutes changed; moved to another day (back-dated too); cancelled; planned again.
      (w) => updateSession(w, pick(sessions), { status: 'held', actualMinutes: 30 + Math.floor(random() * 60) }),
      (w) => updateSession(w, pick(sessions), { actualStart: `${pick(days)}T${String(Math.floor(random() * 24)).padStart(2, '0')}:30:00.000Z` }),
      (w) => updateSession(w, pick(sessions), { status: 'cancelled', actualStart: null, actualMinutes: null }),
      (w) => updateSession(w, pick(sessions), { status: 'planned', actualStart: null, actualMinutes: null }),
      // Roster moves, and the participant role lost and regained.
      (w) => movePerson(w, pick(people), pick(units).id, new Date()),
      (w) => updatePerson(w, pick(people), { roles: random() < 0.5 ? ['participant'] : ['trainer'] }),
      // Wellness reports of three people, some back-dated: usually alike, now and then a bad day, flagged once a week of history is there; a later report moves the flags of the days after it.
      (w) => {
        const bad = random() < 0.15;
        const item = () => (bad ? 1 : 5 + Math.floor(random() * 2));
        return saveReport(w, pick(people.slice(0, 3)), pick(days), { sleepQuality: item(), fatigue: 8 - item(), stress: 8 - item(), soreness: 8 - item(), hoursSlept: 7 });
      },
    ];
    const weights = [6, 10, 2, 1, 3, 2, 1, 1, 1, 1, 8];
    const weighted = weights.flatMap((n, i) => Array<number>(n).fill(i));
    let done = 0;
    for (let step = 0; step < 200; step++) {
      const operation = operations[pick(weighted)];
      try {
        await asSystem(db, operation);
        done++;
      } catch {
        // A refused write (a clash of starts, a move to the unit one is in) leaves nothing behind.
      }
    }
    expect(done).toBeGreaterThan(130);
    const kept = await keptTallies(db);
    expect(kept.unitDays.length).toBeGreaterThan(5);
    expect(kept.unitWeeks.some((r) => r.trained > 0 && r.load > 0)).toBe(true);
    expect(kept.wellness.some((r) => r.flagged > 0)).toBe(true);
    expect(kept.liftBests.length).toBeGreaterThan(3);
    await asSystem(db, async (w) => {
      await training.rebuildDerived!(w);
      await wellness.rebuildDerived!(w);
    });
    expect(await keptTallies(db)).toEqual(kept);
  }, 120_000);
});
