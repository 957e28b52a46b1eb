import { DateTime } from 'luxon';
import { badRequest } from './errors.ts';

/**
 * Dates and times are entered and shown in the unit's IANA time zone and stored as UTC
 * instants (ISO-8601 strings ending in Z). These are the only conversions between the two.
 */

/** A local date 'YYYY-MM-DD' and time 'HH:MM[:SS]' in `zone`, as a UTC instant. Refuses times that do not exist (DST gap). */
export function localToInstant(date: string, time: string, zone: string, field = 'time'): string {
  const local = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!local.isValid) throw badRequest(field, `'${date} ${time}' is not a valid local date and time (${local.invalidExplanation ?? local.invalidReason})`);
  // Luxon moves a time inside a spring-forward gap; such a clock time never happened there.
  const [h, m] = time.split(':').map(Number);
  if (local.hour !== h || local.minute !== m) throw badRequest(field, `${date} ${time} does not exist in ${zone} (the clocks jump forward then)`);
  return local.toUTC().toISO({ suppressMilliseconds: false })!;
}

/** The local date and time of an instant in `zone`. */
export function instantToLocal(instant: string, zone: string): { date: string; time: string; offset: string } {
  const local = DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone);
  return { date: local.toISODate()!, time: local.toFormat('HH:mm'), offset: local.toFormat('ZZ') };
}

/** The calendar date an instant falls on in `zone`. */
export function localDateOf(instant: string | Date, zone: string): string {
  const dt = typeof instant === 'string' ? DateTime.fromISO(instant, { zone: 'utc' }) : DateTime.fromJSDate(instant);
  return dt.setZone(zone).toISODate()!;
}

/** The UTC instants at which a local day begins and ends in `zone` (23 or 25 hours on DST days). */
export function localDayBounds(date: string, zone: string): { start: string; end: string } {
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  return { start: start.toUTC().toISO()!, end: start.plus({ days: 1 }).toUTC().toISO()! };
}

/** Monday of the ISO week a local date falls in. */
export function weekStart(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc' }).startOf('week').toISODate()!;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
}
