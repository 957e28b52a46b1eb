/**
 * An iCalendar (RFC 5545) feed of appointments: CRLF line endings, lines folded at 75 octets,
 * text escaped, and each event's start in its location's zone (DTSTART;TZID=...) with a VTIMEZONE
 * for every zone used, its transitions computed from the IANA database (luxon) over the years the
 * events span. Pure: the caller passes the events and the instant of the feed.
 */
import { DateTime } from 'luxon';

export interface CalendarEvent {
  uid: string;
  /** UTC instant. */
  start: string;
  durationMinutes: number;
  zone: string;
  summary: string;
  location: string;
  description: string;
  status: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
  /** Bumped whenever the event changes, so subscribers replace their copy. */
  sequence: number;
}

/** Escapes a TEXT value (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    // Continuation lines begin with a space, which counts towards their 75.
    if (octets + size > 75) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

const utcStamp = (instant: string) => DateTime.fromISO(instant, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'");
const localStamp = (local: DateTime) => local.toFormat("yyyyMMdd'T'HHmmss");
const offsetText = (minutes: number) => {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
};

/** The zone's short name as people there write it (BST, EST), or its offset when no locale has one. */
function zoneAbbreviation(local: DateTime): string {
  for (const locale of ['en-US', 'en-GB']) {
    const name = local.setLocale(locale).offsetNameShort;
    if (name && !/^(GMT|UTC)[+-]/.test(name)) return name;
  }
  return offsetText(local.offset);
}

const HOUR_MS = 3_600_000;

/** The instants in [from, to) at which the zone's UTC offset changes, found hour by hour and narrowed to the minute. */
function transitions(zone: string, from: number, to: number): number[] {
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  const found: number[] = [];
  for (let t = from; t < to; t += HOUR_MS) {
    if (offsetAt(t) === offsetAt(t + HOUR_MS)) continue;
    let low = t;
    let high = t + HOUR_MS;
    while (high - low > 60_000) {
      const mid = low + Math.floor((high - low) / 120_000) * 60_000;
      if (offsetAt(mid) === offsetAt(t)) low = mid;
      else high = mid;
    }
    found.push(high);
  }
  return found;
}

/** A VTIMEZONE for `zone` over the given years: its offset at the start, then each change. */
export function vtimezone(zone: string, fromYear: number, toYear: number): string[] {
  const start = DateTime.fromObject({ year: fromYear, month: 1, day: 1 }, { zone: 'utc' }).toMillis();
  const end = DateTime.fromObject({ year: toYear + 1, month: 1, day: 1 }, { zone: 'utc' }).toMillis();
  const observance = (at: number, previousOffset: number) => {
    const local = DateTime.fromMillis(at, { zone });
    const kind = local.isInDST ? 'DAYLIGHT' : 'STANDARD';
    // DTSTART of an observance is the local time in the offset in force before it (RFC 5545 3.6.5).
    const before = DateTime.fromMillis(at, { zone: 'utc' }).plus({ minutes: previousOffset });
    return [
      `BEGIN:${kind}`,
      `DTSTART:${localStamp(before)}`,
      `TZOFFSETFROM:${offsetText(previousOffset)}`,
      `TZOFFSETTO:${offsetText(local.offset)}`,
      `TZNAME:${escapeText(zoneAbbreviation(local))}`,
      `END:${kind}`,
    ];
  };
  const initial = DateTime.fromMillis(start, { zone }).offset;
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`, ...observance(start, initial)];
  let previous = initial;
  for (const at of transitions(zone, start, end)) {
    lines.push(...observance(at, previous));
    previous = DateTime.fromMillis(at, { zone }).offset;
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

/** The whole feed, as the text/calendar body. */
export function calendarFeed(name: string, events: readonly CalendarEvent[], now: Date): string {
  const years = events.map((e) => DateTime.fromISO(e.start, { zone: 'utc' }).year);
  const zones = [...new Set(events.map((e) => e.zone))].sort();
  const stamp = utcStamp(now.toISOString());
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Muster//Schedule//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
    ...zones.flatMap((zone) => vtimezone(zone, Math.min(...years), Math.max(...years))),
    ...events.flatMap((e) => {
      const start = DateTime.fromISO(e.start, { zone: 'utc' }).setZone(e.zone);
      return [
        'BEGIN:VEVENT',
        `UID:${e.uid}`,
        `DTSTAMP:${stamp}`,
        `DTSTART;TZID=${e.zone}:${localStamp(start)}`,
        `DTEND;TZID=${e.zone}:${localStamp(start.plus({ minutes: e.durationMinutes }))}`,
        `SUMMARY:${escapeText(e.summary)}`,
        `LOCATION:${escapeText(e.location)}`,
        `DESCRIPTION:${escapeText(e.description)}`,
        `STATUS:${e.status}`,
        `SEQUENCE:${e.sequence}`,
        'END:VEVENT',
      ];
    }),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
