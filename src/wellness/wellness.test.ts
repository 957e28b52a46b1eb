import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { makeWorld, sessionFor, startTestApp } from '../server/testing.ts';
import { addDays } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { createSession, setAttendance, updateSession } from '../training/store.ts';
import { baselinesOf, storedBaselinesOf, wellnessScore } from './model.ts';
import { wellnessByUnit } from './store.ts';
import { goodDay, reportOn } from './testing.ts';

const reportsOf = async (db: Db, personId: number) =>
  db.selectFrom('wellness_report').select(['local_date', 'fatigue']).where('person_id', '=', personId).orderBy('local_date').execute();
const auditActions = async (db: Db) => (await db.selectFrom('audit_event').select('action').orderBy('seq').execute()).map((e) => e.action);
const put = '/api/me/wellness/today';

/** Scores 20 21 19 20 22 18 20 (sleep quality + 15): mean 20, SD 1.29099. */
const sleepForWeek = [5, 6, 4, 5, 7, 3, 5];

describeEachDatabase('wellness', (database) => {
  it("takes one report per participant per local day, editable that day, audited", async () => {
    let now = new Date('2026-03-10T08:00:00Z');
    const client = await startTestApp(database(), () => now);
    const { sessions } = await makeWorld(database());
    const first = await client.request({ method: 'PUT', url: put, payload: goodDay, as: sessions.participant });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ timeZone: 'Europe/London', report: { date: '2026-03-10', score: 21, hoursSlept: 7.5 } });
    now = new Date('2026-03-10T21:00:00Z');
    const edit = await client.request({ method: 'PUT', url: put, payload: { ...goodDay, fatigue: 5 }, as: sessions.participant });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().report.score).toBe(18);
    expect(await reportsOf(database().db, sessions.participant.personId)).toEqual([{ local_date: '2026-03-10', fatigue: 5 }]);
    expect((await auditActions(database().db)).filter((a) => a.startsWith('wellness.'))).toEqual(['wellness.create', 'wellness.update']);
  });

  it('starts a new day at local midnight, on a DST day too (Europe/London)', async () => {
    let now = new Date('2026-03-28T23:59:00Z'); // 23:59 GMT on the 28th
    const client = await startTestApp(database(), () => now);
    const { sessions } = await makeWorld(database());
    const send = async (fatigue: number) => (await client.request({ method: 'PUT', url: put, payload: { ...goodDay, fatigue }, as: sessions.participant })).json().report.date;
    expect(await send(1)).toBe('2026-03-28');
    now = new Date('2026-03-29T00:01:00Z'); // 00:01 GMT on the 29th: a new day, yesterday's report stays
    expect(await send(2)).toBe('2026-03-29');
    now = new Date('2026-03-29T22:59:00Z'); // clocks went forward at 01:00 GMT: this is 23:59 BST, still the 29th
    expect(await send(3)).toBe('2026-03-29');
    now = new Date('2026-03-29T23:01:00Z'); // 00:01 BST on the 30th
    expect(await send(4)).toBe('2026-03-30');
    expect(await reportsOf(database().db, sessions.participant.personId)).toEqual([
      { local_date: '2026-03-28', fatigue: 1 },
      { local_date: '2026-03-29', fatigue: 3 },
      { local_date: '2026-03-30', fatigue: 4 },
    ]);
  });

  it('dates reports by the unit’s zone far from UTC (Pacific/Kiritimati, UTC+14)', async () => {
    let now = new Date('2026-03-10T09:59:00Z'); // 23:59 on the 10th there
    const client = await startTestApp(database(), () => now);
    const atoll = await makeUnit(database().db, { timeZone: 'Pacific/Kiritimati' });
    const me = await sessionFor(database(), ['participant'], atoll.id);
    expect((await client.request({ method: 'PUT', url: put, payload: goodDay, as: me })).json()).toMatchObject({ timeZone: 'Pacific/Kiritimati', report: { date: '2026-03-10' } });
    now = new Date('2026-03-10T10:01:00Z'); // 00:01 on the 11th there, while still the 10th in UTC
    expect((await client.request({ method: 'PUT', url: put, payload: goodDay, as: me })).json().report.date).toBe('2026-03-11');
  });

  it('refuses bad reports, naming the field', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    const cases: [object, string, RegExp][] = [
      [{ ...goodDay, fatigue: 8 }, 'fatigue', /7/],
      [{ ...goodDay, stress: 2.5 }, 'stress', /int/i],
      [{ ...goodDay, hoursSlept: -1 }, 'hoursSlept', /0/],
      [{ ...goodDay, mood: 3 }, 'mood', /not a known field/],
      [{ sleepQuality: 5, fatigue: 2, stress: 3, soreness: 4 }, 'hoursSlept', /./],
    ];
    for (const [payload, field, message] of cases) {
      const response = await client.request({ method: 'PUT', url: put, payload, as: sessions.participant });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.field).toBe(field);
      expect(response.json().error.message).toMatch(message);
    }
    expect(await reportsOf(database().db, sessions.participant.personId)).toEqual([]);
  });

  it("shows a unit's day: reports, flags against each person's own range, and who has not reported", async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const client = await startTestApp(database(), () => now);
    const world = await makeWorld(database());
    const me = world.ownParticipantId;
    for (const [i, sleepQuality] of sleepForWeek.entries()) await reportOn(database().db, me, addDays('2026-03-03', i), { sleepQuality });
    await reportOn(database().db, me, '2026-02-01', { sleepQuality: 1 }); // outside the 28-day window: not in the baseline
    await client.request({ method: 'PUT', url: put, payload: { ...goodDay, sleepQuality: 2 }, as: world.sessions.participant }); // score 17
    const silent = await makePerson(database().db, { unitId: world.platoon.id, designation: 'ZZ-999' });

    const response = await client.request({ method: 'GET', url: `/api/units/${world.platoon.id}/wellness`, as: world.sessions.trainer });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.date).toBe('2026-03-10');
    const mine = body.participants.find((p: { person: { id: number } }) => p.person.id === me);
    expect(mine.today.score).toBe(17);
    expect(mine.lastReported).toBe('2026-03-10');
    expect(mine.today.flag.state).toBe('flagged');
    expect(mine.today.flag.count).toBe(7);
    expect(mine.today.flag.mean).toBeCloseTo(20, 10);
    expect(mine.today.flag.sd).toBeCloseTo(1.29099, 5);
    expect(mine.today.flag.z).toBeCloseTo(-2.32379, 5);
    expect(body.notReported.map((p: { designation: string }) => p.designation)).toEqual(['ZZ-999']);
    expect(body.participants.find((p: { person: { id: number } }) => p.person.id === silent.id)).toMatchObject({ today: null, lastReported: null });
    expect(body.counts).toEqual({ participants: body.participants.length, reported: body.participants.length - 1, flagged: 1 });
    // For a unit's card (a battalion is 10,000 people): the same counts, and only who has not reported.
    const card = (await client.request({ method: 'GET', url: `/api/units/${world.platoon.id}/wellness?people=not-reported`, as: world.sessions.trainer })).json();
    expect(card.counts).toEqual(body.counts);
    expect(card.participants).toEqual(body.participants.filter((p: { today: unknown }) => p.today === null));
    expect(card.notReported).toEqual(body.notReported);
    const wrong = await client.request({ method: 'GET', url: `/api/units/${world.platoon.id}/wellness?people=some`, as: world.sessions.trainer });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.field).toBe('people');

    const earlier = (await client.request({ method: 'GET', url: `/api/units/${world.platoon.id}/wellness?date=2026-03-09`, as: world.sessions.trainer })).json();
    expect(earlier.participants.find((p: { person: { id: number } }) => p.person.id === me)).toMatchObject({ today: { score: 20, flag: { state: 'too-little-history', count: 6 } } });

    expect((await client.request({ method: 'GET', url: `/api/units/${world.otherPlatoon.id}/wellness`, as: world.sessions.trainer })).statusCode).toBe(404);
    // Each view of the unit is one access-log row naming it (ADR 0005; members see it in theirs, src/audit/audit.test.ts).
    const views = await database().db.selectFrom('unit_access_log').select(['unit_id', 'what']).execute();
    expect(views).toEqual([1, 2, 3].map(() => ({ unit_id: world.platoon.id, what: 'unit wellness' })));
  });

  it('keeps stored baselines current when an earlier day changes or arrives late', async () => {
    const world = await makeWorld(database());
    const me = world.ownParticipantId;
    for (const [i, sleepQuality] of sleepForWeek.entries()) if (i !== 2) await reportOn(database().db, me, addDays('2026-03-03', i), { sleepQuality });
    const today = async () => (await reportOn(database().db, me, '2026-03-10', { sleepQuality: 2 })).report.flag;
    expect(await today()).toMatchObject({ state: 'too-little-history', count: 6 });
    await reportOn(database().db, me, '2026-03-05', { sleepQuality: 4 }); // arrives late: the week is complete
    expect(await today()).toMatchObject({ state: 'flagged', count: 7, mean: 20 });
    await reportOn(database().db, me, '2026-03-05', { sleepQuality: 7 }); // corrected: score 22, mean 20.43
    const corrected = await today();
    expect(corrected).toMatchObject({ state: 'flagged', count: 7 });
    expect(corrected.state !== 'too-little-history' && corrected.mean).toBeCloseTo(143 / 7, 10);
    const rows = await database().db.selectFrom('wellness_report').selectAll().where('person_id', '=', me).orderBy('local_date').execute();
    const expected = baselinesOf(rows.map((r) => ({ date: r.local_date, score: wellnessScore(r) })));
    expect(rows.map((r) => ({ count: r.baseline_count, sum: r.baseline_sum, sumOfSquares: r.baseline_sum_of_squares }))).toEqual(expected);
  });

  it('stores whether each report is flagged and refreshes it when an earlier report arrives late or is corrected', async () => {
    const world = await makeWorld(database());
    const { db } = database();
    const me = world.ownParticipantId;
    for (const [i, sleepQuality] of sleepForWeek.entries()) if (i !== 2) await reportOn(db, me, addDays('2026-03-03', i), { sleepQuality });
    await reportOn(db, me, '2026-03-10', { sleepQuality: 2 }); // score 17, written once: later changes are to earlier days
    const stored = async () => (await db.selectFrom('wellness_report').select('flagged').where('person_id', '=', me).where('local_date', '=', '2026-03-10').executeTakeFirstOrThrow()).flagged;
    const counts = async () => (await wellnessByUnit(db, [world.platoon.id], '2026-03-10')).byUnit.get(world.platoon.id);
    expect(await stored()).toBe(0); // six reports before it: too little history
    await reportOn(db, me, '2026-03-05', { sleepQuality: 4 }); // arrives late: mean 20, SD 1.29, z -2.32
    expect(await stored()).toBe(1);
    expect(await counts()).toEqual({ reported: 1, flagged: 1 });
    await reportOn(db, me, '2026-03-03', { sleepQuality: 1 }); // corrected from 20 to 16: mean 19.43, SD 1.99, z -1.22
    expect(await stored()).toBe(0);
    expect(await counts()).toEqual({ reported: 1, flagged: 0 });
    await reportOn(db, me, '2026-03-10', { sleepQuality: 1 }); // the day itself corrected to 16, its baseline unchanged: z -1.72
    expect(await stored()).toBe(1);
    const rows = await db.selectFrom('wellness_report').selectAll().where('person_id', '=', me).orderBy('local_date').execute();
    const expected = storedBaselinesOf(rows.map((r) => ({ date: r.local_date, score: wellnessScore(r) })));
    expect(rows.map((r) => ({ baseline_count: r.baseline_count, baseline_sum: r.baseline_sum, baseline_sum_of_squares: r.baseline_sum_of_squares, flagged: r.flagged }))).toEqual(expected);
    const { flagged } = await wellnessByUnit(db, [world.platoon.id], '2026-03-10');
    expect(flagged).toEqual([{ personId: me, unitId: world.platoon.id, report: expect.objectContaining({ date: '2026-03-10', score: 16, flag: expect.objectContaining({ state: 'flagged' }) }) }]);
  });

  it("shows one person's reports and flags to those in scope only", async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const client = await startTestApp(database(), () => now);
    const world = await makeWorld(database());
    for (const [i, sleepQuality] of sleepForWeek.entries()) await reportOn(database().db, world.ownParticipantId, addDays('2026-03-03', i), { sleepQuality });
    await reportOn(database().db, world.ownParticipantId, '2026-03-10', { sleepQuality: 7 });
    const own = await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/wellness`, as: world.sessions.participant });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ today: '2026-03-10', timeZone: 'Europe/London', flags: { wellness: { state: 'usual', value: 22 }, loadRatio: null } });
    expect(own.json().reports).toHaveLength(8);
    const ranged = await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/wellness?from=2026-03-08&to=2026-03-09`, as: world.sessions.trainer });
    expect(ranged.json().reports.map((r: { date: string }) => r.date)).toEqual(['2026-03-08', '2026-03-09']);
    const backwards = await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/wellness?from=2026-03-09&to=2026-03-08`, as: world.sessions.trainer });
    expect(backwards.json().error).toMatchObject({ field: 'from' });
    expect((await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}/wellness`, as: world.sessions.trainer })).statusCode).toBe(404);
    expect((await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}/wellness`, as: world.sessions.participant })).statusCode).toBe(404);
  });

  it('flags a load ratio above the person’s own range, through the training ACWR', async () => {
    const now = new Date('2026-03-10T18:00:00Z');
    const client = await startTestApp(database(), () => now);
    const world = await makeWorld(database());
    const trainee = world.ownParticipantId;
    await write(database().db, systemActor('test'), async (w) => {
      for (let day = 0; day < 70; day++) {
        const date = addDays('2025-12-31', day);
        const session = await createSession(w, { unitId: world.platoon.id, title: 'PT', plannedStart: `${date}T08:00:00.000Z`, plannedMinutes: 60, trainerId: null, notes: '' });
        await updateSession(w, session.id, { status: 'held', actualMinutes: 60 });
        // Steady RPE 5 for ten weeks, then two hard days (yesterday and today).
        await setAttendance(w, session.id, trainee, { status: 'present', rpe: day >= 68 ? 9 : 5, minutes: 60 });
      }
    });
    const response = await client.request({ method: 'GET', url: `/api/people/${trainee}/wellness`, as: world.sessions.trainer });
    const flag = response.json().flags.loadRatio;
    expect(flag.state).toBe('flagged');
    expect(flag.value).toBeGreaterThan(1.15);
    expect(flag.count).toBe(28);
  });
});
