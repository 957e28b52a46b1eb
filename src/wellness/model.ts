import { sql, type RawBuilder } from 'kysely';
import type { Generated } from 'kysely';

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

/** The same score as an SQL expression over wellness_report's columns, built from the same item directions. */
export function wellnessScoreSql(): RawBuilder<number> {
  const terms = wellnessItemNames.map((item) => (wellnessItems[item].direction === 'higher-is-better' ? sql`${sql.ref(item)}` : sql`(${sql.lit(ITEM_MIN + ITEM_MAX)} - ${sql.ref(item)})`));
  return sql<number>`(${sql.join(terms, sql` + `)})`;
}

/**
 * A low-wellness flag: today's score against the participant's own previous BASELINE_DAYS
 * days (not counting today). With at least MIN_BASELINE_REPORTS reports there,
 * z = (score − mean) / max(SD, SD_FLOOR), sample SD; the flag is raised at z ≤ Z_THRESHOLD.
 * The floor keeps someone who always answers the same from being flagged for a one-point dip.
 */
export const BASELINE_DAYS = 28;
export const MIN_BASELINE_REPORTS = 7;
export const Z_THRESHOLD = -1.5;
export const SD_FLOOR = 1;

export interface BaselineSums {
  count: number;
  sum: number;
  sumOfSquares: number;
}

export type WellnessFlag =
  | { state: 'low'; z: number; mean: number; sd: number; reports: number }
  | { state: 'usual'; z: number; mean: number; sd: number; reports: number }
  | { state: 'too-few-reports'; reports: number };

export function wellnessFlag(score: number, baseline: BaselineSums): WellnessFlag {
  const { count, sum, sumOfSquares } = baseline;
  if (count < MIN_BASELINE_REPORTS) return { state: 'too-few-reports', reports: count };
  const mean = sum / count;
  const variance = Math.max(0, (sumOfSquares - (sum * sum) / count) / (count - 1));
  const sd = Math.sqrt(variance);
  const z = (score - mean) / Math.max(sd, SD_FLOOR);
  return { state: z <= Z_THRESHOLD ? 'low' : 'usual', z, mean, sd, reports: count };
}

export const baselineOf = (scores: readonly number[]): BaselineSums => ({
  count: scores.length,
  sum: scores.reduce((a, b) => a + b, 0),
  sumOfSquares: scores.reduce((a, b) => a + b * b, 0),
});

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
    /** When it was last entered or changed. */
    reported_at: string;
    created_at: string;
    updated_at: string;
  };
}
