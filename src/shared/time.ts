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

// One formatter per zone: dating thousands of instants (load series, dashboards) stays cheap.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date an instant falls on in `zone`. */
export function localDateOf(instant: string | Date, zone: string): string {
  let format = dateFormats.get(zone);
  if (!format) dateFormats.set(zone, (format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(typeof instant === 'string' ? new Date(instant) : instant);
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** The local date and 24-hour time ('HH:MM') of an instant in `zone`: what `instantToLocal` gives, without luxon's cost on a hot path (a check-in). */
export function localDateTimeOf(instant: string, zone: string): { date: string; time: string } {
  let format = dateTimeFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    dateTimeFormats.set(zone, format);
  }
  const part: Record<string, string> = {};
  for (const { type, value } of format.formatToParts(new Date(instant))) part[type] = value;
  return { date: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}` };
}

/** The UTC instants at which a local day begins and ends in `zone` (23 or 25 hours on DST days). */
export function localDayBounds(date: string, zone: string): { start: string; end: string } {
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  return { start: start.toUTC().toISO()!, end: start.plus({ days: 1 }).toUTC().toISO()! };
}

// Calendar arithmetic on dates 'YYYY-MM-DD' involves no zone: plain UTC milliseconds are exact and fast.
const DAY_MS = 86_400_000;

/** Monday of the ISO week a local date falls in. */
export function weekStart(date: string): string {
  return addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

// Each date seen, once: a cohort's 10,000 load-ratio states share a few hundred dates.
const dayNumbers = new Map<string, number>();

/** Day number of a 'YYYY-MM-DD' date (days since 1970-01-01), for cheap date arithmetic in loops and in SQL. */
export function dayNumber(date: string): number {
  let day = dayNumbers.get(date);
  if (day === undefined) dayNumbers.set(date, (day = Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS)));
  return day;
}

/** Whole days from one date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}
