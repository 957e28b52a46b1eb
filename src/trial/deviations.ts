/**
 * Protocol deviations found in the record: an assessment outside its visit's window, and more
 * missed doses than the trial tolerates. Deviations recorded by hand are stored, not detected.
 */
import { badRequest } from '../shared/errors.ts';
import { addDays, daysBetween } from '../shared/time.ts';
import type { Adherence } from './adherence.ts';
import { requireDate } from './dates.ts';
import { visitWindow } from './protocol.ts';
import type { Protocol } from './protocol.ts';

export interface AssessmentDate {
  participant: string;
  /** The day the participant was randomised (day 0 of the schedule). */
  randomisedOn: string;
  visit: string;
  /** The day of the assessment. */
  date: string;
}

export interface VisitWindowDeviation {
  kind: 'visit-window';
  participant: string;
  visit: string;
  date: string;
  due: string;
  earliest: string;
  latest: string;
  /** Days before the window opened (negative) or after it closed (positive). */
  daysOutside: number;
}

export interface MissedDosesDeviation {
  kind: 'missed-doses';
  participant: string;
  missed: number;
  threshold: number;
  expected: number;
  taken: number;
}

/** The assessments outside their visit's window, in the order given. */
export function visitWindowDeviations(protocol: Protocol, assessments: readonly AssessmentDate[]): VisitWindowDeviation[] {
  return assessments.flatMap((assessment): VisitWindowDeviation[] => {
    const visit = protocol.visits.find((v) => v.name === assessment.visit);
    if (!visit) throw badRequest(`visit of ${assessment.participant}`, `no visit "${assessment.visit}" in the schedule of ${protocol.code}`);
    const date = requireDate(`date of ${assessment.participant}`, assessment.date);
    const window = visitWindow(visit, assessment.randomisedOn);
    const daysOutside = date < window.earliest ? daysBetween(window.earliest, date) : date > window.latest ? daysBetween(window.latest, date) : 0;
    return daysOutside === 0 ? [] : [{ kind: 'visit-window', participant: assessment.participant, visit: visit.name, date, ...window, daysOutside }];
  });
}

/** Participants who missed more doses than `threshold`. */
export function missedDoseDeviations(adherences: readonly Adherence[], threshold: number): MissedDosesDeviation[] {
  if (!(Number.isInteger(threshold) && threshold >= 0)) throw badRequest('threshold', 'must be a whole number of doses, 0 or more');
  return adherences
    .filter((a) => a.missed > threshold)
    .map((a) => ({ kind: 'missed-doses', participant: a.participant, missed: a.missed, threshold, expected: a.expected, taken: a.taken }));
}

/**
 * The adherence below which missed doses are a deviation, once enough doses were expected for a
 * share to mean something. The protocol schema has no such field, so the trial-wide rule is here:
 * below 80% after the first 14 days (one dose a day) is the usual bar of supplement trials.
 */
export const MINIMUM_ADHERENCE_PERCENT = 80;
export const ADHERENCE_JUDGED_AFTER_DOSES = 14;

/** Participants below MINIMUM_ADHERENCE_PERCENT once ADHERENCE_JUDGED_AFTER_DOSES doses were expected. */
export function lowAdherenceDeviations(adherences: readonly Adherence[]): MissedDosesDeviation[] {
  return adherences
    .filter((a) => a.expected >= ADHERENCE_JUDGED_AFTER_DOSES)
    .flatMap((a) => missedDoseDeviations([a], Math.floor((a.expected * (100 - MINIMUM_ADHERENCE_PERCENT)) / 100)));
}

/**
 * Which visit each assessment day was for, since an assessment does not name its visit: the visit
 * whose due day is nearest (the earlier visit on a tie), and of several days for one visit the one
 * nearest its due day (the earlier on a tie). Visits without an assessment are left out.
 */
export function assignVisits(protocol: Protocol, randomisedOn: string, dates: readonly string[]): { visit: string; date: string }[] {
  const dues = protocol.visits.map((visit) => ({ visit: visit.name, due: addDays(requireDate('randomisedOn', randomisedOn), visit.day) }));
  const distance = (date: string, due: string) => Math.abs(daysBetween(due, date));
  const chosen = new Map<string, string>();
  for (const date of [...dates].sort()) {
    const nearest = dues.reduce((best, candidate) => (distance(date, candidate.due) < distance(date, best.due) ? candidate : best));
    const current = chosen.get(nearest.visit);
    if (current === undefined || distance(date, nearest.due) < distance(current, nearest.due)) chosen.set(nearest.visit, date);
  }
  return dues.flatMap(({ visit }) => {
    const date = chosen.get(visit);
    return date === undefined ? [] : [{ visit, date }];
  });
}
