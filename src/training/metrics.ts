import { addDays, daysBetween, weekStart } from '../shared/time.ts';

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
  /** The days summarised: 7, or fewer for the current week so far. */
  days: number;
  load: number;
  /** Mean daily load / SD of daily load over the 7 days (Foster 1998); null when every day is equal, or the week is not whole yet. */
  monotony: number | null;
  /** Weekly load x monotony (Foster 1998). */
  strain: number | null;
}

/**
 * Monday-to-Sunday weeks over consecutive daily loads. Whole weeks are summarised; with
 * `currentWeek` the week the days end in is too, so far (its load only: monotony needs 7 days).
 */
export function weeklySummaries(days: readonly DayLoad[], currentWeek = false): WeekSummary[] {
  const weeks: WeekSummary[] = [];
  for (let i = 0; i < days.length; i++) {
    if (weekStart(days[i].date) !== days[i].date) continue;
    const loads = days.slice(i, i + 7).map((d) => d.load);
    const load = loads.reduce((a, b) => a + b, 0);
    if (loads.length < 7) {
      if (currentWeek) weeks.push({ weekStart: days[i].date, days: loads.length, load, monotony: null, strain: null });
      break;
    }
    const sd = sampleSd(loads);
    const monotony = sd === 0 ? null : mean(loads) / sd;
    weeks.push({ weekStart: days[i].date, days: 7, load, monotony, strain: monotony === null ? null : load * monotony });
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

/** The EWMA weights, lambda = 2 / (N + 1) (Williams et al. 2017). */
const lambdas = ({ acuteDays, chronicDays }: WorkloadWindows) => ({ acute: 2 / (acuteDays + 1), chronic: 2 / (chronicDays + 1) });

/** One day's step of an EWMA. */
const ewma = (previous: number, load: number, lambda: number) => load * lambda + (1 - lambda) * previous;

/** The EWMA ratio on the `dayNumber`th day of a person's history (the first day is 1): withheld until a full chronic window has passed, or while the chronic EWMA is 0. */
const ewmaRatio = (dayNumber: number, acute: number, chronic: number, windows: WorkloadWindows) => (dayNumber >= windows.chronicDays && chronic > 0 ? acute / chronic : null);

/**
 * Acute:chronic workload ratios for consecutive daily loads that start at the person's first
 * recorded day. Rolling means need a full chronic window of history and are null before it;
 * EWMAs start from 0 the day before the first day, and their ratio is likewise withheld
 * until a full chronic window has passed, so early values do not mislead.
 */
export function workloadRatios(days: readonly DayLoad[], windows: WorkloadWindows = defaultWindows): DayRatio[] {
  const { acuteDays, chronicDays } = windows;
  const { acute: lambdaAcute, chronic: lambdaChronic } = lambdas(windows);
  let acuteEwma = 0;
  let chronicEwma = 0;
  let acuteSum = 0;
  let chronicSum = 0;
  return days.map((day, i) => {
    acuteSum += day.load - (i >= acuteDays ? days[i - acuteDays].load : 0);
    chronicSum += day.load - (i >= chronicDays ? days[i - chronicDays].load : 0);
    acuteEwma = ewma(acuteEwma, day.load, lambdaAcute);
    chronicEwma = ewma(chronicEwma, day.load, lambdaChronic);
    const acuteRolling = i + 1 >= acuteDays ? acuteSum / acuteDays : null;
    const chronicRolling = i + 1 >= chronicDays ? chronicSum / chronicDays : null;
    return {
      date: day.date,
      load: day.load,
      acuteRolling,
      chronicRolling,
      acwrRolling: acuteRolling !== null && chronicRolling ? acuteRolling / chronicRolling : null,
      acuteEwma,
      chronicEwma,
      acwrEwma: ewmaRatio(i + 1, acuteEwma, chronicEwma, windows),
    };
  });
}

/** How many days of EWMA ratios a stored state keeps before its last day: the wellness flag's baseline of 28 days. */
export const RATIO_HISTORY_DAYS = 28;

/**
 * A person's EWMA acute:chronic state (default windows), stored so that the ratios of their last
 * day with a load and of any later day follow without reading their history (docs/adr/0006).
 * It holds the state before the last day, not after it, so that another load on that same day
 * (a second session) is added without going back further.
 */
export interface LoadRatioState {
  /** The first and the last local day with a load. */
  firstDate: string;
  lastDate: string;
  /** The load of the last day, AU. */
  lastLoad: number;
  /** The EWMAs at the end of the day before lastDate (0 when lastDate is the first day). */
  acuteBefore: number;
  chronicBefore: number;
  /** The EWMA ratios of the RATIO_HISTORY_DAYS days before lastDate, oldest first; NaN where withheld. */
  ratiosBefore: Float64Array;
}

/**
 * Walks on from `before` through consecutive daily loads: `days` start on before's last day (its
 * load recomputed by the caller) or, without a state, on the person's first day; the last of
 * `days` is the new last day with a load. Same arithmetic as `workloadRatios`, so the same ratios.
 */
export function continueLoadRatioState(before: LoadRatioState | null, days: readonly DayLoad[]): LoadRatioState {
  const { acute: lambdaAcute, chronic: lambdaChronic } = lambdas(defaultWindows);
  const firstDate = before?.firstDate ?? days[0].date;
  let acute = before?.acuteBefore ?? 0;
  let chronic = before?.chronicBefore ?? 0;
  const ratios = before ? Array.from(before.ratiosBefore) : Array<number>(RATIO_HISTORY_DAYS).fill(NaN);
  let dayNumber = daysBetween(firstDate, days[0].date) + 1;
  for (const day of days.slice(0, -1)) {
    acute = ewma(acute, day.load, lambdaAcute);
    chronic = ewma(chronic, day.load, lambdaChronic);
    ratios.push(ewmaRatio(dayNumber++, acute, chronic, defaultWindows) ?? NaN);
  }
  const last = days[days.length - 1];
  return { firstDate, lastDate: last.date, lastLoad: last.load, acuteBefore: acute, chronicBefore: chronic, ratiosBefore: Float64Array.from(ratios.slice(-RATIO_HISTORY_DAYS)) };
}

/** A person's state from all their loads (any order, several a day); null when they have none. */
export function loadRatioState(loads: readonly DayLoad[]): LoadRatioState | null {
  if (loads.length === 0) return null;
  let first = loads[0].date;
  let last = first;
  for (const { date } of loads) {
    if (date < first) first = date;
    if (date > last) last = date;
  }
  return continueLoadRatioState(null, dailyLoads(loads, first, last));
}

/**
 * The EWMA ratios of the `count` days ending on `date`, oldest first and NaN where withheld, for a
 * date on or after the state's last day (at most RATIO_HISTORY_DAYS + 1 of them). No load comes
 * after the last day, so the EWMAs only decay; days before the wanted ones decay in one step.
 * One array a call: a cohort asks this of 10,000 people per view.
 */
export function ratiosThrough(state: LoadRatioState, date: string, count: number): Float64Array {
  const gap = daysBetween(state.lastDate, date);
  if (gap < 0 || count > RATIO_HISTORY_DAYS + 1) throw new RangeError(`ratios of ${count} days to ${date} do not follow from a state last loaded on ${state.lastDate}`);
  // The wanted days are date-count+1 .. date; the day k days after the last day (negative: before it) falls at k + offset.
  const offset = count - 1 - gap;
  const ratios = new Float64Array(count).fill(NaN);
  for (let j = Math.max(0, RATIO_HISTORY_DAYS - offset); j < RATIO_HISTORY_DAYS; j++) ratios[j - RATIO_HISTORY_DAYS + offset] = state.ratiosBefore[j];
  const { acute: lambdaAcute, chronic: lambdaChronic } = lambdas(defaultWindows);
  const lastDayNumber = daysBetween(state.firstDate, state.lastDate) + 1;
  let acute = ewma(state.acuteBefore, state.lastLoad, lambdaAcute);
  let chronic = ewma(state.chronicBefore, state.lastLoad, lambdaChronic);
  if (offset >= 0) ratios[offset] = ewmaRatio(lastDayNumber, acute, chronic, defaultWindows) ?? NaN;
  const skipped = Math.max(0, gap - count);
  acute *= (1 - lambdaAcute) ** skipped;
  chronic *= (1 - lambdaChronic) ** skipped;
  for (let k = skipped + 1; k <= gap; k++) {
    acute = ewma(acute, 0, lambdaAcute);
    chronic = ewma(chronic, 0, lambdaChronic);
    ratios[k + offset] = ewmaRatio(lastDayNumber + k, acute, chronic, defaultWindows) ?? NaN;
  }
  return ratios;
}
