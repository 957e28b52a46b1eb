import { expect, it } from 'vitest';
import { loadDemoRoster } from '../roster/demo.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { startTestApp } from '../server/testing.ts';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { loadDemoSchedule } from './demo.ts';
import { DEMO_KIOSK_TOKEN, loadKioskDemo } from './kiosk-demo.ts';

describeEachDatabase("the kiosk's demo", (database) => {
  it('a kiosk at the gym, badges for every participant, and the week so far checked in: some late, a few absent', async () => {
    const { db } = database();
    const clock = () => new Date('2026-12-04T12:00:00.000Z');
    await write(db, systemActor('demo'), (w) => loadDemoRoster(w, 20), clock);
    const { checkIns } = await write(db, systemActor('demo'), async (w) => loadKioskDemo(w, await loadDemoSchedule(w, { participants: 20, weeks: 12, zone: 'Europe/London', logins: [] })), clock);
    const rows = await db.selectFrom('check_in').innerJoin('appointment', 'appointment.id', 'check_in.appointment_id').select(['check_in.minutes_late', 'appointment.title', 'appointment.status']).execute();
    expect(rows).toHaveLength(checkIns);
    // Seven mornings of ten people have begun by noon; about one in ten absent.
    expect(checkIns).toBeGreaterThan(55);
    expect(checkIns).toBeLessThan(70);
    expect(new Set(rows.map((r) => `${r.title} ${r.status}`))).toEqual(new Set(['Morning fitness test checked-in']));
    expect(rows.filter((r) => r.minutes_late > 2).length).toBeGreaterThan(5);
    expect(rows.filter((r) => r.minutes_late <= 2).length).toBeGreaterThan(30);

    // The kiosk works with the demo's token, and a participant's badge is their designation.
    const client = await startTestApp(database(), () => new Date('2026-12-04T22:50:00.000Z'));
    const response = await client.request({ method: 'POST', url: '/api/kiosk/check-ins', headers: { authorization: `Bearer ${DEMO_KIOSK_TOKEN}` }, payload: { badge: 'JB-001', idempotencyKey: 'tonight' } });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ person: { name: expect.any(String) }, appointment: { what: 'Night navigation briefing', localTime: '23:00' }, checkIn: { punctuality: 'early' } });
  });
});
