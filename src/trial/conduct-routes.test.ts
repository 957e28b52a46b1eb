import { beforeEach, expect, it } from 'vitest';
import type { Role } from '../shared/actor.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { makeWorld, startTestApp, type Client, type World } from '../server/testing.ts';
import { allocate, assessAt, consent, makeRecruitingTrial, screen } from './conduct-testing.ts';
import { makeProtocol } from './testing.ts';
import type { TrialView } from './trials.ts';

// 20 March 2026, midday in London (the test units' zone): participants were randomised on 1 March.
const now = new Date('2026-03-20T12:00:00Z');
const randomisedAt = '2026-03-01T09:00:00.000Z';
const blindedRoles: Role[] = ['admin', 'investigator', 'trainer', 'assessor', 'monitor', 'participant'];
// Arm labels no other word of an answer contains, so finding one anywhere is a leak.
const arms = [
  { label: 'zephyr', description: 'the supplement', ratio: 1 },
  { label: 'quokka', description: 'the look-alike', ratio: 1 },
];
const armLabel = /zephyr|quokka/i;
const protocol = { title: 'Supplement trial', arms, controlArm: 'quokka', decisionRule: { ...makeProtocol().decisionRule, arm: 'zephyr' } };

const auditLength = async (db: Db) => (await db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq;
const count = async (db: Db, table: 'trial_dispensing' | 'trial_dose' | 'adverse_event' | 'protocol_deviation' | 'trial_withdrawal' | 'notification') =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describeEachDatabase('the trial conduct routes', (database) => {
  let client: Client;
  let world: World;
  let trial: TrialView;
  let db: Db;
  beforeEach(async () => {
    db = database().db;
    client = await startTestApp(database(), () => now);
    world = await makeWorld(database());
    trial = await makeRecruitingTrial(db, protocol);
    await allocate(db, trial, world.ownParticipantId, { arm: 'zephyr', kitCode: 'K-0001', randomisedAt });
    await allocate(db, trial, world.otherParticipantId, { arm: 'quokka', kitCode: 'K-0002', randomisedAt });
  });

  const as = (role: Role) => world.sessions[role];
  const dispenseKit = (personId: number, body: Record<string, unknown> = {}, role: Role = 'assessor') =>
    client.request({ method: 'POST', url: `/api/trials/WHEY-01/participants/${personId}/dispensings`, payload: { lot: 'L-7', expiry: '2026-09-30', doses: 90, dispensedOn: '2026-03-02', ...body }, as: as(role) });
  const logOwnDose = (date: string) => client.request({ method: 'PUT', url: `/api/me/trials/WHEY-01/doses/${date}`, as: as('participant') });

  /** Runs a request that must be refused and checks it wrote nothing. */
  const refused = async (request: () => Promise<{ statusCode: number; json(): { error: { field?: string; message: string } } }>, status: number) => {
    const before = await auditLength(db);
    const response = await request();
    expect(response.statusCode, JSON.stringify(response.json())).toBe(status);
    expect(await auditLength(db)).toBe(before);
    return response.json().error;
  };

  it('dispenses the allocated kit, and refuses an unallocated person, a bad expiry and an expired kit', async () => {
    const response = await dispenseKit(world.ownParticipantId);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ personId: world.ownParticipantId, kitCode: 'K-0001', lot: 'L-7', expiry: '2026-09-30', doses: 90, dispensedOn: '2026-03-02' });
    expect(response.body).not.toMatch(armLabel);

    expect(await refused(() => dispenseKit(as('trainer').personId), 409)).toMatchObject({ field: 'id' });
    expect(await refused(() => dispenseKit(world.ownParticipantId, { expiry: '2026-03-02' }), 400)).toMatchObject({ field: 'expiry' });
    expect(await refused(() => dispenseKit(world.ownParticipantId, { expiry: '2026-03-10' }), 400)).toMatchObject({ field: 'expiry', message: expect.stringMatching(/expired on 2026-03-10/) });
    expect(await refused(() => dispenseKit(world.ownParticipantId, { dispensedOn: '2026-03-21' }), 400)).toMatchObject({ field: 'dispensedOn' });
    expect(await refused(() => dispenseKit(world.ownParticipantId, { dispensedOn: '2026-02-28' }), 400)).toMatchObject({ field: 'dispensedOn' });
    expect(await count(db, 'trial_dispensing')).toBe(1);
  });

  it("logs the participant's own dose once a day, within their trial days", async () => {
    const first = await logOwnDose('2026-03-19');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ created: true, dose: { date: '2026-03-19', source: 'self', kitCode: 'K-0001' } });
    const before = await auditLength(db);
    const again = await logOwnDose('2026-03-19');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, dose: { date: '2026-03-19', source: 'self', recordedAt: first.json().dose.recordedAt } });
    expect(await auditLength(db)).toBe(before);
    expect(await count(db, 'trial_dose')).toBe(1);

    expect(await refused(() => logOwnDose('2026-03-21'), 400)).toMatchObject({ field: 'date', message: expect.stringMatching(/future/) });
    expect(await refused(() => logOwnDose('2026-02-28'), 400)).toMatchObject({ field: 'date', message: expect.stringMatching(/before randomisation/) });
    expect(await refused(() => logOwnDose('19-03-2026'), 400)).toMatchObject({ field: 'date' });
  });

  it("records supervised doses for the trainer's own people only, and answers a dose already logged", async () => {
    await logOwnDose('2026-03-18');
    const response = await client.request({ method: 'POST', url: '/api/trials/WHEY-01/doses', payload: { personIds: [world.ownParticipantId], date: '2026-03-18' }, as: as('trainer') });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().doses).toEqual([expect.objectContaining({ created: false, dose: expect.objectContaining({ source: 'self' }) })]);
    const fresh = await client.request({ method: 'POST', url: '/api/trials/WHEY-01/doses', payload: { personIds: [world.ownParticipantId], date: '2026-03-19' }, as: as('trainer') });
    expect(fresh.statusCode).toBe(201);
    expect(fresh.json().doses[0]).toMatchObject({ created: true, dose: { source: 'supervised', date: '2026-03-19' } });

    const outside = () => client.request({ method: 'POST', url: '/api/trials/WHEY-01/doses', payload: { personIds: [world.ownParticipantId, world.otherParticipantId], date: '2026-03-17' }, as: as('trainer') });
    expect((await refused(outside, 404)).message).toMatch(/not found/);
    expect(await count(db, 'trial_dose')).toBe(2);
  });

  it('answers adherence per participant and pooled to the blinded, per arm to those who see arms', async () => {
    await dispenseKit(world.ownParticipantId, { dispensedOn: '2026-03-10' });
    for (const date of ['2026-03-10', '2026-03-11', '2026-03-12', '2026-03-14']) await logOwnDose(date);

    const blinded = await client.request({ method: 'GET', url: '/api/trials/WHEY-01/adherence', as: as('investigator') });
    expect(blinded.statusCode, blinded.body).toBe(200);
    expect(blinded.body).not.toMatch(armLabel);
    const body = blinded.json();
    expect(body.arms).toBeUndefined();
    // 10 to 19 March: 10 doses expected, 4 taken; the other participant has no kit yet.
    expect(body.participants).toEqual([
      expect.objectContaining({ kitCode: 'K-0001', dispensedOn: '2026-03-10', expected: 10, taken: 4, missed: 6, adherence: 0.4 }),
      expect.objectContaining({ kitCode: 'K-0002', dispensedOn: null, expected: 0, adherence: null }),
    ]);
    expect(body.pooled).toMatchObject({ participants: 2, expected: 10, taken: 4 });

    const trainer = (await client.request({ method: 'GET', url: '/api/trials/WHEY-01/adherence', as: as('trainer') })).json();
    expect(trainer.participants.map((p: { kitCode: string }) => p.kitCode)).toEqual(['K-0001']);

    const statistician = (await client.request({ method: 'GET', url: '/api/trials/WHEY-01/adherence', as: as('statistician') })).json();
    expect(statistician.participants[0].arm).toBe('zephyr');
    expect(statistician.arms).toEqual([expect.objectContaining({ arm: 'zephyr', participants: 1, taken: 4 }), expect.objectContaining({ arm: 'quokka', participants: 1, expected: 0 })]);
  });

  it('reports adverse events; a serious one notifies every investigator in the same transaction', async () => {
    const report = (body: Record<string, unknown>, role: Role = 'assessor') =>
      client.request({
        method: 'POST',
        url: '/api/trials/WHEY-01/adverse-events',
        payload: { personId: world.ownParticipantId, description: 'Bloating', onset: '2026-03-15', severity: 1, serious: false, relatedness: 'possibly', outcome: 'recovered', ...body },
        as: as(role),
      });
    const mild = await report({});
    expect(mild.statusCode, mild.body).toBe(201);
    expect(mild.json()).toMatchObject({ kitCode: 'K-0001', severity: 1, serious: false });
    expect(mild.json().arm).toBeUndefined();
    expect(await count(db, 'notification')).toBe(0);

    const serious = await report({ description: 'Anaphylaxis', severity: 4, serious: true, relatedness: 'probably', outcome: 'recovering' });
    expect(serious.statusCode, serious.body).toBe(201);
    const inbox = await db.selectFrom('notification').selectAll().execute();
    expect(inbox.map((n) => n.person_id)).toEqual([as('investigator').personId]);
    expect(inbox[0]).toMatchObject({ kind: 'trial.serious-adverse-event', subject: 'Serious adverse event in WHEY-01: kit K-0001' });
    expect(inbox[0].body).not.toMatch(armLabel);
    const investigatorInbox = await client.request({ method: 'GET', url: '/api/me/inbox', as: as('investigator') });
    expect(investigatorInbox.body).toMatch(/Anaphylaxis/);

    expect(await refused(() => report({ severity: 6 }), 400)).toMatchObject({ field: 'severity' });
    expect(await refused(() => report({ onset: '2026-03-21' }), 400)).toMatchObject({ field: 'onset' });
    expect(await refused(() => report({ personId: world.otherParticipantId }, 'trainer'), 404)).toBeDefined();
    expect(await count(db, 'adverse_event')).toBe(2);

    const list = await client.request({ method: 'GET', url: '/api/trials/WHEY-01/adverse-events', as: as('monitor') });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toMatch(armLabel);
    expect(list.json().pooled).toEqual({ events: 2, serious: 1, participants: 1 });
    const unblinded = (await client.request({ method: 'GET', url: '/api/trials/WHEY-01/adverse-events', as: as('statistician') })).json();
    expect(unblinded.arms).toEqual([
      { arm: 'zephyr', events: 2, serious: 1, participants: 1 },
      { arm: 'quokka', events: 0, serious: 0, participants: 0 },
    ]);
  });

  it('records deviations by hand and finds those in the record once', async () => {
    const byHand = await client.request({
      method: 'POST',
      url: '/api/trials/WHEY-01/deviations',
      payload: { personId: world.ownParticipantId, kind: 'wrong kit', description: 'Given the kit of another participant for a day', occurredOn: '2026-03-05', reason: 'seen at the weekly check' },
      as: as('investigator'),
    });
    expect(byHand.statusCode, byHand.body).toBe(201);
    expect(byHand.json()).toMatchObject({ kind: 'wrong kit', detected: false, person: { id: world.ownParticipantId, kitCode: 'K-0001' } });
    expect(await refused(() => client.request({ method: 'POST', url: '/api/trials/WHEY-01/deviations', payload: { kind: 'x', description: 'y', occurredOn: '2026-03-05' }, as: as('investigator') }), 400)).toMatchObject({ field: 'reason' });

    // Baseline is due on 1 March with no window: an assessment on 3 March is 2 days late.
    await assessAt(db, world.ownParticipantId, '2026-03-03T10:00:00.000Z');
    await assessAt(db, world.otherParticipantId, '2026-03-01T10:00:00.000Z');
    // 14 doses expected from 6 March and none taken: below 80%.
    await dispenseKit(world.otherParticipantId, { dispensedOn: '2026-03-06' });

    const listed = await client.request({ method: 'GET', url: '/api/trials/WHEY-01/deviations', as: as('monitor') });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.body).not.toMatch(armLabel);
    const detected = listed.json().deviations.filter((d: { detected: boolean }) => d.detected);
    expect(detected).toEqual([
      expect.objectContaining({ kind: 'missed-doses', occurredOn: '2026-03-20', person: expect.objectContaining({ kitCode: 'K-0002' }), description: '14 of 14 doses missed (0 taken), more than the 2 allowed', recordedBy: 'system:deviation detection' }),
      expect.objectContaining({ kind: 'visit-window', occurredOn: '2026-03-03', person: expect.objectContaining({ kitCode: 'K-0001' }), description: 'baseline assessed on 2026-03-03, 2 day(s) after its window 2026-03-01 to 2026-03-01' }),
    ]);
    const before = await auditLength(db);
    await client.request({ method: 'GET', url: '/api/trials/WHEY-01/deviations', as: as('investigator') });
    expect(await auditLength(db)).toBe(before);
    expect(await count(db, 'protocol_deviation')).toBe(3);
  });

  it('lets the participant withdraw once, stops their dosing, and lets staff record loss to follow-up', async () => {
    const withdraw = () => client.request({ method: 'POST', url: '/api/me/trials/WHEY-01/withdraw', payload: { reason: 'posted abroad', dataMayBeUsed: true }, as: as('participant') });
    const response = await withdraw();
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ kind: 'withdrew', reason: 'posted abroad', dataMayBeUsed: true, withdrawnOn: '2026-03-20' });
    expect(await refused(withdraw, 409)).toBeDefined();
    expect(await refused(() => logOwnDose('2026-03-20'), 409)).toBeDefined();

    const lost = await client.request({
      method: 'POST',
      url: `/api/trials/WHEY-01/participants/${world.otherParticipantId}/withdrawal`,
      payload: { kind: 'lost-to-follow-up', reason: 'no answer to three calls', dataMayBeUsed: true },
      as: as('investigator'),
    });
    expect(lost.statusCode, lost.body).toBe(201);
    expect(
      await refused(
        () => client.request({ method: 'POST', url: `/api/trials/WHEY-01/participants/${as('assessor').personId}/withdrawal`, payload: { kind: 'discontinued', reason: 'x', dataMayBeUsed: false }, as: as('investigator') }),
        409,
      ),
    ).toMatchObject({ field: 'id' });
    expect(await refused(() => client.request({ method: 'POST', url: '/api/me/trials/WHEY-01/withdraw', payload: { reason: 'x', dataMayBeUsed: true }, as: as('trainer') }), 403)).toBeDefined();
    expect(await count(db, 'trial_withdrawal')).toBe(2);
    // Adherence names the day each left (a trainer's supervised-dose list leaves them out).
    const adherence = (await client.request({ method: 'GET', url: '/api/trials/WHEY-01/adherence', as: as('investigator') })).json().participants as { person: { id: number }; withdrawnOn: string | null }[];
    expect(adherence.map((p) => p.withdrawnOn)).toEqual(adherence.map((p) => ([as('participant').personId, world.otherParticipantId].includes(p.person.id) ? '2026-03-20' : null)));
  });

  it('draws CONSORT from the record, pooled for the blinded, per arm for those who see arms, as JSON and SVG', async () => {
    const extra = world.sessions.assessor.personId;
    await screen(db, trial, extra, false, 'E1: milk protein allergy');
    await consent(db, trial, as('monitor').personId, 'refused');
    await dispenseKit(world.ownParticipantId);
    await assessAt(db, world.ownParticipantId, '2026-05-24T10:00:00.000Z');
    await client.request({ method: 'POST', url: `/api/trials/WHEY-01/participants/${world.otherParticipantId}/withdrawal`, payload: { kind: 'discontinued', reason: 'nausea', dataMayBeUsed: true }, as: as('investigator') });

    const blinded = await client.request({ method: 'GET', url: '/api/trials/WHEY-01/consort', as: as('monitor') });
    expect(blinded.statusCode, blinded.body).toBe(200);
    expect(blinded.body).not.toMatch(armLabel);
    expect(blinded.json()).toMatchObject({
      assessed: 4,
      excluded: { total: 2, reasons: { notMeetingCriteria: 1, declinedToParticipate: 1, otherReasons: 0 } },
      randomised: 2,
      pooled: { allocated: 2, received: 1, discontinued: 1, analysed: 1, excludedFromAnalysis: 1 },
    });
    const open = (await client.request({ method: 'GET', url: '/api/trials/WHEY-01/consort', as: as('statistician') })).json();
    expect(open.arms.map((a: { arm: string; allocated: number }) => [a.arm, a.allocated])).toEqual([
      ['zephyr', 1],
      ['quokka', 1],
    ]);
    expect(open.randomised).toBe(open.arms.reduce((sum: number, a: { allocated: number }) => sum + a.allocated, 0));

    const svg = await client.request({ method: 'GET', url: '/api/trials/WHEY-01/consort.svg', as: as('investigator') });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toMatch(/^<svg/);
    expect(svg.body).not.toMatch(armLabel);
    expect((await client.request({ method: 'GET', url: '/api/trials/WHEY-01/consort.svg', as: as('statistician') })).body).toMatch(/Allocated to zephyr/);
  });

  it("shows the participant their own trial: consent, kit without the arm, visits with windows, doses and adherence", async () => {
    await dispenseKit(world.ownParticipantId, { dispensedOn: '2026-03-16' });
    await logOwnDose('2026-03-16');
    await logOwnDose('2026-03-17');
    const response = await client.request({ method: 'GET', url: '/api/me/trials', as: as('participant') });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.body).not.toMatch(armLabel);
    const [mine] = response.json().trials;
    expect(mine).toMatchObject({
      code: 'WHEY-01',
      consent: { decision: 'given', documentVersion: 1 },
      screening: { eligible: true },
      kit: { kitCode: 'K-0001', randomisedOn: '2026-03-01' },
      doses: [
        { date: '2026-03-16', source: 'self' },
        { date: '2026-03-17', source: 'self' },
      ],
      adherence: { dispensedOn: '2026-03-16', expected: 4, taken: 2, adherence: 0.5 },
      withdrawal: null,
    });
    expect(mine.kit.arm).toBeUndefined();
    expect(mine.visits[1]).toEqual({ name: 'week 4', due: '2026-03-29', earliest: '2026-03-26', latest: '2026-04-01', assessments: ['lean_mass_kg'] });
  });

  it('never answers an arm label to a blinded role on any of its GET routes', async () => {
    await dispenseKit(world.ownParticipantId);
    await logOwnDose('2026-03-19');
    await client.request({
      method: 'POST',
      url: '/api/trials/WHEY-01/adverse-events',
      payload: { personId: world.ownParticipantId, description: 'Headache', onset: '2026-03-15', severity: 2, serious: true, relatedness: 'unlikely', outcome: 'recovered' },
      as: as('investigator'),
    });
    const routes = ['/api/trials/WHEY-01/adherence', '/api/trials/WHEY-01/adverse-events', '/api/trials/WHEY-01/deviations', '/api/trials/WHEY-01/consort', '/api/trials/WHEY-01/consort.svg', '/api/me/trials', '/api/me/inbox'];
    let answered = 0;
    for (const role of blindedRoles) {
      for (const url of routes) {
        const response = await client.request({ method: 'GET', url, as: as(role) });
        if (response.statusCode === 403) continue;
        expect(response.statusCode, `${url} as ${role}`).toBe(200);
        expect(response.body, `${url} as ${role}`).not.toMatch(armLabel);
        answered += 1;
      }
    }
    expect(answered).toBeGreaterThan(15);
  });
});
