import { expect, it } from 'vitest';
import { setPassword } from '../auth/store.ts';
import { makePerson } from '../roster/testing.ts';
import { setUnitStaff } from '../roster/store.ts';
import { systemActor, type Role } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { describeEachDatabase, type TestDatabase } from '../server/test-databases.ts';
import { makeWorld, startTestApp, type Client, type Session, type World } from '../server/testing.ts';
import { makeProtocol } from './testing.ts';
import type { Protocol } from './protocol.ts';
import { verifyRandomisation } from './verification.ts';

// An arm label as a JSON string value (the trial code WHEY-01 is not one).
const armLabels = /"(whey|placebo)"/i;

interface Setup {
  client: Client;
  world: World;
  as: (role: Role) => Session;
  /** POST/PUT/GET as a role, answering status and JSON. */
  call: (role: Role, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => Promise<{ status: number; body: ReturnType<typeof JSON.parse> }>;
}

async function setUp(database: TestDatabase): Promise<Setup> {
  const client = await startTestApp(database);
  const world = await makeWorld(database);
  const as = (role: Role) => world.sessions[role];
  const call: Setup['call'] = async (role, method, url, payload) => {
    const response = await client.request({ method, url, payload, as: as(role) });
    return { status: response.statusCode, body: response.json() };
  };
  return { client, world, as, call };
}

/** WHEY-01 created, a consent document, locked: recruiting. */
async function recruitingTrial({ call }: Setup, overrides: Partial<Protocol> = {}) {
  expect((await call('investigator', 'POST', '/api/trials', makeProtocol(overrides))).status).toBe(201);
  expect((await call('investigator', 'POST', '/api/trials/WHEY-01/consent-documents', { title: 'Whey trial consent', body: 'You may withdraw at any time.' })).status).toBe(201);
  const locked = await call('investigator', 'POST', '/api/trials/WHEY-01/lock', { reason: 'ethics approval received' });
  expect(locked.status, JSON.stringify(locked.body)).toBe(200);
  return locked.body;
}

/** A new participant of the platoon, consented on paper by the assessor and screened eligible. */
async function eligibleParticipant(setup: Setup): Promise<number> {
  const person = await makePerson(setup.client.app.muster.db, { unitId: setup.world.platoon.id });
  const consent = await setup.call('assessor', 'POST', `/api/trials/WHEY-01/participants/${person.id}/consent`, { documentVersion: 1, decision: 'given', reason: 'paper form signed at the briefing' });
  expect(consent.status, JSON.stringify(consent.body)).toBe(201);
  const screening = await setup.call('investigator', 'POST', `/api/trials/WHEY-01/participants/${person.id}/screening`, { answers: { I1: true, E1: false } });
  expect(screening.body.eligible).toBe(true);
  return person.id;
}

describeEachDatabase('the trial core', (database) => {
  it('drafts, edits, locks with the seed committed, and keeps the seed from everyone until unblinding', async () => {
    const setup = await setUp(database());
    const { call } = setup;
    const bad = await call('investigator', 'POST', '/api/trials', { ...makeProtocol(), controlArm: 'water' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('controlArm');

    const created = await call('investigator', 'POST', '/api/trials', makeProtocol());
    expect(created.body).toMatchObject({ code: 'WHEY-01', status: 'draft', version: 1, seedCommitment: null, seed: null });
    const edited = await call('investigator', 'PUT', '/api/trials/WHEY-01/protocol', { protocol: makeProtocol({ title: 'Whey vs placebo, 12 weeks' }), reason: 'title agreed with ethics' });
    expect(edited.body).toMatchObject({ title: 'Whey vs placebo, 12 weeks', version: 1 });
    expect(edited.body.sha256).not.toBe(created.body.sha256);
    expect((await call('investigator', 'POST', '/api/trials/WHEY-01/amendments', { protocol: makeProtocol(), reason: 'x' })).status).toBe(409);

    const locked = await call('investigator', 'POST', '/api/trials/WHEY-01/lock', { reason: 'ethics approval received' });
    expect(locked.body).toMatchObject({ status: 'recruiting', sha256: edited.body.sha256, seed: null });
    expect(locked.body.seedCommitment).toMatch(/^[0-9a-f]{64}$/);
    expect((await call('investigator', 'POST', '/api/trials/WHEY-01/lock', { reason: 'again' })).status).toBe(409);
    expect((await call('investigator', 'PUT', '/api/trials/WHEY-01/protocol', { protocol: makeProtocol(), reason: 'too late' })).status).toBe(409);
    const event = await database().db.selectFrom('audit_event').select(['after_json', 'reason']).where('action', '=', 'trial.lock').executeTakeFirstOrThrow();
    expect(event.reason).toBe('ethics approval received');
    expect(event.after_json).toContain(locked.body.seedCommitment);

    const list = await call('monitor', 'GET', '/api/trials');
    expect(list.body.trials).toEqual([{ code: 'WHEY-01', title: 'Whey vs placebo, 12 weeks', status: 'recruiting' }]);
    for (const role of ['investigator', 'statistician', 'participant'] as const) expect((await call(role, 'GET', '/api/trials/WHEY-01')).body.seed).toBeNull();

    const report = await call('statistician', 'GET', '/api/trials/WHEY-01/design-report?runs=20&participants=40');
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body.protocol.correctGuesses).toBeGreaterThan(0);

    expect((await call('statistician', 'POST', '/api/trials/WHEY-01/unblind', { reason: 'early' })).status).toBe(409);
    expect((await call('investigator', 'POST', '/api/trials/WHEY-01/close', { reason: 'recruitment complete' })).body.status).toBe('closed');
    const unblinded = await call('statistician', 'POST', '/api/trials/WHEY-01/unblind', { reason: 'database locked' });
    expect(unblinded.body.status).toBe('unblinded');
    expect(unblinded.body.seed).toMatch(/^[0-9a-f]{64}$/);
    expect((await call('participant', 'GET', '/api/trials/WHEY-01')).body.seed).toBe(unblinded.body.seed);
    expect((await call('monitor', 'GET', '/api/trials/WHEY-01/versions')).body.versions).toHaveLength(1);
  });

  it('refuses consent recorded by anyone in the participant\'s chain of command', async () => {
    const setup = await setUp(database());
    const { call, world } = setup;
    await recruitingTrial(setup);
    const company = (await database().db.selectFrom('unit').select('parent_id').where('id', '=', world.platoon.id).executeTakeFirstOrThrow()).parent_id!;
    await write(database().db, systemActor('test'), (w) => setUnitStaff(w, company, { commanderId: world.sessions.investigator.personId }));
    const url = `/api/trials/WHEY-01/participants/${world.ownParticipantId}/consent`;
    const form = { documentVersion: 1, decision: 'given', reason: 'paper form' };

    const byTrainer = await call('trainer', 'POST', url, form);
    expect(byTrainer.status).toBe(403);
    expect(byTrainer.body.error.message).toMatch(/trainer .*chain of command/);
    const byCommander = await call('investigator', 'POST', url, form);
    expect(byCommander.status).toBe(403);
    expect(byCommander.body.error.message).toMatch(/commander .*chain of command/);
    expect(await database().db.selectFrom('trial_consent').selectAll().execute()).toEqual([]);

    expect((await call('assessor', 'POST', url, form)).status).toBe(201);
    const own = await call('participant', 'PUT', '/api/me/trials/WHEY-01/consent', { documentVersion: 1, decision: 'refused' });
    expect(own.body).toMatchObject({ decision: 'refused' });
    expect((await call('participant', 'PUT', '/api/me/trials/WHEY-01/consent', { documentVersion: 9, decision: 'given' })).body.error.field).toBe('documentVersion');
  });

  it('randomises only the consented, eligible and not yet allocated, each refusal a clear 4xx', async () => {
    const setup = await setUp(database());
    const { call, world } = setup;
    await recruitingTrial(setup);
    const randomise = (id: number) => call('investigator', 'POST', `/api/trials/WHEY-01/participants/${id}/randomise`, {});

    const noConsent = await randomise(world.ownParticipantId);
    expect(noConsent.status).toBe(409);
    expect(noConsent.body.error.message).toMatch(/has not given consent/);

    await call('participant', 'PUT', '/api/me/trials/WHEY-01/consent', { documentVersion: 1, decision: 'given' });
    expect((await randomise(world.ownParticipantId)).body.error.message).toMatch(/has not been screened/);
    const failed = await call('investigator', 'POST', `/api/trials/WHEY-01/participants/${world.ownParticipantId}/screening`, { answers: { I1: true, E1: true } });
    expect(failed.body).toMatchObject({ eligible: false, reason: expect.stringMatching(/exclusion E1 applies/) });
    const notEligible = await randomise(world.ownParticipantId);
    expect(notEligible.status).toBe(409);
    expect(notEligible.body.error.message).toMatch(/not eligible.*E1/);
    const missing = await call('investigator', 'POST', `/api/trials/WHEY-01/participants/${world.otherParticipantId}/screening`, { answers: { I1: true } });
    expect(missing.body.error.field).toBe('answers.E1');

    const id = await eligibleParticipant(setup);
    const first = await randomise(id);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ sequence: 0, kitCode: expect.stringMatching(/^K-[A-Z2-9]{6}$/) });
    expect(first.body.arm).toBeUndefined();
    const twice = await randomise(id);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/already randomised/);
    const event = await database().db.selectFrom('audit_event').select(['after_json']).where('action', '=', 'trial.randomise').executeTakeFirstOrThrow();
    expect(event.after_json).toContain(first.body.kitCode);
    expect(event.after_json).not.toMatch(armLabels);
  });

