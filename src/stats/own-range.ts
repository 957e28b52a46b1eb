/**
 * "Outside the participant's own recent range": a value against the same person's values of
 * the previous BASELINE_DAYS days (the day itself not counted). With at least
 * MIN_BASELINE_REPORTS values there, z = (value − mean) / max(SD, floor), sample SD, and the
 * flag is raised at |z| ≥ Z_THRESHOLD on the side that is bad: a low wellness score, a high
 * load ratio. The floor keeps someone who always answers the same from being flagged for a
 * one-point dip.
 */
export const BASELINE_DAYS = 28;
export const MIN_BASELINE_REPORTS = 7;
export const Z_THRESHOLD = 1.5;
export const ACWR_SD_FLOOR = 0.1;

export interface BaselineSums {
  count: number;
  sum: number;
  sumOfSquares: number;
}

export type RangeFlag =
  | { state: 'flagged' | 'usual'; value: number; z: number; mean: number; sd: number; count: number }
  | { state: 'too-little-history'; value: number; count: number };

export function ownRangeFlag(value: number, baseline: BaselineSums, bad: 'low' | 'high', sdFloor: number): RangeFlag {
  const { count, sum, sumOfSquares } = baseline;
  if (count < MIN_BASELINE_REPORTS) return { state: 'too-little-history', value, count };
  const mean = sum / count;
  const sd = Math.sqrt(Math.max(0, (sumOfSquares - (sum * sum) / count) / (count - 1)));
  const z = (value - mean) / Math.max(sd, sdFloor);
  const flagged = bad === 'low' ? z <= -Z_THRESHOLD : z >= Z_THRESHOLD;
  return { state: flagged ? 'flagged' : 'usual', value, z, mean, sd, count };
}

/** The sums of a baseline's values; NaN marks a day without one (a withheld load ratio) and is left out. */
export function baselineOf(values: Iterable<number>): BaselineSums {
  let count = 0;
  let sum = 0;
  let sumOfSquares = 0;
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    count += 1;
    sum += value;
    sumOfSquares += value * value;
  }
  return { count, sum, sumOfSquares };
}
