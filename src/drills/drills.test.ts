import { describe, expect, it } from 'vitest';
import { createAccount, createSession } from '../auth/store.ts';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { makePerson } from '../roster/testing.ts';
import { makeWorld, startTestApp, type Client, type Session } from '../server/testing.ts';
import { describeEachDatabase, type TestDatabase } from '../server/test-databases.ts';
import { exerciseId } from '../training/testing.ts';
import { bestPerSide, formatDuration, parseDuration, passes } from './model.ts';

describe('drill times and standards', () => {
  it('reads and writes times', () => {
    expect(parseDuration('5:00')).toBe(300);
    expect(parseDuration('4:32.5')).toBe(272.5);
    expect(parseDuration('1:02:03')).toBe(3723);
    expect(parseDuration('272.5')).toBe(272.5);
    expect(parseDuration('5:60')).toBeUndefined();
    expect(parseDuration('five minutes')).toBeUndefined();
    expect(formatDuration(272.5)).toBe('4:32.5');
    expect(formatDuration(300)).toBe('5:00');
    expect(formatDuration(3723)).toBe('1:02:03');
  });

  it('passes within the standard and fails beyond it', () => {
    expect(passes(299.9, 300)).toBe(true);
    expect(passes(300, 300)).toBe(true);
    expect(passes(300.1, 300)).toBe(false);
  });

  it('takes the best made trial per side', () => {
    const trials = [
      { side: 'left' as const, trial: 1, value: 44, success: true },
      { side: 'left' as const, trial: 2, value: 47.5, success: true },
      { side: 'right' as const, trial: 1, value: 51, success: true },
      { side: 'left' as const, trial: 3, value: 46, success: true },
      { side: 'right' as const, trial: 2, value: 55, success: false },
    ];
    expect(bestPerSide(trials)).toEqual([
      { side: 'left', best: 47.5 },
      { side: 'right', best: 51 },
    ]);
  });
});

/** A signed-in participant of `unitId`. */
async function participantSession(database: TestDatabase, unitId: number): Promise<Session & { designation: string }> {
  const person = await makePerson(database.db, { unitId });
  return write(database.db, systemActor('test'), async (w) => {
    const account = await createAccount(w, { username: `p-${person.designation.toLowerCase()}`, password: null, personId: person.id });
    const session = await createSession(w, account.id);
    return { cookie: session.token, csrfToken: session.csrfToken, personId: person.id, designation: person.designation };
  });
}

const drillNamed = async (client: Client, as: Session, name: string) => ((await client.request({ method: 'GET', url: '/api/drills', as })).json().drills as { id: number; name: string }[]).find((d) => d.name === name)!.id;