  it('gives 20 simultaneous enrolments 20 distinct slots that verify', async () => {
    const setup = await setUp(database());
    await recruitingTrial(setup);
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(await eligibleParticipant(setup));
    const answers = await Promise.all(ids.map((id) => setup.call('investigator', 'POST', `/api/trials/WHEY-01/participants/${id}/randomise`, { reason: 'enrolment day' })));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 201));
    expect(answers.map((a) => a.body.sequence).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(new Set(answers.map((a) => a.body.kitCode)).size).toBe(20);
    expect(await verifyRandomisation(database().db, 'WHEY-01')).toMatchObject({ ok: true, count: 20 });
  });

  it('shows arms to the statistician only; every blinded role sees kit codes', async () => {
    const setup = await setUp(database());
    const { call, world } = setup;
    await recruitingTrial(setup);
    const ids = [world.ownParticipantId];
    await call('participant', 'PUT', '/api/me/trials/WHEY-01/consent', { documentVersion: 1, decision: 'given' });
    await call('investigator', 'POST', `/api/trials/WHEY-01/participants/${world.ownParticipantId}/screening`, { answers: { I1: true, E1: false } });
    ids.push(await eligibleParticipant(setup), await eligibleParticipant(setup));
    for (const id of ids) {
      const answer = await call('investigator', 'POST', `/api/trials/WHEY-01/participants/${id}/randomise`, {});
      expect(JSON.stringify(answer.body)).not.toMatch(armLabels);
    }
    for (const role of ['investigator', 'monitor', 'trainer', 'assessor'] as const) {
      const list = await call(role, 'GET', '/api/trials/WHEY-01/allocations');
      expect(list.status).toBe(200);
      expect(list.body.allocations.length, role).toBe(3);
      expect(JSON.stringify(list.body), role).not.toMatch(armLabels);
    }
    expect((await call('participant', 'GET', '/api/trials/WHEY-01/allocations')).status).toBe(403);
    const statistician = await call('statistician', 'GET', '/api/trials/WHEY-01/allocations');
    expect(statistician.body.allocations.map((a: { arm: string }) => a.arm).every((arm: string) => ['whey', 'placebo'].includes(arm))).toBe(true);
  });

  it('breaks the code for one participant after re-authentication, records no arm and tells the investigators', async () => {
    const setup = await setUp(database());
    const { call, world } = setup;
    await recruitingTrial(setup);
    const id = await eligibleParticipant(setup);
    await call('investigator', 'POST', `/api/trials/WHEY-01/participants/${id}/randomise`, {});
    const db = database().db;
    const account = await db.selectFrom('account').select('id').where('person_id', '=', world.sessions.investigator.personId).executeTakeFirstOrThrow();
    await write(db, systemActor('test'), (w) => setPassword(w, account.id, 'correct horse battery'));
    const url = `/api/trials/WHEY-01/participants/${id}/code-break`;

    const wrong = await call('investigator', 'POST', url, { password: 'not my password', reason: 'anaphylaxis in A&E' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.field).toBe('password');
    expect(await db.selectFrom('code_break').selectAll().execute()).toEqual([]);

    const broken = await call('investigator', 'POST', url, { password: 'correct horse battery', reason: 'anaphylaxis in A&E' });
    expect(broken.status, JSON.stringify(broken.body)).toBe(200);
    expect(['whey', 'placebo']).toContain(broken.body.arm);
    const row = await db.selectFrom('code_break').selectAll().executeTakeFirstOrThrow();
    expect(row.reason).toBe('anaphylaxis in A&E');
    const events = await db.selectFrom('audit_event').select(['action', 'after_json']).where('action', 'in', ['trial.code-break', 'inbox.notify']).execute();
    expect(events.map((e) => e.action).sort()).toEqual(['inbox.notify', 'trial.code-break']);
    for (const e of events) expect(e.after_json).not.toMatch(armLabels);
    const messages = await db.selectFrom('notification').select(['person_id', 'body']).execute();
    expect(messages.map((m) => m.person_id)).toContain(world.sessions.investigator.personId);
    for (const m of messages) expect(m.body).not.toMatch(/\b(whey|placebo)\b/i);
  });

  it('amends with new versions; after the first randomisation not arms, randomisation, factors or blinding', async () => {
    const setup = await setUp(database());
    const { call } = setup;
    await recruitingTrial(setup);
    const amend = (protocol: Protocol, reason = 'amendment') => call('investigator', 'POST', '/api/trials/WHEY-01/amendments', { protocol, reason });
    const before = await amend(makeProtocol({ blinding: 'single' }), 'ethics asked for single blinding');
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    expect(before.body.version).toBe(2);

    const id = await eligibleParticipant(setup);
    await call('investigator', 'POST', `/api/trials/WHEY-01/participants/${id}/randomise`, {});
    const refused = await amend(makeProtocol({ blinding: 'double', stratificationFactors: ['unit'] }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/may not change stratificationFactors, blinding/);
    const visits = makeProtocol().visits.map((visit) => (visit.name === 'week 12' ? { ...visit, windowAfter: 10 } : visit));
    const allowed = await amend(makeProtocol({ blinding: 'single', visits }), 'a wider week-12 window');
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(201);
    const versions = await call('investigator', 'GET', '/api/trials/WHEY-01/versions');
    expect(versions.body.versions.map((v: { version: number; reason: string }) => `${v.version}: ${v.reason}`)).toEqual(['1: first draft', '2: ethics asked for single blinding', '3: a wider week-12 window']);
    expect(await verifyRandomisation(database().db, 'WHEY-01')).toMatchObject({ ok: true, count: 1 });
  });
});
