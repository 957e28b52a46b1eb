import { describe, expect, it } from 'vitest';
import { againstWindow, autoRelayAt, dueReminders, mayMove, missedAfter, scheduleSettings, statuses } from './model.ts';

describe('appointment statuses', () => {
  it('move only forward along the chain, never out of completed or cancelled', () => {
    const legal = statuses.flatMap((from) => statuses.filter((to) => mayMove(from, to)).map((to) => `${from}>${to}`));
    expect(legal).toEqual([
      'ordered>relayed',
      'ordered>checked-in',
      'ordered>completed',
      'ordered>missed',
      'ordered>cancelled',
      'relayed>acknowledged',
      'relayed>checked-in',
      'relayed>completed',
      'relayed>missed',
      'relayed>cancelled',
      'acknowledged>checked-in',
      'acknowledged>completed',
      'acknowledged>missed',
      'acknowledged>cancelled',
      'checked-in>completed',
      // An arrival reported late by a kiosk that was offline corrects a "missed".
      'missed>checked-in',
    ]);
  });
});

describe('auto-relay', () => {
  const ordered = new Date('2026-12-04T09:00:00.000Z');
  it('waits the delay after the order', () => {
    expect(autoRelayAt(ordered, '2026-12-10T09:00:00.000Z', 60)).toBe('2026-12-04T10:00:00.000Z');
  });
  it('goes no later than the delay before the start', () => {
    expect(autoRelayAt(ordered, '2026-12-04T10:30:00.000Z', 60)).toBe('2026-12-04T09:30:00.000Z');
  });
  it('never before the order, for a summons that starts within the delay', () => {
    expect(autoRelayAt(ordered, '2026-12-04T09:20:00.000Z', 60)).toBe('2026-12-04T09:00:00.000Z');
  });
});

describe('missed', () => {
  it('after the end of the appointment day at the location, in its zone', () => {
    // 23:00 in London on the night the clocks go back (25 hours): the day ends at midnight GMT.
    expect(missedAfter({ starts_at: '2026-10-25T23:00:00.000Z', window_latest: null }, 'Europe/London')).toBe('2026-10-26T00:00:00.000Z');
    expect(missedAfter({ starts_at: '2026-10-24T22:00:00.000Z', window_latest: null }, 'Europe/London')).toBe('2026-10-24T23:00:00.000Z');
    expect(missedAfter({ starts_at: '2026-12-04T23:00:00.000Z', window_latest: null }, 'Asia/Tokyo')).toBe('2026-12-05T15:00:00.000Z');
  });
  it('after the last day of a trial visit window', () => {
    expect(missedAfter({ starts_at: '2026-12-04T10:00:00.000Z', window_latest: '2026-12-07' }, 'Europe/London')).toBe('2026-12-08T00:00:00.000Z');
  });
  it('compares a held visit with its window by local date', () => {
    expect(againstWindow('2026-12-03', { earliest: '2026-12-04', latest: '2026-12-06' })).toBe('before');
    expect(againstWindow('2026-12-06', { earliest: '2026-12-04', latest: '2026-12-06' })).toBe('inside');
    expect(againstWindow('2026-12-07', { earliest: '2026-12-04', latest: '2026-12-06' })).toBe('after');
  });
});

describe('reminders', () => {
  const start = '2026-12-04T23:00:00.000Z';
  it('none before the first is due', () => {
    expect(dueReminders(start, new Date('2026-12-03T22:59:00Z'), [1440, 60], [])).toEqual({ due: [], send: null });
  });
  it('the day before, then the hour before, each once', () => {
    expect(dueReminders(start, new Date('2026-12-03T23:00:00Z'), [1440, 60], [])).toEqual({ due: [1440], send: 1440 });
    expect(dueReminders(start, new Date('2026-12-04T22:00:00Z'), [1440, 60], [1440])).toEqual({ due: [60], send: 60 });
    expect(dueReminders(start, new Date('2026-12-04T22:30:00Z'), [1440, 60], [1440, 60])).toEqual({ due: [], send: null });
  });
  it('only the nearest of several that fell due together goes out', () => {
    expect(dueReminders(start, new Date('2026-12-04T22:30:00Z'), [1440, 60], [])).toEqual({ due: [1440, 60], send: 60 });
  });
  it('none once it has started', () => {
    expect(dueReminders(start, new Date('2026-12-04T23:00:00Z'), [1440, 60], [])).toEqual({ due: [], send: null });
  });
});

describe('settings', () => {
  it('default to an hour to relay and reminders a day and an hour before', () => {
    expect(scheduleSettings({})).toEqual({ autoRelayMinutes: 60, reminderMinutes: [1440, 60], smtpUrl: null, mailFrom: 'Muster <muster@localhost>' });
  });
  it('read the environment and refuse bad values by name', () => {
    expect(scheduleSettings({ MUSTER_AUTO_RELAY_MINUTES: '15', MUSTER_REMINDER_MINUTES: '30, 5', MUSTER_SMTP_URL: 'smtp://127.0.0.1:2525' })).toMatchObject({ autoRelayMinutes: 15, reminderMinutes: [30, 5], smtpUrl: 'smtp://127.0.0.1:2525' });
    expect(scheduleSettings({ MUSTER_REMINDER_MINUTES: '' }).reminderMinutes).toEqual([]);
    expect(() => scheduleSettings({ MUSTER_REMINDER_MINUTES: '60,soon' })).toThrow(/MUSTER_REMINDER_MINUTES: 'soon'/);
    expect(() => scheduleSettings({ MUSTER_AUTO_RELAY_MINUTES: '-5' })).toThrow(/MUSTER_AUTO_RELAY_MINUTES/);
  });
});
