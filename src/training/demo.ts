import type { DemoContext } from '../shared/capability.ts';
import { readDemoRoster } from '../roster/index.ts';
import type { Writer } from '../store/write.ts';
import { seededRandom } from '../shared/random.ts';
import { addDays, localDateOf, localToInstant, weekStart } from '../shared/time.ts';
import { insertRows } from '../store/bulk-insert.ts';
import { exerciseLookup, setColumns, writeSessions, type SessionColumns } from './store.ts';
import type { LoadUnit } from './model.ts';

/** A week of a platoon's programme: day offset from Monday, local start, minutes, and what is done. */
const programme = [
  { day: 0, time: '06:30', minutes: 60, title: 'Strength A', lifts: ['Back Squat', 'Bench Press', 'Barbell Row'] },
  { day: 2, time: '06:30', minutes: 45, title: 'Intervals', run: { metres: 4000, secondsPerKm: 300 } },
  { day: 3, time: '06:30', minutes: 60, title: 'Strength B', lifts: ['Deadlift', 'Overhead Press', 'Pull-up'] },
  { day: 5, time: '08:00', minutes: 120, title: 'Loaded march', march: { metres: 12000 } },
] as const;

/** Weeks 3, 7, 11 and every fourth after are the hard ones (the wellness demo shows their fatigue too). */
const isHardWeek = (week: number) => week % 4 === 3;
/**
 * One participant in 25 (the second, then every 25th) trained two and a half times as long and
 * harder in the last four days, so the commander's demo shows load-ratio flags. The flag marks
 * the onset of a rise against the person's own last 28 days, so on a rest day after it (or on a
 * Monday or Tuesday, with the hard week 11 in that range) the demo may still show none.
 */
const overreaching = (index: number) => index % 25 === 1;
const OVERREACH_DAYS = 4;

/** Each participant's starting strength: roughly bodyweight-scaled working loads in kg. */
const baseLoads: Record<string, number> = { 'Back Squat': 80, 'Bench Press': 60, 'Barbell Row': 55, Deadlift: 100, 'Overhead Press': 40 };

/** Sets held in memory before they go to the database: a statement per session was a round trip per 700 rows. */
const FLUSH_SETS = 20_000;

const round = (kg: number, step: number) => Math.round(kg / step) * step;

/**
 * What `weeks` of training have gained, at `rate` a week over the first 12 (the default demo's
 * length, whose data stay as they were) and a quarter of it after, as a trained body gains more
 * slowly: a year's recruit lifts a quarter more than at the start, not 60%, and two years' drill
 * times stay positive (at 1% a week they crossed zero at week 100).
 */
const gained = (weeks: number, rate: number) => rate * Math.min(weeks, 12) + (rate / 4) * Math.max(0, weeks - 12);

/** A set's target or actual effort as the programme gives it. */
interface Effort {
  reps: number | null;
  load: number | null;
  rpe: number | null;
  durationS?: number;
  distanceM?: number;
}

/**
 * Twelve weeks (or `demo.weeks`) of platoon training ending this week in the unit's zone: four sessions a week
 * with attendance and session RPE, sets with target and actual side by side (every fifth
 * participant types loads in lb), drill attempts every four weeks (2, 6, 10, ...), and strength
 * tests in the first and last weeks; a few participants overreached in the last days (`overreaching`).
 * Deterministic: the same cohort always gets the same numbers.
 */
