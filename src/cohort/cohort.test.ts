import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { write, type Writer } from '../store/write.ts';
import { createDrill, recentDrillBests, recordAttempt } from '../drills/store.ts';
import { getUnit, movePerson } from '../roster/store.ts';
import { unitsBelow } from '../access/units.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { makeWorld, startTestApp } from '../server/testing.ts';
import { addDays } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase, type TestDatabase } from '../server/test-databases.ts';
import { addSet, createSession, exerciseLookup, setAttendance, updateSession } from '../training/store.ts';
import { reportOn } from '../wellness/testing.ts';
import { cohortLoadRatioFlags } from '../training/cohort.ts';
import { acwrFlag } from '../training/load-ratio.ts';
import { rollUp } from './model.ts';

const now = new Date('2026-03-12T12:00:00Z'); // a Thursday; Europe/London is on GMT
const asSystem = <T>(db: Db, fn: (w: Writer) => Promise<T>) => write(db, systemActor('test'), fn, () => now);

async function held(w: Writer, unitId: number, at: string, minutes: number) {
  const session = await createSession(w, { unitId, title: 'PT', plannedStart: at, plannedMinutes: minutes, trainerId: null, notes: '' });
  await updateSession(w, session.id, { status: 'held', actualMinutes: minutes });
  return session.id;
}

