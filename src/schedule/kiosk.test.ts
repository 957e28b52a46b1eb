import { expect, it } from 'vitest';
import { ruleFor } from '../access/index.ts';
import { routePolicy } from '../server/guard.ts';
import { describeEachDatabase, type TestDatabase } from '../server/test-databases.ts';
import { makeWorld, sessionFor, startTestApp } from '../server/testing.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { localToInstant } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { giveBadge, makeAppointment, makeKiosk, makeLocation } from './kiosk-testing.ts';

const auditLength = async (db: Db) => (await db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq;
const checkIns = (db: Db) => db.selectFrom('check_in').selectAll().execute();

/** A participant with a badge and an appointment at 10:00 London on 2025-06-02 at a location with a kiosk; the clock stands at `now`. */
async function scene(database: TestDatabase, now = { at: new Date('2025-06-02T09:00:00Z') }) {
  const client = await startTestApp(database, () => now.at);
  const gym = await makeLocation(database.db, { name: 'Gym A', directions: 'Building 4, ground floor' });
  const range = await makeLocation(database.db, { name: 'Range B', directions: 'North gate, hut 2' });
  const kiosk = await makeKiosk(database.db, gym.name);
  const person = await makePerson(database.db, { name: 'Jo Bloggs', designation: 'JB-001' });
  await giveBadge(database.db, person.id, 'JB-001');
  const startsAt = localToInstant('2025-06-02', '10:00', 'Europe/London');
  const appointmentId = await makeAppointment(database.db, { personId: person.id, locationId: gym.id, startsAt, title: 'Strength test' });
  const scan = (body: Record<string, unknown>, token = kiosk.token) =>
    client.request({ method: 'POST', url: '/api/kiosk/check-ins', headers: { authorization: `Bearer ${token}` }, payload: body });
  return { client, gym, range, kiosk, person, appointmentId, startsAt, scan, now };
}

describeEachDatabase('the kiosk at the door', (database) => {
  it('checks in once: 201, then 200 with the same body for the same key; the row, the step and the audit event together', async () => {
    const { scan, appointmentId } = await scene(database());
    const db = database().db;
    const before = await auditLength(db);
    const first = await scan({ badge: 'JB-001', idempotencyKey: 'k-1', at: '2025-06-02T09:04:00Z' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({
      checkIn: { id: expect.any(Number), at: '2025-06-02T09:04:00.000Z', minutesLate: 4, punctuality: 'late' },
      person: { name: 'Jo Bloggs' },
      appointment: { what: 'Strength test', startsAt: '2025-06-02T09:00:00.000Z', localDate: '2025-06-02', localTime: '10:00', timeZone: 'Europe/London', durationMinutes: 60 },
      location: { name: 'Gym A', directions: 'Building 4, ground floor' },
    });
    const again = await scan({ badge: 'JB-001', idempotencyKey: 'k-1', at: '2025-06-02T09:04:00Z' });
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    expect(await checkIns(db)).toHaveLength(1);
    expect(await auditLength(db)).toBe(before + 1);
    const appointment = await db.selectFrom('appointment').select('status').where('id', '=', appointmentId).executeTakeFirstOrThrow();
    expect(appointment.status).toBe('checked-in');
    const events = await db.selectFrom('appointment_event').select(['status', 'at', 'by_label']).where('appointment_id', '=', appointmentId).execute();
    expect(events).toEqual([{ status: 'checked-in', at: '2025-06-02T09:04:00.000Z', by_label: expect.stringMatching(/^kiosk:/) }]);
    const audit = await db.selectFrom('audit_event').select(['action', 'entity']).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'check_in.create', entity: 'check_in' });
  });

  it('counts an appointment once: a second key answers the existing check-in, also when both arrive together', async () => {
    const { scan } = await scene(database());
    const [a, b] = await Promise.all([scan({ badge: 'JB-001', idempotencyKey: 'k-a' }), scan({ badge: 'JB-001', idempotencyKey: 'k-b' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().checkIn.id).toBe(b.json().checkIn.id);
    const later = await scan({ badge: 'JB-001', idempotencyKey: 'k-c' });
    expect(later.statusCode).toBe(200);
    expect(later.json().checkIn.id).toBe(a.json().checkIn.id);
    expect(await checkIns(database().db)).toHaveLength(1);
  });

  it('refuses an unknown badge, the wrong location and no appointment, clearly and writing nothing', async () => {
    const { scan, person, range, gym } = await scene(database());
    const db = database().db;
    const other = await makePerson(db, { name: 'Al Other' });
    await giveBadge(db, other.id, 'AO-002');
    await makeAppointment(db, { personId: other.id, locationId: range.id, startsAt: '2025-06-02T09:30:00.000Z' });
    const idle = await makePerson(db, { name: 'No Appointment' });
    await giveBadge(db, idle.id, 'NA-003');
    await makeAppointment(db, { personId: idle.id, locationId: gym.id, startsAt: '2025-06-03T09:00:00.000Z' });
    const before = await auditLength(db);

    const unknown = await scan({ badge: 'XX-999', idempotencyKey: 'k-1' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'not_found', field: 'badge', message: expect.stringMatching(/unknown badge/) });
    const wrong = await scan({ badge: 'AO-002', idempotencyKey: 'k-2' });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error.message).toBe('wrong location: go to Range B (North gate, hut 2)');
    const none = await scan({ badge: 'NA-003', idempotencyKey: 'k-3' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toMatch(/^no appointment for No Appointment now/);

    const future = await scan({ badge: 'JB-001', idempotencyKey: 'k-4', at: '2025-06-02T10:00:00Z' });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.field).toBe('at');
    expect(await checkIns(db)).toHaveLength(0);
    expect(await auditLength(db)).toBe(before);
    expect((await db.selectFrom('appointment').select('status').where('person_id', '=', person.id).executeTakeFirstOrThrow()).status).toBe('acknowledged');
  });

  it('shows on the shared screen only the name, the appointment and where to go: a trial visit is just "Appointment"', async () => {
    const { scan, gym } = await scene(database());
    const db = database().db;
    const participant = await makePerson(db, { name: 'Tri Al' });
    await giveBadge(db, participant.id, 'TA-004');
    await makeAppointment(db, { personId: participant.id, locationId: gym.id, startsAt: '2025-06-02T09:00:00.000Z', purpose: 'trial-visit', title: 'WHEY-01 week 12 DXA', visit_name: 'week 12' });
    const response = await scan({ badge: 'TA-004', idempotencyKey: 'k-t' });
    const body = response.json();
    const paths = (value: unknown, prefix = ''): string[] =>
      value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => paths(v, prefix ? `${prefix}.${k}` : k)) : [prefix];
    expect(paths(body).sort()).toEqual(
      [
        'appointment.durationMinutes',
        'appointment.localDate',
        'appointment.localTime',
        'appointment.startsAt',
        'appointment.timeZone',
        'appointment.what',
        'checkIn.at',
        'checkIn.id',
        'checkIn.minutesLate',
        'checkIn.punctuality',
        'location.directions',
        'location.name',
        'person.name',
      ].sort(),
    );
    expect(body.appointment.what).toBe('Appointment');
    expect(response.body).not.toMatch(/WHEY|week 12|DXA/);
  });

  it("opens no other route with a kiosk's token, and no person's session or token opens the kiosk's", async () => {
    const { client, kiosk, scan } = await scene(database());
    const world = await makeWorld(database());
    const kioskRoutes = new Set(['POST /api/kiosk/check-ins', 'GET /api/kiosk']);
    for (const route of client.app.apiRoutes) {
      const [method, url] = route.split(' ');
      if (kioskRoutes.has(route) || ruleFor(routePolicy, method, url)?.kind === 'public') continue;
      const path = url.replace(/:[a-zA-Z]+/g, '1').replace(/\*$/, 'index.html');
      const response = await client.request({ method: method as 'GET', url: path, headers: { authorization: `Bearer ${kiosk.token}` }, payload: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(response.statusCode, `${route} with a kiosk token`).toBe(401);
    }
    const self = await client.request({ method: 'GET', url: '/api/kiosk', headers: { authorization: `Bearer ${kiosk.token}` } });
    expect(self.json()).toMatchObject({ id: kiosk.id, location: { name: 'Gym A', timeZone: 'Europe/London' } });
    const asAdmin = await client.request({ method: 'POST', url: '/api/kiosk/check-ins', as: world.sessions.admin, payload: { badge: 'JB-001', idempotencyKey: 'k-1' } });
    expect(asAdmin.statusCode).toBe(403);
    const token = await client.request({ method: 'POST', url: '/api/auth/tokens', as: world.sessions.admin, payload: { name: 'script' } });
    expect((await scan({ badge: 'JB-001', idempotencyKey: 'k-1' }, token.json().token)).statusCode).toBe(401);
    expect((await client.request({ method: 'POST', url: '/api/kiosk/check-ins', payload: { badge: 'JB-001', idempotencyKey: 'k-1' } })).statusCode).toBe(401);
    expect(await checkIns(database().db)).toHaveLength(0);
  });

  it('adds kiosks (token shown once, stored hashed) and revokes them through the admin routes', async () => {
    const { client, scan } = await scene(database());
    const admin = await sessionFor(database(), ['admin']);
    const added = await client.request({ method: 'POST', url: '/api/kiosks', as: admin, payload: { location: 'Range B', name: 'Range door' } });
    expect(added.statusCode, added.body).toBe(201);
    const { id, token } = added.json();
    expect(token).toMatch(/^mst_/);
    const stored = await database().db.selectFrom('kiosk').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    const list = await client.request({ method: 'GET', url: '/api/kiosks', as: admin });
    expect(list.json().kiosks.map((k: { name: string }) => k.name)).toContain('Range door');
    expect(list.body).not.toContain(token);
    expect((await client.request({ method: 'POST', url: '/api/kiosks', as: admin, payload: { location: 'Nowhere' } })).statusCode).toBe(404);
    expect((await client.request({ method: 'DELETE', url: `/api/kiosks/${id}`, as: admin })).statusCode).toBe(204);
    expect((await client.request({ method: 'DELETE', url: `/api/kiosks/${id}`, as: admin })).statusCode).toBe(409);
    expect((await scan({ badge: 'JB-001', idempotencyKey: 'k-r' }, token)).statusCode).toBe(401);
  });
});

describeEachDatabase('check-in times', (database) => {
  it('counts a check-in queued offline by its arrival, even when it reaches the server after the appointment ended', async () => {
    const { scan, now } = await scene(database());
    now.at = new Date('2025-06-02T13:00:00Z'); // the kiosk's network came back three hours later
    const response = await scan({ badge: 'JB-001', idempotencyKey: 'queued-1', at: '2025-06-02T08:59:00Z' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().checkIn).toMatchObject({ at: '2025-06-02T08:59:00.000Z', minutesLate: -1, punctuality: 'on-time' });
    const [row] = await checkIns(database().db);
    expect(row).toMatchObject({ at: '2025-06-02T08:59:00.000Z', received_at: '2025-06-02T13:00:00.000Z', minutes_late: -1 });
  });

  it('takes an appointment at 23:00 local time at a location in another zone than the server, and across a DST change', async () => {
    const { client, kiosk, person } = await scene(database(), { at: new Date('2025-11-02T12:00:00Z') });
    const db = database().db;
    const newYork = await makeLocation(db, { name: 'Fort Door', timeZone: 'America/New_York' });
    const nyKiosk = await makeKiosk(db, newYork.name);
    // 23:00 in New York on the night the clocks go back: 2025-11-02 is UTC-5 (EST), the day before UTC-4.
    const lateNight = localToInstant('2025-11-01', '23:00', 'America/New_York');
    expect(lateNight).toBe('2025-11-02T03:00:00.000Z');
    await makeAppointment(db, { personId: person.id, locationId: newYork.id, startsAt: lateNight, duration_minutes: 180, title: 'Night march briefing' });
    // Arrives 01:20 EDT... the clocks fall back at 02:00 EDT to 01:00 EST: 01:20 EST is 06:20Z, 200 minutes after the start.
    const scan = (at: string, key: string, token: string) =>
      client.request({ method: 'POST', url: '/api/kiosk/check-ins', headers: { authorization: `Bearer ${token}` }, payload: { badge: 'JB-001', idempotencyKey: key, at } });
    const tooLate = await scan('2025-11-02T06:20:00Z', 'late-1', nyKiosk.token);
    expect(tooLate.statusCode).toBe(404);
    const arrival = await scan('2025-11-02T05:20:00Z', 'night-1', nyKiosk.token); // 01:20 EDT, before the change: 140 minutes late
    expect(arrival.statusCode, arrival.body).toBe(201);
    expect(arrival.json().appointment).toMatchObject({ localDate: '2025-11-01', localTime: '23:00', timeZone: 'America/New_York' });
    expect(arrival.json().checkIn).toMatchObject({ minutesLate: 140, punctuality: 'late' });
    // The London kiosk sends the same person elsewhere.
    const elsewhere = await makeAppointment(db, { personId: person.id, locationId: newYork.id, startsAt: '2025-11-02T12:30:00.000Z' });
    expect(elsewhere).toBeGreaterThan(0);
    const wrong = await scan('2025-11-02T11:45:00Z', 'wrong-1', kiosk.token);
    expect(wrong.json().error.message).toMatch(/^wrong location: go to Fort Door/);
  });

  it('measures 23:00 London on the night the clocks go forward in real minutes', async () => {
    const { client, kiosk, person, gym } = await scene(database(), { at: new Date('2025-03-30T12:00:00Z') });
    const db = database().db;
    const start = localToInstant('2025-03-29', '23:00', 'Europe/London'); // GMT: 23:00Z
    await makeAppointment(db, { personId: person.id, locationId: gym.id, startsAt: start, duration_minutes: 240 });
    // 02:30 BST on the 30th is 01:30Z: 150 minutes, though the wall clock moved 3 h 30.
    const response = await client.request({ method: 'POST', url: '/api/kiosk/check-ins', headers: { authorization: `Bearer ${kiosk.token}` }, payload: { badge: 'JB-001', idempotencyKey: 'dst-1', at: '2025-03-30T02:30:00+01:00' } });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().appointment).toMatchObject({ localDate: '2025-03-29', localTime: '23:00' });
    expect(response.json().checkIn.minutesLate).toBe(150);
  });
});

describeEachDatabase('punctuality', (database) => {
  it('summarises a participant and a unit within the tolerance, and keeps to the row scope', async () => {
    const now = { at: new Date('2025-06-01T12:00:00Z') };
    const { client, kiosk, gym, person } = await scene(database(), now);
    const db = database().db;
    const world = await makeWorld(database());
    await db.insertInto('person_unit').values({ person_id: person.id, unit_id: world.platoon.id, effective_from: '2025-01-01T00:00:00.000Z', effective_to: null }).execute();
    const send = (key: string, at: string) =>
      client.request({ method: 'POST', url: '/api/kiosk/check-ins', headers: { authorization: `Bearer ${kiosk.token}` }, payload: { badge: 'JB-001', idempotencyKey: key, at } });
    // Four more appointments at 10:00 on 3–6 June: 1 min late (on time), 12 late, 5 early, and one not checked in.
    for (const day of ['2025-06-03', '2025-06-04', '2025-06-05', '2025-06-06']) {
      await makeAppointment(db, { personId: person.id, locationId: gym.id, startsAt: localToInstant(day, '10:00', 'Europe/London') });
    }
    for (const [key, arrival] of [['p-1', '2025-06-03T09:01:00Z'], ['p-2', '2025-06-04T09:12:00Z'], ['p-3', '2025-06-05T08:55:00Z']]) {
      now.at = new Date(Date.parse(arrival) + 30 * 60_000);
      expect((await send(key, arrival)).statusCode).toBe(201);
    }
    now.at = new Date('2025-06-07T12:00:00Z');

    const mine = await client.request({ method: 'GET', url: `/api/people/${person.id}/punctuality`, as: world.sessions.trainer });
    expect(mine.statusCode, mine.body).toBe(200);
    // The scene's own 2 June appointment and the four above: five started, three checked in.
    expect(mine.json().summary).toEqual({ appointments: 5, checkedIn: 3, onTime: 1, early: 1, late: 1, notCheckedIn: 2, meanMinutesLate: 2.7 });
    expect(mine.json().toleranceMinutes).toBe(2);
    const unit = await client.request({ method: 'GET', url: `/api/units/${world.platoon.id}/punctuality`, as: world.sessions.investigator });
    expect(unit.statusCode, unit.body).toBe(200);
    expect(unit.json().total).toMatchObject({ appointments: 5, checkedIn: 3, late: 1 });
    expect(unit.json().people.find((p: { personId: number }) => p.personId === person.id)).toMatchObject({ designation: 'JB-001', late: 1, early: 1 });

    const outsider = await makeUnit(db);
    const otherTrainer = await sessionFor(database(), ['trainer'], outsider.id);
    expect((await client.request({ method: 'GET', url: `/api/people/${person.id}/punctuality`, as: otherTrainer })).statusCode).toBe(404);
    expect((await client.request({ method: 'GET', url: `/api/units/${world.platoon.id}/punctuality`, as: otherTrainer })).statusCode).toBe(404);
    expect((await client.request({ method: 'GET', url: `/api/people/${person.id}/punctuality`, as: world.sessions.participant })).statusCode).toBe(404);
    const logged = await db.selectFrom('access_log').select('what').where('person_id', '=', person.id).execute();
    expect(logged).toContainEqual({ what: 'punctuality' });
  });
});
