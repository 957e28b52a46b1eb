import { describe, expect, it } from 'vitest';
import { instantToLocal, localDateOf, localDateTimeOf, localDayBounds, localToInstant, weekStart } from './time.ts';

describe('local time and UTC instants', () => {
  it('stores a session at 23:00 in London in summer as 22:00 UTC, still on the same local date', () => {
    const instant = localToInstant('2026-07-10', '23:00', 'Europe/London');
    expect(instant).toBe('2026-07-10T22:00:00.000Z');
    expect(localDateOf(instant, 'Europe/London')).toBe('2026-07-10');
    expect(instantToLocal(instant, 'Europe/London')).toEqual({ date: '2026-07-10', time: '23:00', offset: '+01:00' });
  });

  it('handles a unit far from UTC: 07:00 in Auckland is the previous day in UTC', () => {
    const instant = localToInstant('2026-01-15', '07:00', 'Pacific/Auckland');
    expect(instant).toBe('2026-01-14T18:00:00.000Z');
    expect(localDateOf(instant, 'Pacific/Auckland')).toBe('2026-01-15');
  });

  it('gives DST days their real length and refuses clock times that never happened', () => {
    const spring = localDayBounds('2026-03-29', 'Europe/London');
    expect(Date.parse(spring.end) - Date.parse(spring.start)).toBe(23 * 3_600_000);
    const autumn = localDayBounds('2026-10-25', 'Europe/London');
    expect(Date.parse(autumn.end) - Date.parse(autumn.start)).toBe(25 * 3_600_000);
    expect(() => localToInstant('2026-03-29', '01:30', 'Europe/London')).toThrow(/does not exist/);
    expect(localToInstant('2026-03-29', '03:30', 'Europe/London')).toBe('2026-03-29T02:30:00.000Z');
  });

  it('gives the local date and 24-hour time as instantToLocal does, at midnight, 23:00 and across DST', () => {
    for (const [instant, zone] of [
      ['2025-06-01T22:00:00.000Z', 'Europe/London'],
      ['2025-03-29T23:00:00.000Z', 'Europe/London'],
      ['2025-03-30T01:30:00.000Z', 'Europe/London'],
      ['2025-11-02T05:20:00.000Z', 'America/New_York'],
      ['2025-11-02T06:20:00.000Z', 'America/New_York'],
      ['2025-06-01T12:00:00.000Z', 'Pacific/Auckland'],
      ['2025-01-01T00:00:00.000Z', 'UTC'],
    ]) {
      const { date, time } = instantToLocal(instant, zone);
      expect(localDateTimeOf(instant, zone), `${instant} in ${zone}`).toEqual({ date, time });
    }
  });

  it('finds the Monday of a week', () => {
    expect(weekStart('2026-11-26')).toBe('2026-11-23');
    expect(weekStart('2026-11-23')).toBe('2026-11-23');
  });
});