describeEachDatabase('drills and strength tests API', (database) => {
  it('records attempts with pass or fail against the standard, and personal bests', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const trainer = world.sessions.trainer;
    const armour = await drillNamed(client, trainer, 'Armour off');
    const attempt = (result: string | number, time: string) => client.request({ method: 'POST', url: `/api/drills/${armour}/attempts`, as: trainer, payload: { personId: world.ownParticipantId, date: '2026-10-25', time, result } });
    const slow = await attempt('5:10', '09:00');
    expect(slow.statusCode, slow.body).toBe(201);
    expect(slow.json()).toMatchObject({ timeS: 310, time: '5:10', passed: false, drill: { name: 'Armour off', standard: '5:00' } });
    // 25 October 2026 is the day British clocks go back: 09:00 is GMT again.
    expect(slow.json().at).toMatchObject({ at: '2026-10-25T09:00:00.000Z', offset: '+00:00' });
    expect((await attempt(272.5, '10:00')).json()).toMatchObject({ time: '4:32.5', passed: true });
    expect((await attempt('4:40', '11:00')).json().passed).toBe(true);
    expect((await attempt('4:40', '11:00')).statusCode).toBe(409);
    const bad = await attempt('soon', '12:00');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ field: 'result' });

    const mine = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/drills`, as: world.sessions.participant })).json();
    expect(mine.attempts).toHaveLength(3);
    expect(mine.bests).toEqual([expect.objectContaining({ timeS: 272.5, passed: true })]);

    const made = await client.request({ method: 'POST', url: '/api/drills', as: trainer, payload: { name: 'Stretcher carry 1 km', standard: '12:30' } });
    expect(made.json()).toMatchObject({ standardS: 750, standard: '12:30' });
  });

  it('ranks a unit, leaving off the names of those who opted out, and shows a participant only their own unit', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const trainer = world.sessions.trainer;
    const drill = await drillNamed(client, trainer, 'Weapon strip and assemble');
    const shy = await participantSession(database(), world.platoon.id);
    const keen = await participantSession(database(), world.platoon.id);
    const times: [number, string][] = [
      [world.ownParticipantId, '1:50'],
      [shy.personId, '1:30'],
      [keen.personId, '1:50'],
    ];
    for (const [personId, result] of times) {
      expect((await client.request({ method: 'POST', url: `/api/drills/${drill}/attempts`, as: trainer, payload: { personId, date: '2026-11-02', time: '09:00', result } })).statusCode).toBe(201);
    }
    expect((await client.request({ method: 'PUT', url: '/api/me/leaderboards', as: shy, payload: { optOut: true } })).json()).toEqual({ optOut: true });

    const board = (as: Session, unitId = world.platoon.id) => client.request({ method: 'GET', url: `/api/units/${unitId}/drills/${drill}/leaderboard`, as });
    const seenByKeen = (await board(keen)).json().entries;
    expect(seenByKeen.map((e: { rank: number; person: { id: number } | null; you: boolean }) => [e.rank, e.person?.id ?? null, e.you])).toEqual([
      [1, null, false],
      [2, world.ownParticipantId, false],
      [2, keen.personId, true],
    ]);
    expect(seenByKeen[0]).toMatchObject({ time: '1:30', passed: true, date: '2026-11-02' });
    const seenByShy = (await board(shy)).json().entries;
    expect(seenByShy[0]).toMatchObject({ person: { id: shy.personId }, you: true });
    expect((await board(world.sessions.participant, world.otherPlatoon.id)).statusCode).toBe(404);
    expect((await board(world.sessions.investigator)).json().entries[0].person).toBeNull();
    // Not even their own trainer sees the name: a leaderboard names an opted-out participant to themselves only (docs/training.md).
    expect((await board(trainer)).json().entries[0]).toMatchObject({ person: null, time: '1:30' });

    const log = (await client.request({ method: 'GET', url: '/api/me/access-log', as: keen })).json().entries;
    const whats = (entries: { reads: { what: string; count: number }[] }[]) => entries.flatMap((e) => e.reads.map((r) => r.what));
    expect(whats(log)).toContain('leaderboard Weapon strip and assemble');
    expect(whats((await client.request({ method: 'GET', url: '/api/me/access-log', as: shy })).json().entries)).not.toContain('leaderboard Weapon strip and assemble');
  });

  it('records grip, jump and 1RM tests by their protocols and reports the best per side', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const trainer = world.sessions.trainer;
    const protocols = (await client.request({ method: 'GET', url: '/api/strength-protocols', as: world.sessions.participant })).json().protocols as { id: number; key: string; protocol: string }[];
    const id = (key: string) => protocols.find((p) => p.key === key)!.id;
    expect(protocols.find((p) => p.key === 'grip')!.protocol).toMatch(/three .* per hand/);
    const test = (payload: object) => client.request({ method: 'POST', url: '/api/strength-tests', as: trainer, payload: { personId: world.ownParticipantId, date: '2026-11-03', time: '08:00', ...payload } });

    const grip = await test({
      protocolId: id('grip'),
      trials: [
        { side: 'left', value: 44 },
        { side: 'right', value: 51 },
        { side: 'left', value: 47.5 },
        { side: 'right', value: 50 },
        { side: 'left', value: 46 },
        { side: 'right', value: 52.5 },
      ],
    });
    expect(grip.statusCode, grip.body).toBe(201);
    expect(grip.json().results).toEqual([
      { side: 'left', best: 47.5, unit: 'kg' },
      { side: 'right', best: 52.5, unit: 'kg' },
    ]);
    const fourth = await test({ protocolId: id('grip'), trials: [1, 2, 3, 4].map((value) => ({ side: 'left', value })) });
    expect(fourth.json().error).toMatchObject({ field: 'trials', message: expect.stringMatching(/at most 3 trials per hand/) });
    expect((await test({ protocolId: id('grip'), trials: [{ value: 40 }] })).json().error.field).toBe('trials.0.side');
    expect((await test({ protocolId: id('cmj'), trials: [{ side: 'left', value: 40 }] })).json().error.field).toBe('trials.0.side');

    const jump = await test({ protocolId: id('cmj'), trials: [{ value: 41.2 }, { value: 43.8 }, { value: 42 }] });
    expect(jump.json().results).toEqual([{ side: 'both', best: 43.8, unit: 'cm' }]);

    const deadlift = await exerciseId(client, trainer, 'Deadlift');
    expect((await test({ protocolId: id('one-rm'), trials: [{ value: 100 }] })).json().error.field).toBe('exerciseId');
    const oneRm = await test({ protocolId: id('one-rm'), exerciseId: deadlift, loadUnit: 'lb', trials: [{ value: 315 }, { value: 365 }, { value: 405, success: false }] });
    expect(oneRm.statusCode, oneRm.body).toBe(201);
    // The trainer sees kg: 365 lb x 0.45359237 = 165.56121505 kg; the missed 405 lb does not count.
    expect(oneRm.json().results).toEqual([{ side: 'both', best: 165.56, unit: 'kg' }]);
    expect(oneRm.json().trials[1].load).toEqual({ value: 165.56, unit: 'kg', kg: 165.56121505, enteredUnit: 'lb' });
    await client.request({ method: 'PUT', url: '/api/me/training-preferences', as: world.sessions.participant, payload: { loadUnit: 'lb' } });
    const own = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/strength-tests`, as: world.sessions.participant })).json().tests;
    expect(own.find((t: { protocol: { key: string } }) => t.protocol.key === 'one-rm').results).toEqual([{ side: 'both', best: 365, unit: 'lb' }]);
    expect((await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}/strength-tests`, as: world.sessions.participant })).statusCode).toBe(404);
  });
});
