import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { setUnitStaff } from '../roster/store.ts';
import { makeWorld, startTestApp } from '../server/testing.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { recentLiftBests } from './cohort.ts';
import { exerciseLookup } from './store.ts';
import { exerciseId, heldSession, rate } from './testing.ts';

const now = () => new Date('2026-11-26T12:00:00Z');
const setCount = async (db: Db) => Number((await db.selectFrom('training_set').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describeEachDatabase('training API', (database) => {
  it('plans a session at 23:00 local time, records it as held, and keeps the local date', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const trainer = world.sessions.trainer;
    const session = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-07-10', time: '23:00', minutes: 50 });
    expect(session.status).toBe('held');
    expect(session.planned).toMatchObject({ at: '2026-07-10T22:00:00.000Z', date: '2026-07-10', time: '23:00', offset: '+01:00' });
    expect(session.actual).toMatchObject({ date: '2026-07-10', time: '23:00', minutes: 50 });

    await rate(client, trainer, session.id, world.ownParticipantId, 7);
    const load = await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/training/load?from=2026-07-06&to=2026-07-12`, as: trainer });
    expect(load.statusCode).toBe(200);
    const days = load.json().days as { date: string; load: number }[];
    // 7 x 50 minutes = 350 AU on the local Friday, not on Saturday in UTC terms or Thursday.
    expect(days.find((d) => d.date === '2026-07-10')?.load).toBe(350);
    expect(days.filter((d) => d.load > 0)).toHaveLength(1);
    expect(load.json().weeks).toEqual([{ weekStart: '2026-07-06', days: 7, load: 350, monotony: expect.any(Number), strain: expect.any(Number) }]);
  });

  it('"Start a session now" answers the session just started; held, it has its minutes; a load that cannot be computed says why', async () => {
    let at = new Date('2026-11-26T09:00:20Z');
    const client = await startTestApp(database(), () => at);
    const world = await makeWorld(database());
    const trainer = world.sessions.trainer;
    const start = () => client.request({ method: 'POST', url: '/api/training/sessions/start', as: trainer, payload: { unitId: world.platoon.id } });
    const first = await start();
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ created: true, status: 'planned', planned: { at: '2026-11-26T09:00:00.000Z', minutes: 60 } });
    at = new Date('2026-11-26T09:20:00Z');
    const again = await start();
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, created: false });
    const id = first.json().id as number;

    // Marked held without minutes: the planned length, never none.
    const held = await client.request({ method: 'PATCH', url: `/api/training/sessions/${id}`, as: trainer, payload: { status: 'held' } });
    expect(held.json()).toMatchObject({ status: 'held', actual: { minutes: 60 } });

    // Attendance and "all present": everyone not yet recorded is marked present; a recorded absence stays.
    const late = await makePerson(database().db, { unitId: world.platoon.id });
    const away = await makePerson(database().db, { unitId: world.platoon.id });
    await client.request({ method: 'PUT', url: `/api/training/sessions/${id}/attendance/${away.id}`, as: trainer, payload: { status: 'absent' } });
    await rate(client, trainer, id, world.ownParticipantId, 6);
    const all = await client.request({ method: 'POST', url: `/api/training/sessions/${id}/attendance/all-present`, as: trainer });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().marked).toBe(1);
    const byPerson = new Map((all.json().attendance as { person: { id: number }; status: string; load: number | null; loadMissing: string | null }[]).map((a) => [a.person.id, a]));
    expect(byPerson.get(world.ownParticipantId)).toMatchObject({ status: 'present', load: 360, loadMissing: null });
    expect(byPerson.get(late.id)).toMatchObject({ status: 'present', load: null, loadMissing: 'no session RPE recorded' });
    expect(byPerson.get(away.id)).toMatchObject({ status: 'absent', load: null, loadMissing: null });
    expect((await client.request({ method: 'POST', url: `/api/training/sessions/${id}/attendance/all-present`, as: world.sessions.participant })).statusCode).toBe(403);

    // The unit's week: a load that cannot be computed is null with its reason, not 0.
    const week = (await client.request({ method: 'GET', url: `/api/units/${world.platoon.id}/training/load?week=2026-11-26`, as: trainer })).json().participants as { person: { id: number }; load: number | null; loadMissing: string | null }[];
    expect(week.find((p) => p.person.id === world.ownParticipantId)).toMatchObject({ load: 360, loadMissing: null });
    expect(week.find((p) => p.person.id === late.id)).toMatchObject({ load: null, loadMissing: '1 session without a session RPE' });
    expect(week.find((p) => p.person.id === away.id)).toMatchObject({ load: 0, loadMissing: null });

    // Another session, planned without a length and marked held 45 minutes after its start: 45 minutes.
    at = new Date('2026-11-26T15:45:00Z');
    const open = await client.request({ method: 'POST', url: '/api/training/sessions', as: trainer, payload: { unitId: world.platoon.id, title: 'Run', date: '2026-11-26', time: '15:00' } });
    expect((await client.request({ method: 'PATCH', url: `/api/training/sessions/${open.json().id}`, as: trainer, payload: { status: 'held' } })).json()).toMatchObject({ actual: { minutes: 45 } });
    const later = await client.request({ method: 'POST', url: '/api/training/sessions', as: trainer, payload: { unitId: world.platoon.id, title: 'Swim', date: '2026-11-27', time: '09:00' } });
    const refused = await client.request({ method: 'PATCH', url: `/api/training/sessions/${later.json().id}`, as: trainer, payload: { status: 'held' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toMatch(/^actualMinutes: a held session needs its minutes/);
  });

  it('leaves warm-up sets out of personal bests, the person’s and the unit’s recent ones, unless asked', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const trainer = world.sessions.trainer;
    const squat = await exerciseId(client, trainer, 'Back Squat');
    const set = (sessionId: number, setNumber: number, load: number, kind: string) =>
      client.request({ method: 'POST', url: '/api/training/sets', as: trainer, payload: { sessionId, personId: world.ownParticipantId, exerciseId: squat, setNumber, kind, loadUnit: 'kg', actual: { reps: 5, load } } });
    const before = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-02', time: '07:00' });
    expect((await set(before.id, 1, 100, 'normal')).statusCode).toBe(201);
    const after = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-20', time: '07:00' });
    const warmup = await set(after.id, 1, 110, 'warmup');
    expect(warmup.json()).toMatchObject({ kind: 'warmup' });
    expect((await set(after.id, 2, 95, 'normal')).statusCode).toBe(201);
    const recent = await recentLiftBests(database().db, [world.platoon.id], '2026-11-10T00:00:00.000Z', '2026-11-26T00:00:00.000Z', 10);
    expect(recent).toEqual([]);
    const heaviest = async (query: string) => (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/training/bests${query}`, as: trainer })).json().bests[0].heaviest.load.kg;
    expect(await heaviest('')).toBe(100);
    expect(await heaviest('?warmups=include')).toBe(110);
  });

  it('refuses a time that does not exist on the day the clocks go forward, and dates the day correctly', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const trainer = world.sessions.trainer;
    const gap = await client.request({ method: 'POST', url: '/api/training/sessions', as: trainer, payload: { unitId: world.platoon.id, title: 'Run', date: '2026-03-29', time: '01:30' } });
    expect(gap.statusCode).toBe(400);
    expect(gap.json().error.message).toMatch(/does not exist in Europe\/London/);

    const early = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-03-29', time: '00:30', minutes: 30 });
    const late = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-03-29', time: '23:30', minutes: 30 });
    expect(early.planned).toMatchObject({ at: '2026-03-29T00:30:00.000Z', offset: '+00:00' });
    expect(late.planned).toMatchObject({ at: '2026-03-29T22:30:00.000Z', offset: '+01:00' });
    await rate(client, trainer, early.id, world.ownParticipantId, 4);
    await rate(client, trainer, late.id, world.ownParticipantId, 6);
    const days = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/training/load?from=2026-03-28&to=2026-03-30`, as: trainer })).json().days;
    expect(days.map((d: { date: string; load: number }) => [d.date, d.load])).toEqual([
      ['2026-03-28', 0],
      ['2026-03-29', 300],
      ['2026-03-30', 0],
    ]);
  });

  it('dates a session in a unit far from UTC by its own calendar, in the unit weekly load too', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const auckland = await makeUnit(database().db, { timeZone: 'Pacific/Auckland' });
    await write(database().db, systemActor('test'), (w) => setUnitStaff(w, auckland.id, { trainerIds: [world.sessions.trainer.personId] }));
    const kiwi = await makePerson(database().db, { unitId: auckland.id });
    const trainer = world.sessions.trainer;
    // Monday 12 January 07:00 in Auckland is Sunday 11 January 18:00 UTC.
    const session = await heldSession(client, trainer, { unitId: auckland.id, date: '2026-01-12', time: '07:00', minutes: 40 });
    expect(session.planned.at).toBe('2026-01-11T18:00:00.000Z');
    await rate(client, trainer, session.id, kiwi.id, 5);
    const listed = (from: string, to: string) => client.request({ method: 'GET', url: `/api/training/sessions?unitId=${auckland.id}&from=${from}&to=${to}`, as: trainer }).then((r) => r.json().sessions.map((s: { id: number }) => s.id));
    expect(await listed('2026-01-12', '2026-01-12')).toEqual([session.id]);
    expect(await listed('2026-01-11', '2026-01-11')).toEqual([]);

    const week = await client.request({ method: 'GET', url: `/api/units/${auckland.id}/training/load?week=2026-01-14`, as: world.sessions.investigator });
    expect(week.statusCode).toBe(200);
    expect(week.json()).toMatchObject({ weekStart: '2026-01-12', participants: [{ person: { id: kiwi.id }, load: 200, sessions: 1 }] });
    const before = (await client.request({ method: 'GET', url: `/api/units/${auckland.id}/training/load?week=2026-01-05`, as: world.sessions.investigator })).json();
    expect(before.participants[0].load).toBe(0);
  });

  it('stores loads in kg with the unit typed, shows each user their unit, and recomputes estimates and bests when a set changes', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const { trainer, participant } = world.sessions;
    const squat = await exerciseId(client, trainer, 'Back Squat');
    const session = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-02', time: '09:00' });
    expect((await client.request({ method: 'PUT', url: '/api/me/training-preferences', as: participant, payload: { loadUnit: 'lb' } })).json()).toEqual({ loadUnit: 'lb' });

    const created = await client.request({
      method: 'POST',
      url: '/api/training/sets',
      as: trainer,
      payload: { sessionId: session.id, personId: world.ownParticipantId, exerciseId: squat, setNumber: 1, loadUnit: 'lb', target: { reps: 5, load: 225, rpe: 8 }, actual: { reps: 5, load: 225, rpe: 8.5 } },
    });
    expect(created.statusCode).toBe(201);
    const set = created.json();
    // The trainer prefers kg (the default): 225 lb is 102.05828325 kg, shown as 102.06.
    expect(set.actual.load).toEqual({ value: 102.06, unit: 'kg', kg: 102.05828325, enteredUnit: 'lb' });
    expect(set.target).toMatchObject({ reps: 5, rpe: 8, load: { kg: 102.05828325 } });
    // Epley 102.05828325 x (1 + 5/30) = 119.068; Brzycki 102.05828325 x 36/32 = 114.816.
    expect(set.estimated1rm).toEqual({ epley: 119.1, brzycki: 114.8, unit: 'kg' });

    const mine = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/training/sets?from=2026-11-01&to=2026-11-30`, as: participant })).json();
    expect(mine.sets[0].actual.load).toEqual({ value: 225, unit: 'lb', kg: 102.05828325, enteredUnit: 'lb' });
    expect(mine.sets[0].estimated1rm).toEqual({ epley: 262.5, brzycki: 253.1, unit: 'lb' });

    const bests = async () => (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/training/bests`, as: trainer })).json().bests;
    expect((await bests())[0]).toMatchObject({ exercise: { name: 'Back Squat' }, heaviest: { reps: 5, load: { kg: 102.05828325 } }, bestEstimated1rm: { epley: 119.1 }, mostReps: { reps: 5 } });

    const changed = await client.request({
      method: 'PUT',
      url: `/api/training/sets/${set.id}`,
      as: trainer,
      payload: { sessionId: session.id, personId: world.ownParticipantId, exerciseId: squat, setNumber: 1, loadUnit: 'kg', actual: { reps: 3, load: 120 } },
    });
    expect(changed.statusCode).toBe(200);
    // 120 x (1 + 3/30) = 132; Brzycki 120 x 36/34 = 127.06.
    expect(changed.json().estimated1rm).toEqual({ epley: 132, brzycki: 127.1, unit: 'kg' });
    expect((await bests())[0]).toMatchObject({ heaviest: { load: { value: 120, kg: 120, enteredUnit: 'kg' }, reps: 3 }, bestEstimated1rm: { epley: 132 } });

    expect((await client.request({ method: 'DELETE', url: `/api/training/sets/${set.id}`, as: trainer })).statusCode).toBe(204);
    expect(await bests()).toEqual([]);
  });

  it('refuses bad sets with the field and the problem, and a duplicate set with 409', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const trainer = world.sessions.trainer;
    const squat = await exerciseId(client, trainer, 'Back Squat');
    const session = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-02', time: '09:00' });
    const base = { sessionId: session.id, personId: world.ownParticipantId, exerciseId: squat, setNumber: 1 };
    const post = (payload: object) => client.request({ method: 'POST', url: '/api/training/sets', as: trainer, payload });
    const cases: [object, string, RegExp][] = [
      [{ ...base, actual: { reps: 5, rpe: 11 } }, 'actual.rpe', /1 to 10/],
      [{ ...base, actual: { reps: 5, rpe: 7.3 } }, 'actual.rpe', /half steps/],
      [{ ...base, actual: { reps: 5, rpe: 8, rir: 2 } }, 'actual.rir', /RPE or RIR, not both/],
      [{ ...base, actual: { reps: 5, load: 100.1234 } }, 'actual.load', /three decimals/],
      [{ ...base, actual: { reps: 5, load: -5 } }, 'actual.load', /negative/],
      [{ ...base, loadUnit: 'lb', actual: { reps: 1, load: 2500 } }, 'actual.load', /at most 1000 kg/],
      [{ ...base, actual: { reps: 2.5 } }, 'actual.reps', /whole number/],
      [{ ...base, exerciseId: 99999, actual: { reps: 5 } }, 'exerciseId', /not in the catalogue/],
      [{ ...base, loadUnit: 'stone', actual: { reps: 5 } }, 'loadUnit', /./],
      [{ ...base, actual: { reps: 5, weight: 10 } }, 'actual.weight', /not a known field/],
    ];
    for (const [payload, field, message] of cases) {
      const response = await post(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.field, JSON.stringify(payload)).toBe(field);
      expect(response.json().error.message).toMatch(message);
    }
    expect((await post({ ...base, actual: { reps: 5, load: 100 } })).statusCode).toBe(201);
    const duplicate = await post({ ...base, actual: { reps: 5, load: 100 } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.message).toMatch(/already recorded/);
    expect(duplicate.json().error.message).not.toMatch(/UNIQUE|constraint/i);
    expect(await setCount(database().db)).toBe(1);
  });

  it('lets trainers write only for their units, participants read only their own, and logs every read', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const { trainer, participant, monitor, investigator } = world.sessions;
    const squat = await exerciseId(client, trainer, 'Back Squat');
    const other = await client.request({ method: 'POST', url: '/api/training/sessions', as: trainer, payload: { unitId: world.otherPlatoon.id, title: 'x', date: '2026-11-02', time: '09:00' } });
    expect(other.statusCode).toBe(404);
    const session = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-02', time: '09:00' });
    const outsider = await client.request({ method: 'POST', url: '/api/training/sets', as: trainer, payload: { sessionId: session.id, personId: world.otherParticipantId, exerciseId: squat, setNumber: 1, actual: { reps: 5 } } });
    expect(outsider.statusCode).toBe(404);
    expect((await client.request({ method: 'POST', url: '/api/training/sets', as: monitor, payload: { sessionId: session.id, personId: world.ownParticipantId, exerciseId: squat, setNumber: 1, actual: { reps: 5 } } })).statusCode).toBe(403);

    expect((await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}/training/sets`, as: participant })).statusCode).toBe(404);
    expect((await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/training/sets`, as: participant })).statusCode).toBe(200);
    expect((await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}/training/load`, as: monitor })).statusCode).toBe(200);
    expect((await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/training/bests`, as: investigator })).statusCode).toBe(200);
    const log = (await client.request({ method: 'GET', url: '/api/me/access-log', as: participant })).json().entries as { reads: { what: string; count: number }[] }[];
    expect(log.flatMap((e) => e.reads.map((r) => r.what))).toEqual(expect.arrayContaining(['training personal bests']));
  });

  it('lets a participant log their own sets at a session of their unit, marked self-reported and audited, and nobody else’s', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const { trainer, participant, admin } = world.sessions;
    const squat = await exerciseId(client, participant, 'Back Squat');
    const held = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-25', time: '09:00' });
    const future = (await client.request({ method: 'POST', url: '/api/training/sessions', as: trainer, payload: { unitId: world.platoon.id, title: 'Tomorrow', date: '2026-11-27', time: '09:00' } })).json();
    const elsewhere = await heldSession(client, admin, { unitId: world.otherPlatoon.id, date: '2026-11-25', time: '09:00' });
    const skipped = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-24', time: '09:00' });
    await client.request({ method: 'PUT', url: `/api/training/sessions/${skipped.id}/attendance/${world.ownParticipantId}`, as: trainer, payload: { status: 'absent' } });
    const platoonMate = await makePerson(database().db, { unitId: world.platoon.id });

    const listed = (await client.request({ method: 'GET', url: '/api/me/training/sessions', as: participant })).json().sessions.map((s: { id: number }) => s.id);
    expect(listed).toEqual([held.id]);

    const post = (payload: object) => client.request({ method: 'POST', url: '/api/training/sets', as: participant, payload });
    const own = { sessionId: held.id, personId: world.ownParticipantId, exerciseId: squat, setNumber: 1 };
    const refusals: [object, number, string | undefined, RegExp][] = [
      [{ ...own, personId: world.otherParticipantId, actual: { reps: 5 } }, 404, undefined, /person/],
      [{ ...own, personId: platoonMate.id, actual: { reps: 5 } }, 404, undefined, /person/],
      [{ ...own, sessionId: elsewhere.id, actual: { reps: 5 } }, 404, undefined, /training session/],
      [{ ...own, sessionId: future.id, actual: { reps: 5 } }, 400, 'sessionId', /not started/],
      [{ ...own, sessionId: skipped.id, actual: { reps: 5 } }, 400, 'sessionId', /recorded as absent/],
      [{ ...own, actual: { reps: 5, rpe: 11 } }, 400, 'actual.rpe', /1 to 10/],
      [{ ...own, actual: { reps: 5, load: 100.1234 } }, 400, 'actual.load', /three decimals/],
    ];
    for (const [payload, status, field, message] of refusals) {
      const response = await post(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json().error.field).toBe(field);
      expect(response.json().error.message).toMatch(message);
    }
    expect(await setCount(database().db)).toBe(0);

    const logged = await post({ ...own, loadUnit: 'kg', actual: { reps: 5, load: 80, rpe: 8 } });
    expect(logged.statusCode).toBe(201);
    expect(logged.json()).toMatchObject({ personId: world.ownParticipantId, selfReported: true, actual: { reps: 5, load: { kg: 80 } } });
    const byTrainer = await client.request({ method: 'POST', url: '/api/training/sets', as: trainer, payload: { ...own, setNumber: 2, actual: { reps: 5, load: 80 } } });
    expect(byTrainer.json().selfReported).toBe(false);

    const session = (await client.request({ method: 'GET', url: `/api/training/sessions/${held.id}`, as: trainer })).json();
    expect(session.attendance).toMatchObject([{ person: { id: world.ownParticipantId }, status: 'present' }]);
    expect(session.sets.map((s: { setNumber: number; selfReported: boolean }) => [s.setNumber, s.selfReported])).toEqual([
      [1, true],
      [2, false],
    ]);
    const audit = await database().db.selectFrom('audit_event').select(['entity_id', 'after_json']).where('action', '=', 'training.set.create').orderBy('seq').execute();
    expect(audit.map((a) => [Number(a.entity_id), JSON.parse(a.after_json!).self_reported])).toEqual([
      [logged.json().id, true],
      [byTrainer.json().id, false],
    ]);
    const exported = (await client.request({ method: 'GET', url: '/api/training/export?format=json', as: trainer })).json() as { set_id: number; self_reported: number }[];
    expect(exported.map((r) => [r.set_id, r.self_reported])).toEqual([
      [logged.json().id, 1],
      [byTrainer.json().id, 0],
    ]);
    expect((await client.request({ method: 'GET', url: '/api/me/training/sessions', as: trainer })).statusCode).toBe(403);
  });

  it('adds exercises to the catalogue and refuses a name already taken', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const added = await client.request({ method: 'POST', url: '/api/exercises', as: world.sessions.trainer, payload: { name: 'Tyre Flip', category: 'strength', aliases: ['Tire Flip'] } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ name: 'Tyre Flip', aliases: ['tire flip'] });
    const again = await client.request({ method: 'POST', url: '/api/exercises', as: world.sessions.trainer, payload: { name: 'tire flip', category: 'strength' } });
    expect(again.statusCode).toBe(409);
    const seeded = (await client.request({ method: 'GET', url: '/api/exercises', as: world.sessions.participant })).json().exercises.map((e: { name: string }) => e.name);
    expect(seeded).toEqual(expect.arrayContaining(['Back Squat', 'Deadlift', 'Bench Press', 'Pull-up', 'Run', 'Ruck March']));
  });

  it('adds other names to an exercise, which imports then match, and refuses a name already taken', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const squat = (await client.request({ method: 'GET', url: '/api/exercises', as: world.sessions.trainer })).json().exercises.find((e: { name: string }) => e.name === 'Back Squat');
    const aliases = (payload: { aliases: string[] }, id = squat.id) => client.request({ method: 'POST', url: `/api/exercises/${id}/aliases`, as: world.sessions.trainer, payload });
    const added = await aliases({ aliases: ['Back Sqat', ' BS '] });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toEqual({ ...squat, aliases: [...squat.aliases, 'back sqat', 'bs'].sort() });
    expect(Array.from((await exerciseLookup(database().db)).entries()).filter(([, id]) => id === squat.id).map(([key]) => key)).toEqual(expect.arrayContaining(['back sqat', 'bs']));
    const taken = await aliases({ aliases: ['deadlift'] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ field: 'aliases', message: expect.stringContaining("'deadlift'") });
    expect((await aliases({ aliases: [] })).statusCode).toBe(400);
    expect((await aliases({ aliases: ['Squat Jump'] }, 99999)).statusCode).toBe(404);
    expect((await client.request({ method: 'POST', url: `/api/exercises/${squat.id}/aliases`, as: world.sessions.participant, payload: { aliases: ['x'] } })).statusCode).toBe(403);
    const events = await database().db.selectFrom('audit_event').select(['action', 'entity_id']).where('action', '=', 'exercise.alias').execute();
    expect(events).toEqual([{ action: 'exercise.alias', entity_id: String(squat.id) }]);
  });

  it('checks the acute:chronic windows it is given', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const response = await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/training/load?acuteDays=21&chronicDays=14`, as: world.sessions.trainer });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ field: 'acuteDays' });
  });
});
