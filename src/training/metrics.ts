import { addDays, weekStart } from '../shared/time.ts';

/**
 * Training-load metrics, pure. Formulas and references are in docs/training.md; the tests
 * check each against hand-computed values.
 */

/** Session-RPE load (Foster et al. 2001): CR-10 rating x session minutes, in arbitrary units (AU). */
export const sessionLoad = (rpe: number, minutes: number) => rpe * minutes;

export interface DayLoad {
  date: string;
  load: number;
}

/** The day after each date seen: a cohort's series (10,000 people × months of days) walk the same few hundred dates. */
const dayAfter = new Map<string, string>();
function nextDay(date: string): string {
  let next = dayAfter.get(date);
  if (next === undefined) dayAfter.set(date, (next = addDays(date, 1)));
  return next;
}

/** One entry per calendar day from `from` to `to` inclusive, summing the loads of each day (0 when none). */
export function dailyLoads(sessions: readonly DayLoad[], from: string, to: string): DayLoad[] {
  const byDate = new Map<string, number>();
  for (const s of sessions) byDate.set(s.date, (byDate.get(s.date) ?? 0) + s.load);
  const days: DayLoad[] = [];
  for (let date = from; date <= to; date = nextDay(date)) days.push({ date, load: byDate.get(date) ?? 0 });
  return days;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation (n - 1), as Foster's spreadsheet computes it. */
function sampleSd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export interface WeekSummary {
  weekStart: string;
  load: number;
  /** Mean daily load / SD of daily load over the 7 days (Foster 1998); null when every day is equal. */
  monotony: number | null;
  /** Weekly load x monotony (Foster 1998). */
  strain: number | null;
}

/** Monday-to-Sunday weeks over consecutive daily loads; only whole weeks are summarised. */
export function weeklySummaries(days: readonly DayLoad[]): WeekSummary[] {
  const weeks: WeekSummary[] = [];
  for (let i = 0; i + 7 <= days.length; i++) {
    if (weekStart(days[i].date) !== days[i].date) continue;
    const loads = days.slice(i, i + 7).map((d) => d.load);
    const load = loads.reduce((a, b) => a + b, 0);
    const sd = sampleSd(loads);
    const monotony = sd === 0 ? null : mean(loads) / sd;
    weeks.push({ weekStart: days[i].date, load, monotony, strain: monotony === null ? null : load * monotony });
    i += 6;
  }
  return weeks;
}

export interface WorkloadWindows {
  acuteDays: number;
  chronicDays: number;
}

export const defaultWindows: WorkloadWindows = { acuteDays: 7, chronicDays: 28 };

export interface DayRatio {
  date: string;
  load: number;
  /** Rolling averages (Hulin et al. 2016; Gabbett 2016): mean daily load over the last N days, today included; the chronic window contains the acute one (coupled). */
  acuteRolling: number | null;
  chronicRolling: number | null;
  acwrRolling: number | null;
  /** Exponentially weighted moving averages (Williams et al. 2017), lambda = 2 / (N + 1). */
  acuteEwma: number;
  chronicEwma: number;
  acwrEwma: number | null;
}

/**
 * Acute:chronic workload ratios for consecutive daily loads that start at the person's first
 * recorded day. Rolling means need a full chronic window of history and are null before it;
 * EWMAs start from 0 the day before the first day, and their ratio is likewise withheld
 * until a full chronic window has passed, so early values do not mislead.
 */
export function workloadRatios(days: readonly DayLoad[], windows: WorkloadWindows = defaultWindows): DayRatio[] {
  const { acuteDays, chronicDays } = windows;
  const lambdaAcute = 2 / (acuteDays + 1);
  const lambdaChronic = 2 / (chronicDays + 1);
  let acuteEwma = 0;
  let chronicEwma = 0;
  let acuteSum = 0;
  let chronicSum = 0;
  return days.map((day, i) => {
    acuteSum += day.load - (i >= acuteDays ? days[i - acuteDays].load : 0);
    chronicSum += day.load - (i >= chronicDays ? days[i - chronicDays].load : 0);
    acuteEwma = day.load * lambdaAcute + (1 - lambdaAcute) * acuteEwma;
    chronicEwma = day.load * lambdaChronic + (1 - lambdaChronic) * chronicEwma;
    const full = i + 1 >= chronicDays;
    const acuteRolling = i + 1 >= acuteDays ? acuteSum / acuteDays : null;
    const chronicRolling = full ? chronicSum / chronicDays : null;
    return {
      date: day.date,
      load: day.load,
      acuteRolling,
      chronicRolling,
      acwrRolling: acuteRolling !== null && chronicRolling ? acuteRolling / chronicRolling : null,
      acuteEwma,
      chronicEwma,
      acwrEwma: full && chronicEwma > 0 ? acuteEwma / chronicEwma : null,
    };
  });
}