const unitAccessRows = async (db: Db) => (await db.selectFrom('unit_access_log').select(['unit_id', 'what']).orderBy('id').execute()).map((r) => [r.unit_id, r.what]);
const personAccessRows = async (db: Db) => Number((await db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

it('rolls each unit’s own numbers up to the units above it', () => {
  const units = [
    { id: 1, parentId: null },
    { id: 2, parentId: 1 },
    { id: 3, parentId: 1 },
    { id: 4, parentId: 2 },
  ];
  const totals = rollUp(units, new Map([[4, { n: 2 }], [3, { n: 5 }], [1, { n: 1 }]]), () => ({ n: 0 }));
  expect(Object.fromEntries([...totals].map(([id, t]) => [id, t.n]))).toEqual({ 1: 8, 2: 2, 3: 5, 4: 2 });
});

/** A company of two platoons (makeWorld's), with a second participant (p2) in the trainer's platoon beside p1. */
async function cohortWorld(database: TestDatabase) {
  const client = await startTestApp(database, () => now);
  const world = await makeWorld(database);
  const db = database.db;
  const company = (await getUnit(db, world.platoon.id)).parentId!;
  const p2 = (await makePerson(db, { unitId: world.platoon.id })).id;
  return { client, world, db, company, p1: world.ownParticipantId, p2 };
}

describeEachDatabase('cohort dashboard', (database) => {
  it("sums this week's load, trained, attendance and strength per unit and the units above, with one access-log row", async () => {
    const { client, world, db, company, p1, p2 } = await cohortWorld(database());
    const p3 = world.otherParticipantId;
    await asSystem(db, async (w) => {
      const lastWeek = await held(w, world.platoon.id, '2026-03-03T07:00:00.000Z', 60);
      await setAttendance(w, lastWeek, p1, { status: 'present', rpe: 5, minutes: null });
      const tuesday = await held(w, world.platoon.id, '2026-03-10T07:00:00.000Z', 60);
      await setAttendance(w, tuesday, p1, { status: 'present', rpe: 5, minutes: null }); // 300
      await setAttendance(w, tuesday, p2, { status: 'present', rpe: 6, minutes: 30 }); // 180
      const companyDay = await held(w, company, '2026-03-11T07:00:00.000Z', 45);
      await setAttendance(w, companyDay, p1, { status: 'present', rpe: 4, minutes: null }); // 180
      await setAttendance(w, companyDay, p2, { status: 'absent', rpe: null, minutes: null });
      await setAttendance(w, companyDay, p3, { status: 'present', rpe: 7, minutes: null }); // 315
      const longAgo = await held(w, world.platoon.id, '2026-02-01T07:00:00.000Z', 60); // outside the 28 days
      await setAttendance(w, longAgo, p2, { status: 'absent', rpe: null, minutes: null });
    });
    const response = await client.request({ url: `/api/units/${company}/cohort`, as: world.sessions.investigator });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ date: '2026-03-12', weekStart: '2026-03-09', attendanceFrom: '2026-02-13' });
    const byId = new Map(body.units.map((u: { id: number }) => [u.id, u]));
    const active = (n: number) => ({ active: n, injured: 0, withdrawn: 0, discharged: 0 });
    expect(byId.get(world.platoon.id)).toMatchObject({ strength: 2, statuses: active(2), load: 660, trained: 2, attendance: { recorded: 5, present: 4 } });
    expect(byId.get(world.otherPlatoon.id)).toMatchObject({ strength: 1, statuses: active(1), load: 315, trained: 1, attendance: { recorded: 1, present: 1 } });
    expect(byId.get(company)).toMatchObject({ strength: 3, statuses: active(3), load: 975, trained: 3, attendance: { recorded: 6, present: 5 } });
    expect(await unitAccessRows(db)).toEqual([[company, 'cohort at a glance']]);
    expect(await personAccessRows(db)).toBe(0);

    // A trainer sees their platoon (and what is below it), not the company; a participant nothing.
    const own = await client.request({ url: `/api/units/${world.platoon.id}/cohort`, as: world.sessions.trainer });
    expect(own.json().units.map((u: { id: number }) => u.id)).toEqual([world.platoon.id]);
    expect((await client.request({ url: `/api/units/${company}/cohort`, as: world.sessions.trainer })).statusCode).toBe(404);
    expect((await client.request({ url: `/api/units/${world.platoon.id}/cohort`, as: world.sessions.participant })).statusCode).toBe(403);
  });

  it('counts someone present without an RPE as trained with no load, and leaves out those who have left the units', async () => {
    const { client, world, db, company, p1, p2 } = await cohortWorld(database());
    const elsewhere = await makeUnit(db, { kind: 'company' });
    await asSystem(db, async (w) => {
      const tuesday = await held(w, world.platoon.id, '2026-03-10T07:00:00.000Z', 60);
      await setAttendance(w, tuesday, p1, { status: 'present', rpe: 5, minutes: null });
      await setAttendance(w, tuesday, p2, { status: 'present', rpe: null, minutes: null });
      await movePerson(w, p1, elsewhere.id, new Date()); // makePerson's membership began at the wall clock's now
    });
    const body = (await client.request({ url: `/api/units/${company}/cohort`, as: world.sessions.investigator })).json();
    const byId = new Map(body.units.map((u: { id: number }) => [u.id, u]));
    expect(byId.get(world.platoon.id)).toMatchObject({ strength: 1, load: 0, trained: 1, attendance: { recorded: 1, present: 1 } });
    expect(byId.get(company)).toMatchObject({ strength: 2, load: 0, trained: 1, attendance: { recorded: 1, present: 1 } });
  });

  it('flags wellness from stored baselines and load ratios equal to each person’s own ACWR flag', async () => {
    const { client, world, db, company, p1, p2 } = await cohortWorld(database());
    // Wellness: p1's scores 20 21 19 20 22 18 20 (mean 20, SD 1.29) then 16 today: z = -3.1, flagged; p2 reports only today.
    for (const [i, sleepQuality] of [5, 6, 4, 5, 7, 3, 5].entries()) await reportOn(db, p1, addDays('2026-03-05', i), { sleepQuality });
    await reportOn(db, p1, '2026-03-12', { sleepQuality: 1 });
    await reportOn(db, p2, '2026-03-12');
    // Load: ten weeks of daily RPE 5 for both, then two hard days for p1 only.
    await asSystem(db, async (w) => {
      for (let day = 0; day < 71; day++) {
        const date = addDays('2026-01-01', day);
        const session = await held(w, world.platoon.id, `${date}T08:00:00.000Z`, 60);
        await setAttendance(w, session, p1, { status: 'present', rpe: date >= '2026-03-11' ? 9 : 5, minutes: null });
        await setAttendance(w, session, p2, { status: 'present', rpe: 5, minutes: null });
      }
      // A second session held for its planned 40 minutes: p1's load is 6 x 40, p2's 7.5 x 40 = 300 of their own minutes (the cohort's lists of attendees and loads must stay in step).
      const evening = await createSession(w, { unitId: world.platoon.id, title: 'Run', plannedStart: '2026-02-20T18:00:00.000Z', plannedMinutes: 40, trainerId: null, notes: '' });
      await updateSession(w, evening.id, { status: 'held' });
      await setAttendance(w, evening.id, p1, { status: 'present', rpe: 6, minutes: null });
      await setAttendance(w, evening.id, p2, { status: 'present', rpe: 7.5, minutes: 40 });
    });
    const cohort = await cohortLoadRatioFlags(db, await unitsBelow(db, [company]), '2026-03-12');
    expect(cohort.flagged.get(p1)?.flag).toEqual(await acwrFlag(db, p1, '2026-03-12'));
    expect(cohort.flagged.has(p2)).toBe(false);
    const response = await client.request({ url: `/api/units/${company}/cohort/flags`, as: world.sessions.monitor });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const byId = new Map(body.units.map((u: { id: number }) => [u.id, u]));
    expect(byId.get(world.platoon.id)).toEqual({ id: world.platoon.id, wellness: { reported: 2, flagged: 1 }, loadRatio: { rated: 2, flagged: 1 } });
    expect(byId.get(company)).toEqual({ id: company, wellness: { reported: 2, flagged: 1 }, loadRatio: { rated: 2, flagged: 1 } });
    expect(byId.get(world.otherPlatoon.id)).toEqual({ id: world.otherPlatoon.id, wellness: { reported: 0, flagged: 0 }, loadRatio: { rated: 0, flagged: 0 } });
    expect(body.people).toHaveLength(1);
    const [flagged] = body.people;
    expect(flagged).toMatchObject({ person: { id: p1 }, unitId: world.platoon.id, wellness: { score: 16, flag: { state: 'flagged', mean: 20 } } });
    expect(flagged.wellness.flag.z).toBeCloseTo((16 - 20) / Math.sqrt(10 / 6), 6);
    // The cohort's ratio is the person's own ACWR flag.
    expect(flagged.loadRatio).toEqual(await acwrFlag(db, p1, '2026-03-12'));
    expect(flagged.loadRatio.state).toBe('flagged');
    expect((await acwrFlag(db, p2, '2026-03-12'))?.state).toBe('usual');
    expect(await unitAccessRows(db)).toEqual([[company, 'cohort flags']]);
    expect(body.flaggedPeople).toBe(1);
  }, 120_000);

  it('lists the flagged furthest outside their usual range first, at most `limit` of them, and counts them all', async () => {
    const { client, world, company, db, p1, p2 } = await cohortWorld(database());
    // Both score 20 21 19 20 22 18 20 (mean 20, SD 1.29), then today p1 17 (z -2.3) and p2 16 (z -3.1).
    for (const person of [p1, p2]) for (const [i, sleepQuality] of [5, 6, 4, 5, 7, 3, 5].entries()) await reportOn(db, person, addDays('2026-03-05', i), { sleepQuality });
    await reportOn(db, p1, '2026-03-12', { sleepQuality: 2 });
    await reportOn(db, p2, '2026-03-12', { sleepQuality: 1 });
    const flags = async (query: string) => {
      const response = await client.request({ url: `/api/units/${company}/cohort/flags${query}`, as: world.sessions.monitor });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { flaggedPeople: number; people: { person: { id: number }; wellness: { score: number } }[] };
    };
    const all = await flags('');
    expect(all.flaggedPeople).toBe(2);
    expect(all.people.map((p) => [p.person.id, p.wellness.score])).toEqual([
      [p2, 16],
      [p1, 17],
    ]);
    const first = await flags('?limit=1');
    expect(first.flaggedPeople).toBe(2);
    expect(first.people.map((p) => p.person.id)).toEqual([p2]);
    const refused = await client.request({ url: `/api/units/${company}/cohort/flags?limit=0`, as: world.sessions.monitor });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.field).toBe('limit');
  });

  it('lists recent personal bests: a heavier lift or faster drill than before, newest first', async () => {
    const { client, world, db, p1, p2 } = await cohortWorld(database());
    const squat = (await exerciseLookup(db)).get('back squat')!;
    const lift = (sessionId: number, personId: number, setNumber: number, load: number) =>
      ({ sessionId, personId, exerciseId: squat, setNumber, loadUnit: 'kg' as const, target: { reps: 5, load, rpe: null, rir: null, durationS: null, distanceM: null }, actual: { reps: 5, load, rpe: null, rir: null, durationS: null, distanceM: null }, notes: '' });
    await asSystem(db, async (w) => {
      const before = await held(w, world.platoon.id, '2026-01-05T07:00:00.000Z', 60);
      await addSet(w, lift(before, p1, 1, 100), false);
      const recent = await held(w, world.platoon.id, '2026-03-10T07:00:00.000Z', 60);
      await addSet(w, lift(recent, p1, 1, 105), false); // a best: 105 > 100
      await addSet(w, lift(recent, p1, 2, 105), false); // equal to the set before: not a new best
      await addSet(w, lift(recent, p2, 1, 80), false); // a first lift: nothing to beat
      const drill = await createDrill(w, { name: 'Obstacle course', standardS: 600, description: '' });
      await recordAttempt(w, { drillId: drill.id, personId: p2, performedAt: '2025-12-01T09:00:00.000Z', timeS: 580, notes: '' });
      await recordAttempt(w, { drillId: drill.id, personId: p2, performedAt: '2026-03-11T09:00:00.000Z', timeS: 561, notes: '' }); // a best
      await recordAttempt(w, { drillId: drill.id, personId: p1, performedAt: '2026-03-11T10:00:00.000Z', timeS: 590, notes: '' }); // a first attempt
    });
    const response = await client.request({ url: `/api/units/${world.platoon.id}/cohort/bests`, as: world.sessions.trainer });
    expect(response.statusCode).toBe(200);
    expect(response.json().from).toBe('2026-02-13');
    expect(response.json().bests).toEqual([
      { person: expect.objectContaining({ id: p2 }), kind: 'drill', what: 'Obstacle course', value: 561, previous: 580, unit: 's', date: '2026-03-11' },
      { person: expect.objectContaining({ id: p1 }), kind: 'lift', what: 'Back Squat', value: 105, previous: 100, unit: 'kg', date: '2026-03-10' },
    ]);
    // Outside the window asked for, nothing.
    expect((await client.request({ url: `/api/units/${world.platoon.id}/cohort/bests?days=1`, as: world.sessions.trainer })).json().bests).toEqual([]);
    expect(await unitAccessRows(db)).toEqual([
      [world.platoon.id, 'recent personal bests'],
      [world.platoon.id, 'recent personal bests'],
    ]);
  });

  it('counts a drill attempt as a best only when faster than every earlier one, newest first up to the limit', async () => {
    const { world, db, p1, p2 } = await cohortWorld(database());
    const ids = await asSystem(db, async (w) => {
      const drill = await createDrill(w, { name: 'Obstacle course', standardS: 600, description: '' });
      const attempt = (personId: number, performedAt: string, timeS: number) => recordAttempt(w, { drillId: drill.id, personId, performedAt, timeS, notes: '' });
      await attempt(p1, '2026-01-10T09:00:00.000Z', 580); // before the window
      await attempt(p2, '2026-01-10T09:00:00.000Z', 600);
      return {
        p1Best: await attempt(p1, '2026-03-02T09:00:00.000Z', 570), // a best: 570 < 580
        p2Best: await attempt(p2, '2026-03-02T09:00:00.000Z', 590), // a best at the same instant, recorded after p1's
        p1Equal: await attempt(p1, '2026-03-03T09:00:00.000Z', 570), // equal to the best so far: not a best
        p1Slower: await attempt(p1, '2026-03-04T09:00:00.000Z', 575), // slower: not a best
        p1Again: await attempt(p1, '2026-03-05T09:00:00.000Z', 560), // a best: 560 < 570
      };
    });
    const window = ['2026-02-13T00:00:00.000Z', '2026-03-13T00:00:00.000Z'] as const;
    const bests = await recentDrillBests(db, [world.platoon.id], ...window, 20);
    expect(bests.map((b) => [b.attemptId, b.personId, b.timeS, b.previousS, b.date])).toEqual([
      [ids.p1Again, p1, 560, 570, '2026-03-05'],
      [ids.p2Best, p2, 590, 600, '2026-03-02'],
      [ids.p1Best, p1, 570, 580, '2026-03-02'],
    ]);
    expect((await recentDrillBests(db, [world.platoon.id], ...window, 2)).map((b) => b.attemptId)).toEqual([ids.p1Again, ids.p2Best]);
  });
});
