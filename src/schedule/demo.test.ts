import { expect, it } from 'vitest';
import { loadDemoRoster } from '../roster/demo.ts';
import { systemActor } from '../shared/actor.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { write } from '../store/write.ts';
import { getAppointment, listAppointments } from './appointments.ts';
import { loadDemoSchedule } from './demo.ts';

describeEachDatabase("the schedule's demo", (database) => {
  it("a gym in the demo's zone, a week of morning tests, tomorrow's scans to relay and tonight's 23:00 summons relayed through the trainer", async () => {
    const { db } = database();
    const clock = () => new Date('2026-12-04T12:00:00.000Z');
    await write(db, systemActor('demo'), (w) => loadDemoRoster(w, 20), clock);
    const { appointmentIds } = await write(db, systemActor('demo'), (w) => loadDemoSchedule(w, { participants: 20, weeks: 12, zone: 'Europe/London', logins: [] }), clock);
    const all = await listAppointments(db, { kind: 'all', selfId: null }, { limit: 1000 });
    expect(all.map((a) => a.id).sort((a, b) => a - b)).toEqual([...appointmentIds].sort((a, b) => a - b));
    const tests = all.filter((a) => a.title === 'Morning fitness test');
    expect(tests).toHaveLength(70);
    expect(new Set(tests.map((a) => a.local.date))).toEqual(new Set(['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']));
    expect(new Set(tests.map((a) => `${a.local.time} ${a.status} ${a.location.name} ${a.location.timeZone}`))).toEqual(new Set(['07:00 acknowledged Gym (demo) Europe/London']));
    expect(all.filter((a) => a.title === 'DXA scan').map((a) => [a.local.date, a.status])).toEqual([
      ['2026-12-05', 'ordered'],
      ['2026-12-05', 'ordered'],
    ]);
    const tonight = all.find((a) => a.title === 'Night navigation briefing')!;
    expect(tonight).toMatchObject({ person: { designation: 'JB-001' }, startsAt: '2026-12-04T23:00:00.000Z', local: { date: '2026-12-04', time: '23:00' }, status: 'relayed', orderedBy: 'commander' });
    expect((await getAppointment(db, tonight.id)).steps.map((s) => [s.status, s.by])).toEqual([
      ['ordered', 'commander'],
      ['relayed', 'trainer'],
    ]);
  });
});
