import { expect, it } from 'vitest';
import { makeWorld, startTestApp } from '../server/testing.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { heldSession, rate } from './testing.ts';

const now = () => new Date('2026-11-26T12:00:00Z');

describeEachDatabase("a person's attendance", (database) => {
  it('lists the sessions they were recorded at, newest first, with each load or why it has none; only to those who may see them', async () => {
    const client = await startTestApp(database(), now);
    const world = await makeWorld(database());
    const trainer = world.sessions.trainer;
    const person = world.ownParticipantId;
    const early = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-10', time: '07:00', minutes: 50 });
    const late = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-20', time: '07:00', minutes: 40 });
    const missed = await heldSession(client, trainer, { unitId: world.platoon.id, date: '2026-11-24', time: '07:00', minutes: 40 });
    await rate(client, trainer, early.id, person, 6);
    await client.request({ method: 'PUT', url: `/api/training/sessions/${late.id}/attendance/${person}`, as: trainer, payload: { status: 'present' } });
    await client.request({ method: 'PUT', url: `/api/training/sessions/${missed.id}/attendance/${person}`, as: trainer, payload: { status: 'absent' } });

    const answer = await client.request({ method: 'GET', url: `/api/people/${person}/training/attendance`, as: trainer });
    expect(answer.statusCode, answer.body).toBe(200);
    const body = answer.json() as { counts: { recorded: number; present: number }; sessions: { session: { id: number }; status: string; load: number | null; loadMissing: string | null }[] };
    expect(body.counts).toEqual({ recorded: 3, present: 2 });
    expect(body.sessions.map((s) => [s.session.id, s.status, s.load, s.loadMissing])).toEqual([
      [missed.id, 'absent', null, null],
      [late.id, 'present', null, 'no session RPE recorded'],
      [early.id, 'present', 300, null],
    ]);
    // A range that leaves the first session out.
    const range = (await client.request({ method: 'GET', url: `/api/people/${person}/training/attendance?from=2026-11-15&to=2026-11-26`, as: trainer })).json();
    expect(range.counts).toEqual({ recorded: 2, present: 1 });
    // The participant sees their own; another participant does not.
    expect((await client.request({ method: 'GET', url: `/api/people/${person}/training/attendance`, as: world.sessions.participant })).statusCode).toBe(200);
    const others = await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}/training/attendance`, as: world.sessions.participant });
    expect([403, 404]).toContain(others.statusCode);
  });
});