export async function loadDemoTraining(w: Writer, demo: DemoContext): Promise<{ sessions: number; sets: number }> {
  const roster = await readDemoRoster(w.db);
  const timeZone = demo.zone;
  const random = seededRandom(4);
  const db = w.db;
  const at = w.now.toISOString();
  const today = localDateOf(w.now, timeZone);
  const weeks = demo.weeks;
  const firstMonday = addDays(weekStart(today), -(weeks - 1) * 7);
  const exercises = await exerciseLookup(db);
  const exerciseId = (name: string) => exercises.get(name.toLowerCase())!;
  const people = roster.participantIds.map((id, i) => ({
    id,
    platoonId: roster.platoonIds[i % roster.platoonIds.length],
    strength: 0.7 + random() * 0.6,
    fitness: 0.85 + random() * 0.3,
    unit: (i % 5 === 4 ? 'lb' : 'kg') as LoadUnit,
    overreaching: overreaching(i),
  }));
  const overreachFrom = new Date(w.now.getTime() - OVERREACH_DAYS * 86_400_000).toISOString();
  const sets: (ReturnType<typeof setColumns> & { self_reported: number; created_at: string; updated_at: string })[] = [];
  const setIds: number[] = [];
  let attendanceCount = 0;
  const attendance: { session_id: number; person_id: number; status: 'present' | 'absent' | 'injured'; rpe: number | null; minutes: number | null }[] = [];

  // The sessions first, in one batch on the sessions' write path; then, in the same order, who came and what they did.
  const planned: SessionColumns[] = [];
  for (let week = 1; week <= weeks; week++) {
    const monday = addDays(firstMonday, (week - 1) * 7);
    const hard = isHardWeek(week);
    for (const [p, platoonId] of roster.platoonIds.entries()) {
      for (const item of programme) {
        const start = localToInstant(addDays(monday, item.day), item.time, timeZone);
        const held = start < at;
        const minutes = item.minutes + (hard ? 15 : 0);
        planned.push({
          unit_id: platoonId,
          title: item.title,
          planned_start: start,
          planned_minutes: minutes,
          actual_start: held ? start : null,
          actual_minutes: held ? minutes : null,
          starts_at: start,
          status: held ? 'held' : 'planned',
          trainer_person_id: roster.trainerIds[1 + (p % (roster.trainerIds.length - 1))],
          notes: hard ? 'Hard week' : '',
        });
      }
    }
  }
  const sessionIds = await writeSessions(w, planned, 'demo');
  // Defined once, not per person and session: millions of sets go through it.
  const add = (sessionId: number, person: (typeof people)[number], exercise: string, setNumber: number, actual: Effort, target: Effort) => {
    const columns = setColumns({
      sessionId,
      personId: person.id,
      exerciseId: exerciseId(exercise),
      setNumber,
      loadUnit: person.unit,
      target: { reps: target.reps, load: target.load, rpe: target.rpe, rir: null, durationS: null, distanceM: null },
      actual: { reps: actual.reps, load: actual.load, rpe: actual.rpe, rir: null, durationS: actual.durationS ?? null, distanceM: actual.distanceM ?? null },
      notes: '',
    });
    // Added, not spread: a spread copy of a row this wide is many times slower, at millions of rows.
    sets.push(Object.assign(columns, { self_reported: 0, created_at: at, updated_at: at }));
  };
  const members = new Map(roster.platoonIds.map((platoonId) => [platoonId, people.filter((x) => x.platoonId === platoonId)]));
  const sessions = sessionIds.length;
  let next = 0;
  // Attendance and sets go in bulk, bypassing what their write paths keep (tallies, load-ratio
  // states): the demo builds that once at the end (each capability's rebuildDerived,
  // src/demo/load.ts). Some sessions at a time, so the rows never pile up in memory.
  const flush = async () => {
    await insertRows(db, 'session_attendance', attendance);
    setIds.push(...(await insertRows(db, 'training_set', sets, { ids: true })));
    attendanceCount += attendance.length;
    attendance.length = 0;
    sets.length = 0;
  };

  for (let week = 1; week <= weeks; week++) {
    const hard = isHardWeek(week);
    for (const platoonId of roster.platoonIds) {
      for (const item of programme) {
        const sessionId = sessionIds[next];
        const { starts_at: start, status, planned_minutes } = planned[next++];
        const minutes = planned_minutes!;
        if (status !== 'held') continue;
        for (const person of members.get(platoonId)!) {
          const roll = random();
          const status = roll < 0.03 ? 'injured' : roll < 0.08 ? 'absent' : 'present';
          const overreached = person.overreaching && start >= overreachFrom;
          const rpe = status === 'present' ? Math.min(10, Math.max(2, Math.round((hard ? 7 : 5) + (overreached ? 4 : 0) + random() * 3 - 1))) : null;
          attendance.push({ session_id: sessionId, person_id: person.id, status, rpe, minutes: overreached ? Math.round(minutes * 2.5) : null });
          if (status !== 'present') continue;
          const progress = 1 + gained(week - 1, 0.012);
          if ('lifts' in item) {
            for (const lift of item.lifts) {
              const base = baseLoads[lift];
              if (base === undefined) {
                for (let s = 1; s <= 3; s++) add(sessionId, person, lift, s, { reps: Math.max(1, Math.round(person.strength * 10 - s + random() * 3)), load: null, rpe: 8 }, { reps: 8, load: null, rpe: 8 });
                continue;
              }
              const kg = base * person.strength * progress * (hard ? 1.05 : 1);
              const load = person.unit === 'lb' ? round(kg / 0.45359237, 5) : round(kg, 2.5);
              for (let s = 1; s <= 4; s++) {
                const reps = random() < 0.1 ? 4 : 5;
                add(sessionId, person, lift, s, { reps, load, rpe: Math.min(10, 6.5 + s * 0.5 + (hard ? 0.5 : 0)) }, { reps: 5, load, rpe: 7 + (s > 2 ? 1 : 0) });
              }
            }
          } else if ('run' in item) {
            add(sessionId, person, 'Run', 1, { reps: null, load: null, rpe: null, distanceM: item.run.metres, durationS: Math.round((item.run.metres / 1000) * item.run.secondsPerKm / person.fitness) }, { reps: null, load: null, rpe: null });
          } else {
            add(sessionId, person, 'Ruck March', 1, { reps: null, load: 20, rpe: null, distanceM: item.march.metres, durationS: Math.round(item.march.metres / (1.45 * person.fitness)) }, { reps: null, load: 20, rpe: null });
          }
        }
        if (sets.length >= FLUSH_SETS) await flush();
      }
    }
  }
  await flush();
  if (setIds.length > 0) await w.record({ action: 'training.set.create', entity: 'training_set', entityId: setIds[0], after: { source: 'demo', ids: setIds, self_reported: false } });

  await loadDemoDrillsAndTests(w, people, weeks, firstMonday, today, timeZone, random);
  await w.record({ action: 'demo.load', entity: 'demo', entityId: 'training', after: { weeks, sessions, attendance: attendanceCount, sets: setIds.length } });
  return { sessions, sets: setIds.length };
}

