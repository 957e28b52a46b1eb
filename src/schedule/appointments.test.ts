import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../server/test-databases.ts';
import { makeWorld, startTestApp, type Client, type Session, type World } from '../server/testing.ts';
import { allocate, makeRecruitingTrial } from '../trial/conduct-testing.ts';
import { giveBadge, makeKiosk } from './kiosk-testing.ts';

/** What a real SMTP server on loopback received: the tests read it, nothing is mocked. */
interface Received {
  to: string[];
  raw: string;
}

async function startSmtp(): Promise<{ server: SMTPServer; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.server.address() as AddressInfo).port, received };
}

describeEachDatabase('appointments and summons', (database) => {
  let now: Date;
  let client: Client;
  let world: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let london: number;

  const at = (instant: string) => (now = new Date(instant));
  const post = async (as: Session, url: string, payload?: object) => client.request({ method: 'POST', url, as, payload: payload ?? {} });
  const get = async (as: Session, url: string) => client.request({ method: 'GET', url, as });
  const inbox = async (as: Session) => (await get(as, '/api/me/inbox')).json().messages as { kind: string; subject: string; body: string }[];
  const addLocation = async (name: string, timeZone: string) => {
    const res = await post(world.sessions.admin, '/api/locations', { name, timeZone, directions: 'Building 4, room 2' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as number;
  };
  const summon = async (payload: Record<string, unknown>) =>
    post(world.sessions.investigator, '/api/appointments', { personIds: [world.ownParticipantId], locationId: london, purpose: 'briefing', title: 'Night briefing', ...payload });

  beforeEach(async () => {
    smtp = await startSmtp();
    process.env.MUSTER_SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
    process.env.MUSTER_MAIL_FROM = 'Muster <muster@example.test>';
    at('2026-12-04T12:00:00.000Z');
    client = await startTestApp(database(), () => now);
    world = await makeWorld(database());
    // The sessions were made on the real clock; these tests move the app's clock weeks ahead.
    await database().db.updateTable('auth_session').set({ expires_at: '2099-01-01T00:00:00.000Z' }).execute();
    london = await addLocation('Gym (London)', 'Europe/London');
    for (const [role, email] of [['participant', 'jb-001@example.test'], ['trainer', 'trainer@example.test']] as const) {
      const res = await client.request({ method: 'PUT', url: '/api/me/email', as: world.sessions[role], payload: { email } });
      expect(res.statusCode, res.body).toBe(204);
    }
  });
  afterEach(async () => {
    await client.app.close();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
    delete process.env.MUSTER_SMTP_URL;
    delete process.env.MUSTER_MAIL_FROM;
  });

  it("tonight's 23:00 summons goes down the chain: ordered, relayed by the trainer, acknowledged, each step recorded; e-mail over SMTP", async () => {
    const ordered = await summon({ localDate: '2026-12-04', localTime: '23:00', reason: 'night navigation' });
    expect(ordered.statusCode, ordered.body).toBe(201);
    const [appointment] = ordered.json().appointments;
    expect(appointment).toMatchObject({ startsAt: '2026-12-04T23:00:00.000Z', local: { date: '2026-12-04', time: '23:00', offset: '+00:00' }, status: 'ordered', orderedBy: expect.stringMatching(/^user-/) });

    // The trainer is told, and sees it among their units' appointments; the investigator's summons names no trainer.
    expect((await inbox(world.sessions.trainer)).map((m) => m.kind)).toEqual(['schedule.summons.relay']);
    expect(smtp.received.map((m) => m.to)).toEqual([['trainer@example.test']]);
    const trainersList = (await get(world.sessions.trainer, '/api/appointments')).json().appointments;
    expect(trainersList.map((a: { id: number }) => a.id)).toEqual([appointment.id]);

    // Only the participant's own may acknowledge; a trainer may relay once.
    expect((await post(world.sessions.participant, `/api/appointments/${appointment.id}/relay`)).statusCode).toBe(403);
    const relayed = await post(world.sessions.trainer, `/api/appointments/${appointment.id}/relay`, { note: 'told at evening parade' });
    expect(relayed.statusCode, relayed.body).toBe(200);
    expect(relayed.json().status).toBe('relayed');
    expect((await post(world.sessions.trainer, `/api/appointments/${appointment.id}/relay`)).statusCode).toBe(409);

    const summons = (await inbox(world.sessions.participant)).find((m) => m.kind === 'schedule.summons')!;
    expect(summons.body).toContain('2026-12-04 at 23:00 (Europe/London), Gym (London): Building 4, room 2');
    const mail = smtp.received.find((m) => m.to.includes('jb-001@example.test'))!;
    expect(mail.raw).toMatch(/^From: Muster <muster@example.test>/m);
    expect(mail.raw).toMatch(/^Subject: Summons: Night briefing/m);
    expect(mail.raw).toContain('2026-12-04 at 23:00 (Europe/London)');

    const acknowledged = await post(world.sessions.participant, `/api/appointments/${appointment.id}/acknowledge`);
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    const detail = (await get(world.sessions.investigator, `/api/appointments/${appointment.id}`)).json();
    expect(detail.status).toBe('acknowledged');
    expect(detail.steps.map((s: { status: string; note: string | null }) => [s.status, s.note])).toEqual([
      ['ordered', 'night navigation'],
      ['relayed', 'told at evening parade'],
      ['acknowledged', null],
    ]);
    // Every step is in the audit trail, and the day-before reminder, due as soon as it was relayed, went out once.
    const audit = await database().db.selectFrom('audit_event').select('action').where('entity', '=', 'appointment').orderBy('id').execute();
    expect(audit.map((e) => e.action)).toEqual(['appointment.order', 'appointment.relayed', 'appointment.acknowledged', 'appointment.remind']);
  });

  it('row rules: another participant and a trainer of other units see nothing of it, and refusals write nothing', async () => {
    const [appointment] = (await summon({ localDate: '2026-12-05', localTime: '09:00' })).json().appointments;
    const others = await post(world.sessions.investigator, '/api/appointments', { personIds: [world.otherParticipantId], locationId: london, purpose: 'test', title: 'Run', localDate: '2026-12-05', localTime: '10:00' });
    expect(others.statusCode).toBe(201);
    expect((await get(world.sessions.trainer, '/api/appointments')).json().appointments).toHaveLength(1);
    // The participant learns of their summons when it comes down the chain, not before.
    expect((await get(world.sessions.participant, '/api/appointments')).json().appointments).toEqual([]);
    expect((await get(world.sessions.participant, `/api/appointments/${appointment.id}`)).statusCode).toBe(404);
    expect((await post(world.sessions.participant, `/api/appointments/${appointment.id}/acknowledge`)).statusCode).toBe(404);
    await post(world.sessions.trainer, `/api/appointments/${appointment.id}/relay`);
    expect((await get(world.sessions.participant, '/api/appointments')).json().appointments.map((a: { id: number }) => a.id)).toEqual([appointment.id]);
    const othersId = others.json().appointments[0].id;
    expect((await get(world.sessions.participant, `/api/appointments/${othersId}`)).statusCode).toBe(404);
    expect((await post(world.sessions.trainer, `/api/appointments/${othersId}/relay`)).statusCode).toBe(404);
    expect((await post(world.sessions.trainer, '/api/appointments', { personIds: [world.ownParticipantId], locationId: london, purpose: 'test', title: 'x', localDate: '2026-12-05', localTime: '10:00' })).statusCode).toBe(403);
    expect((await database().db.selectFrom('appointment').select('id').execute()).length).toBe(2);
    // Bad input names its field.
    const bad = await summon({ localDate: '2026-12-05', localTime: '25:00' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('localTime');
    expect((await post(world.sessions.admin, '/api/locations', { name: 'Nowhere', timeZone: 'Mars/Olympus' })).json().error.field).toBe('timeZone');
  });

  it('a summons not relayed goes down by itself after the delay, when next read', async () => {
    const [appointment] = (await summon({ localDate: '2026-12-06', localTime: '09:00' })).json().appointments;
    expect(appointment.autoRelayAt).toBe('2026-12-04T13:00:00.000Z');
    at('2026-12-04T12:59:00.000Z');
    expect((await get(world.sessions.investigator, `/api/appointments/${appointment.id}`)).json().status).toBe('ordered');
    expect((await get(world.sessions.participant, `/api/appointments/${appointment.id}`)).statusCode).toBe(404);
    at('2026-12-04T13:00:00.000Z');
    const detail = (await get(world.sessions.participant, `/api/appointments/${appointment.id}`)).json();
    expect(detail.status).toBe('relayed');
    expect(detail.steps[1]).toMatchObject({ status: 'relayed', by: 'system:schedule', at: '2026-12-04T13:00:00.000Z' });
    expect((await inbox(world.sessions.participant)).map((m) => m.kind)).toEqual(['schedule.summons']);
  });

  it('reminders go out a day and an hour before, each once, in the inbox and by e-mail', async () => {
    const [appointment] = (await summon({ localDate: '2026-12-06', localTime: '23:00' })).json().appointments;
    await post(world.sessions.trainer, `/api/appointments/${appointment.id}/relay`);
    const reminders = async () => (await inbox(world.sessions.participant)).filter((m) => m.kind === 'schedule.reminder');
    const mails = () => smtp.received.filter((m) => /^Subject: Reminder/m.test(m.raw));

    at('2026-12-05T22:59:00.000Z');
    await get(world.sessions.participant, '/api/appointments');
    expect(await reminders()).toHaveLength(0);
    at('2026-12-05T23:00:00.000Z');
    await get(world.sessions.participant, '/api/appointments');
    await get(world.sessions.trainer, '/api/appointments');
    expect(await reminders()).toHaveLength(1);
    expect(mails().map((m) => m.to)).toEqual([['jb-001@example.test']]);
    at('2026-12-06T22:00:00.000Z');
    await get(world.sessions.investigator, '/api/appointments');
    await get(world.sessions.participant, '/api/appointments');
    expect(await reminders()).toHaveLength(2);
    expect(mails()).toHaveLength(2);
    const sent = await database().db.selectFrom('appointment_reminder').select(['minutes_before', 'sent_at']).orderBy('minutes_before').execute();
    expect(sent).toEqual([
      { minutes_before: 60, sent_at: '2026-12-06T22:00:00.000Z' },
      { minutes_before: 1440, sent_at: '2026-12-05T23:00:00.000Z' },
    ]);
  });

  it('an appointment not held by the end of its day at the location becomes missed; a cancelled one tells the participant', async () => {
    const [missed] = (await summon({ localDate: '2026-12-04', localTime: '23:00' })).json().appointments;
    const [cancelled] = (await summon({ localDate: '2026-12-10', localTime: '09:00' })).json().appointments;
    await post(world.sessions.trainer, `/api/appointments/${cancelled.id}/relay`);
    const cancel = await post(world.sessions.investigator, `/api/appointments/${cancelled.id}/cancel`, { note: 'range closed' });
    expect(cancel.json().status).toBe('cancelled');
    expect((await inbox(world.sessions.participant)).map((m) => m.subject)).toContain('Cancelled: Night briefing');
    expect((await post(world.sessions.participant, `/api/appointments/${cancelled.id}/acknowledge`)).statusCode).toBe(409);

    at('2026-12-04T23:59:59.000Z');
    expect((await get(world.sessions.investigator, `/api/appointments/${missed.id}`)).json().status).not.toBe('missed');
    at('2026-12-05T00:00:00.000Z');
    expect((await get(world.sessions.investigator, `/api/appointments/${missed.id}`)).json().status).toBe('missed');
    expect((await get(world.sessions.investigator, `/api/appointments/${cancelled.id}`)).json().status).toBe('cancelled');
  });

  it('23:00 local across the change of clocks, and at a location in another zone than its people', async () => {
    // Europe/London: BST until 01:00 UTC on the last Sunday of October (2026-10-25), GMT after; back to BST on 2026-03-29.
    at('2026-03-01T12:00:00.000Z');
    const before = (await summon({ localDate: '2026-10-24', localTime: '23:00' })).json().appointments[0];
    const after = (await summon({ localDate: '2026-10-25', localTime: '23:00' })).json().appointments[0];
    expect([before.startsAt, before.local]).toEqual(['2026-10-24T22:00:00.000Z', { date: '2026-10-24', time: '23:00', offset: '+01:00' }]);
    expect([after.startsAt, after.local]).toEqual(['2026-10-25T23:00:00.000Z', { date: '2026-10-25', time: '23:00', offset: '+00:00' }]);
    const gap = await summon({ localDate: '2026-03-29', localTime: '01:30' });
    expect(gap.statusCode).toBe(400);
    expect(gap.json().error).toMatchObject({ field: 'localTime', message: expect.stringContaining('does not exist in Europe/London') });

    // The participant's unit is in London; the range is in New York: 23:00 there is 04:00 UTC the next day.
    const newYork = await addLocation('Range (New York)', 'America/New_York');
    const abroad = (await summon({ locationId: newYork, localDate: '2026-12-04', localTime: '23:00' })).json().appointments[0];
    expect([abroad.startsAt, abroad.local]).toEqual(['2026-12-05T04:00:00.000Z', { date: '2026-12-04', time: '23:00', offset: '-05:00' }]);
    const window = await get(world.sessions.investigator, `/api/appointments?personId=${world.ownParticipantId}&from=2026-12-05T00:00:00Z&to=2026-12-06T00:00:00%2B00:00`);
    expect(window.json().appointments.map((a: { id: number }) => a.id)).toEqual([abroad.id]);
  });

  it("a unit's participants are summoned together; each trainer gets one message", async () => {
    const res = await post(world.sessions.investigator, '/api/appointments', { unitId: world.platoon.id, locationId: london, purpose: 'assessment', title: 'DXA scans', localDate: '2026-12-07', localTime: '08:00' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().appointments.map((a: { person: { id: number } }) => a.person.id)).toEqual([world.ownParticipantId]);
    expect((await inbox(world.sessions.trainer)).map((m) => m.subject)).toEqual(['To relay: DXA scans (1 person)']);
    const both = await post(world.sessions.investigator, '/api/appointments', { unitId: world.platoon.id, personIds: [world.ownParticipantId], locationId: london, purpose: 'test', title: 'x', localDate: '2026-12-07', localTime: '08:00' });
    expect(both.json().error.field).toBe('personIds');
  });

  it("a randomised participant's visits become appointments on their due days; one held outside its window is a deviation", async () => {
    const trial = await makeRecruitingTrial(database().db);
    await allocate(database().db, trial, world.ownParticipantId, { arm: 'whey', kitCode: 'K-001', randomisedAt: '2026-12-01T09:00:00.000Z' });
    const url = `/api/trials/${trial.code}/participants/${world.ownParticipantId}/visit-appointments`;
    const res = await post(world.sessions.investigator, url, { locationId: london, localTime: '07:30', visits: [{ name: 'week 4' }, { name: 'week 8', localDate: '2027-02-01' }], reason: 'visit schedule' });
    expect(res.statusCode, res.body).toBe(201);
    const [week4, week8] = res.json().appointments;
    expect(week4).toMatchObject({ purpose: 'trial-visit', title: 'WHEY-01 week 4', local: { date: '2026-12-29', time: '07:30' }, visit: { trialCode: 'WHEY-01', name: 'week 4', windowEarliest: '2026-12-26', windowLatest: '2027-01-01' } });
    expect(week8.visit).toMatchObject({ windowEarliest: '2027-01-23', windowLatest: '2027-01-29' });
    expect((await post(world.sessions.investigator, url, { locationId: london, localTime: '07:30', visits: [{ name: 'week 4' }], reason: 'again' })).statusCode).toBe(409);
    expect((await post(world.sessions.investigator, `/api/trials/${trial.code}/participants/${world.otherParticipantId}/visit-appointments`, { locationId: london, localTime: '07:30', reason: 'x' })).statusCode).toBe(409);

    // Week 4 held on its due day; week 8 held on the day chosen, after its window.
    at('2026-12-29T08:00:00.000Z');
    expect((await post(world.sessions.investigator, `/api/appointments/${week4.id}/complete`)).json().status).toBe('completed');
    at('2027-02-01T08:00:00.000Z');
    expect((await post(world.sessions.investigator, `/api/appointments/${week8.id}/complete`, { heldAt: '2027-02-01T07:40:00Z' })).json().status).toBe('completed');
    const deviations = (await get(world.sessions.investigator, `/api/trials/${trial.code}/deviations`)).json().deviations;
    expect(deviations).toHaveLength(1);
    expect(deviations[0]).toMatchObject({ kind: 'visit-window', occurredOn: '2027-02-01', detected: true, description: expect.stringContaining('week 8 held on 2027-02-01') });
  });

  it('a visit checked in at the kiosk on a day outside its window is a deviation, once', async () => {
    const trial = await makeRecruitingTrial(database().db);
    await allocate(database().db, trial, world.ownParticipantId, { arm: 'whey', kitCode: 'K-001', randomisedAt: '2026-12-01T09:00:00.000Z' });
    // Scheduled a day before the window of week 4 (2026-12-26 to 2027-01-01).
    const url = `/api/trials/${trial.code}/participants/${world.ownParticipantId}/visit-appointments`;
    expect((await post(world.sessions.investigator, url, { locationId: london, localTime: '07:30', visits: [{ name: 'week 4', localDate: '2026-12-25' }], reason: 'Christmas' })).statusCode).toBe(201);
    const kiosk = await makeKiosk(database().db, 'Gym (London)');
    await giveBadge(database().db, world.ownParticipantId, 'BADGE-1');
    at('2026-12-25T07:28:00.000Z');
    // The same check-in sent twice: counted once, and so is the deviation.
    for (const expected of [201, 200]) {
      const checkIn = await client.request({ method: 'POST', url: '/api/kiosk/check-ins', headers: { authorization: `Bearer ${kiosk.token}` }, payload: { badge: 'BADGE-1', idempotencyKey: 'k-1' } });
      expect(checkIn.statusCode, checkIn.body).toBe(expected);
    }
    const deviations = (await get(world.sessions.investigator, `/api/trials/${trial.code}/deviations`)).json().deviations;
    expect(deviations.map((d: { kind: string; occurredOn: string; description: string }) => [d.kind, d.occurredOn, d.description])).toEqual([
      ['visit-window', '2026-12-25', expect.stringMatching(/^week 4 held on 2026-12-25 \(appointment \d+\), before its window 2026-12-26 to 2027-01-01$/)],
    ]);
  });

  it('a visit not held by the end of its window becomes missed', async () => {
    const trial = await makeRecruitingTrial(database().db);
    await allocate(database().db, trial, world.ownParticipantId, { arm: 'whey', kitCode: 'K-001', randomisedAt: '2026-12-01T09:00:00.000Z' });
    const [week4] = (await post(world.sessions.investigator, `/api/trials/${trial.code}/participants/${world.ownParticipantId}/visit-appointments`, { locationId: london, localTime: '07:30', visits: [{ name: 'week 4' }], reason: 'x' })).json().appointments;
    at('2026-12-31T12:00:00.000Z');
    expect((await get(world.sessions.investigator, `/api/appointments/${week4.id}`)).json().status).toBe('relayed');
    at('2027-01-02T00:00:00.000Z');
    expect((await get(world.sessions.investigator, `/api/appointments/${week4.id}`)).json().status).toBe('missed');
  });
});
