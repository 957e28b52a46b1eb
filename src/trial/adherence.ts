/**
 * Adherence to the supplement: doses taken over doses expected, per participant and pooled.
 * Dates are days in the unit's own zone ('YYYY-MM-DD'). Doses are expected every day from the
 * day the kit is dispensed up to, not including, the day counting ends: today (whose doses may
 * still come) or the day dosing stopped (withdrawal, discontinuation, end of the intervention),
 * whichever is first. A day counts at most its expected doses, so a double dose does not make up
 * for a missed day.
 */
import { dayNumber, daysBetween } from '../shared/time.ts';
import { badRequest } from '../shared/errors.ts';
import { requireDate } from './dates.ts';

export interface DoseLog {
  date: string;
  /** Doses taken that day, self-reported or supervised. */
  doses: number;
}

export interface DosingRecord {
  participant: string;
  dispensedOn: string;
  dosesPerDay: number;
  /** The first day no dose is expected any more; absent while dosing goes on. */
  stoppedOn?: string;
  doses: readonly DoseLog[];
}

export interface Adherence {
  participant: string;
  expected: number;
  taken: number;
  missed: number;
  /** taken / expected; null before any dose is expected. */
  adherence: number | null;
}

export interface PooledAdherence {
  participants: number;
  expected: number;
  taken: number;
  missed: number;
  /** All doses taken over all doses expected. */
  adherence: number | null;
  /** The mean of the participants' adherence (those with doses expected). */
  meanOfParticipants: number | null;
}

export function adherence(record: DosingRecord, today: string): Adherence {
  const field = `dosing of ${record.participant}`;
  const start = requireDate(`${field}: dispensedOn`, record.dispensedOn);
  const stop = record.stoppedOn === undefined ? today : requireDate(`${field}: stoppedOn`, record.stoppedOn);
  const end = dayNumber(requireDate('today', today)) < dayNumber(stop) ? today : stop;
  if (!(Number.isInteger(record.dosesPerDay) && record.dosesPerDay > 0)) throw badRequest(`${field}: dosesPerDay`, 'must be a whole number above 0');

  const byDay = new Map<string, number>();
  for (const log of record.doses) {
    requireDate(`${field}: date`, log.date);
    if (!(log.doses >= 0)) throw badRequest(`${field}: doses`, `${log.doses} on ${log.date} is not a number of doses`);
    if (log.date >= start && log.date < end) byDay.set(log.date, (byDay.get(log.date) ?? 0) + log.doses);
  }
  const expected = Math.max(0, daysBetween(start, end)) * record.dosesPerDay;
  const taken = [...byDay.values()].reduce((sum, doses) => sum + Math.min(doses, record.dosesPerDay), 0);
  return { participant: record.participant, expected, taken, missed: expected - taken, adherence: expected > 0 ? taken / expected : null };
}

export function pooledAdherence(participants: readonly Adherence[]): PooledAdherence {
  const expected = participants.reduce((sum, p) => sum + p.expected, 0);
  const taken = participants.reduce((sum, p) => sum + p.taken, 0);
  const rates = participants.flatMap((p) => (p.adherence === null ? [] : [p.adherence]));
  return {
    participants: participants.length,
    expected,
    taken,
    missed: expected - taken,
    adherence: expected > 0 ? taken / expected : null,
    meanOfParticipants: rates.length > 0 ? rates.reduce((sum, rate) => sum + rate, 0) / rates.length : null,
  };
}