/** Drill attempts every fourth week and strength tests in the first and last week, improving a little over the course. */
async function loadDemoDrillsAndTests(w: Writer, people: { id: number; strength: number; fitness: number; unit: LoadUnit }[], weeks: number, firstMonday: string, today: string, timeZone: string, random: () => number) {
  const db = w.db;
  const at = w.now.toISOString();
  const drills = await db.selectFrom('drill').select(['id', 'name_key', 'standard_s']).execute();
  const protocols = new Map((await db.selectFrom('strength_protocol').select(['key', 'id']).execute()).map((p) => [p.key, p.id]));
  const squat = (await exerciseLookup(db)).get('back squat')!;
  const attempts = [];
  for (let week = 2; week <= weeks; week += 4) {
    const date = addDays(firstMonday, (week - 1) * 7 + 1);
    if (date > today) continue;
    const performedAt = localToInstant(date, '14:00', timeZone);
    for (const person of people) {
      for (const drill of drills.filter((d) => d.name_key === 'armour off' || d.name_key === 'weapon strip and assemble')) {
        const time = Math.round((drill.standard_s * (0.75 + random() * 0.45) * (1 - gained(week, 0.01))) / person.fitness);
        attempts.push({ drill_id: drill.id, person_id: person.id, performed_at: performedAt, time_s: time, notes: '', recorded_by: w.actor.label, created_at: at });
      }
    }
  }
  await insertRows(db, 'drill_attempt', attempts);
  if (people.length > 2) await db.insertInto('leaderboard_opt_out').values({ person_id: people[2].id, since: at }).execute();

  // Each test's trials follow it: the tests in bulk first, then their trials under the ids they got.
  const tests: { protocol_id: number; person_id: number; exercise_id: number | null; performed_at: string; notes: string; recorded_by: string; created_at: string }[] = [];
  const trialsOfTests: { side: 'left' | 'right' | 'both'; value: number; success: number; load_unit: LoadUnit | null }[][] = [];
  for (const week of weeks > 1 ? [1, weeks] : [1]) {
    const date = addDays(firstMonday, (week - 1) * 7 + 4);
    if (date > today) continue;
    const performedAt = localToInstant(date, '10:00', timeZone);
    for (const person of people) {
      const progress = week === weeks && weeks > 1 ? 1.08 : 1;
      const test = (key: string, exercise: number | null, trials: (typeof trialsOfTests)[number]) => {
        tests.push({ protocol_id: protocols.get(key)!, person_id: person.id, exercise_id: exercise, performed_at: performedAt, notes: '', recorded_by: w.actor.label, created_at: at });
        trialsOfTests.push(trials);
      };
      const grip = 40 * person.strength * progress;
      test('grip', null, ['left', 'right', 'left', 'right', 'left', 'right'].map((side) => ({ side: side as 'left' | 'right', value: Math.round((grip + random() * 6 - 3) * 10) / 10, success: 1, load_unit: null })));
      const jump = 38 * person.fitness * progress;
      test('cmj', null, [0, 1, 2].map(() => ({ side: 'both' as const, value: Math.round((jump + random() * 4 - 2) * 10) / 10, success: 1, load_unit: null })));
      const oneRm = round(105 * person.strength * progress, 2.5);
      test('one-rm', squat, [oneRm - 10, oneRm - 2.5, oneRm, oneRm + 5].map((kg, i) => ({ side: 'both' as const, value: kg, success: i < 3 ? 1 : 0, load_unit: 'kg' as const })));
    }
  }
  const testIds = await insertRows(db, 'strength_test', tests, { ids: true });
  await insertRows(
    db,
    'strength_trial',
    testIds.flatMap((testId, k) => {
      const counts = new Map<string, number>();
      return trialsOfTests[k].map((t) => ({ test_id: testId, side: t.side, trial: counts.set(t.side, (counts.get(t.side) ?? 0) + 1).get(t.side)!, value: t.value, load_unit: t.load_unit, success: t.success }));
    }),
  );
}
