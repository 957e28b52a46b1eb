import { BASELINE_DAYS, ownRangeFlag, type BaselineSums } from '../stats/own-range.ts';
import type { Generated } from 'kysely';
import { isoDateSchema } from '../roster/index.ts';
import type { RowProblem } from '../shared/csv.ts';
import { dayNumber } from '../shared/time.ts';

/**
 * The daily wellness self-report (after Hooper & Mackinnon 1995): four items on 1-7 plus
 * hours slept. Items are entered the way people think of them (good sleep is a high number,
 * bad fatigue is a high number); `direction` says which end is good, and every score turns
 * each item so that 7 is the good end before adding. docs/wellness.md shows the anchors.
 */
export const wellnessItems = {
  sleep_quality: { field: 'sleepQuality', direction: 'higher-is-better', anchors: ['very poor', 'excellent'] },
  fatigue: { field: 'fatigue', direction: 'higher-is-worse', anchors: ['very fresh', 'exhausted'] },
  stress: { field: 'stress', direction: 'higher-is-worse', anchors: ['very relaxed', 'very stressed'] },
  soreness: { field: 'soreness', direction: 'higher-is-worse', anchors: ['no soreness', 'very sore'] },
} as const;

export type WellnessItem = keyof typeof wellnessItems;
export const wellnessItemNames = Object.keys(wellnessItems) as WellnessItem[];
export const ITEM_MIN = 1;
export const ITEM_MAX = 7;

export type WellnessItems = Record<WellnessItem, number>;

/** An item's score with 7 always the good end. */
export const itemScore = (item: WellnessItem, raw: number) => (wellnessItems[item].direction === 'higher-is-better' ? raw : ITEM_MIN + ITEM_MAX - raw);

/** The wellness score: the four item scores added, 4 (worst) to 28 (best). */
export const wellnessScore = (items: WellnessItems) => wellnessItemNames.reduce((sum, item) => sum + itemScore(item, items[item]), 0);

/** The smallest SD a wellness score is judged against (src/stats/own-range.ts): a one-point dip of someone who always answers the same is not a flag. */
export const WELLNESS_SD_FLOOR = 1;

/**
 * Each report's baseline: the count, sum and sum of squares of the person's scores on the
 * BASELINE_DAYS days before it. `reports` are one person's, in date order; one pass, two pointers.
 * Stored on each row and refreshed in the transaction of every write, so the dashboard reads
 * one row per person instead of a month of history.
 */
export function baselinesOf(reports: readonly { date: string; score: number }[]): BaselineSums[] {
  const days = reports.map((r) => dayNumber(r.date));
  const sums: BaselineSums[] = [];
  let start = 0;
  let count = 0;
  let sum = 0;
  let sumOfSquares = 0;
  reports.forEach((report, i) => {
    while (days[start] < days[i] - BASELINE_DAYS) {
      const s = reports[start].score;
      count -= 1;
      sum -= s;
      sumOfSquares -= s * s;
      start += 1;
    }
    sums.push({ count, sum, sumOfSquares });
    count += 1;
    sum += report.score;
    sumOfSquares += report.score * report.score;
  });
  return sums;
}

export const wellnessFlag = (score: number, baseline: BaselineSums) => ownRangeFlag(score, baseline, 'low', WELLNESS_SD_FLOOR);

/**
 * The columns a report stores about its baseline: the sums and whether wellnessFlag flags the
 * report against them (1 or 0). Computed together, so the stored flag always follows the sums and
 * a day's flagged reports can be counted in SQL without a second copy of the rule.
 */
export function storedBaseline(score: number, baseline: BaselineSums) {
  return {
    baseline_count: baseline.count,
    baseline_sum: baseline.sum,
    baseline_sum_of_squares: baseline.sumOfSquares,
    flagged: wellnessFlag(score, baseline).state === 'flagged' ? 1 : 0,
  };
}

/** storedBaseline of each of one person's reports, in date order (baselinesOf). */
export const storedBaselinesOf = (reports: readonly { date: string; score: number }[]) => baselinesOf(reports).map((sums, i) => storedBaseline(reports[i].score, sums));


export interface WellnessTables {
  wellness_report: {
    id: Generated<number>;
    person_id: number;
    /** The day the report is for, in the participant's unit's time zone. */
    local_date: string;
    sleep_quality: number;
    fatigue: number;
    stress: number;
    soreness: number;
    hours_slept: number;
    /** The person's scores of the BASELINE_DAYS days before this one (baselinesOf), kept current by every write. */
    baseline_count: number;
    baseline_sum: number;
    baseline_sum_of_squares: number;
    /** 1 when wellnessFlag flags the report against the baseline above (storedBaseline), else 0; kept with it. */
    flagged: number;
    /** When it was last entered or changed. */
    reported_at: string;
    created_at: string;
    updated_at: string;
  };
}

export const hoursSleptMax = 24;

/** The wellness CSV: one row per participant per local day (docs/wellness.md). */
export const wellnessColumns = ['designation', 'date', 'sleep_quality', 'fatigue', 'stress', 'soreness', 'hours_slept'] as const;
/** What an export adds: computed or set by Muster, so an import accepts and ignores them. */
export const wellnessComputedColumns = ['score', 'flag', 'reported_at'] as const;

export interface WellnessImportRow {
  line: number;
  designation: string;
  date: string;
  items: WellnessItems;
  hoursSlept: number;
}

/** Checks one CSV record; returns the row, or every problem with it. */
export function checkWellnessRow(values: Record<string, string>, line: number): WellnessImportRow | RowProblem[] {
  const problems: RowProblem[] = [];
  const get = (c: string) => (values[c] ?? '').trim();
  const designation = get('designation');
  if (!designation) problems.push({ line, column: 'designation', reason: 'is required' });
  const date = get('date');
  if (!isoDateSchema.safeParse(date).success) problems.push({ line, column: 'date', reason: `'${date}' is not a date YYYY-MM-DD` });
  const items = {} as WellnessItems;
  for (const item of wellnessItemNames) {
    const cell = get(item);
    const value = Number(cell);
    if (!cell || !Number.isInteger(value) || value < ITEM_MIN || value > ITEM_MAX) problems.push({ line, column: item, reason: `'${cell}' is not a whole number from ${ITEM_MIN} to ${ITEM_MAX}` });
    items[item] = value;
  }
  const hours = get('hours_slept');
  const hoursSlept = Number(hours);
  if (!hours || !Number.isFinite(hoursSlept) || hoursSlept < 0 || hoursSlept > hoursSleptMax) problems.push({ line, column: 'hours_slept', reason: `'${hours}' is not a number of hours from 0 to ${hoursSleptMax}` });
  return problems.length ? problems : { line, designation, date, items, hoursSlept };
}
