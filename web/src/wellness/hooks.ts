import type { BodyOf, ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';

export type WellnessAnswers = BodyOf<'/api/me/wellness/today', 'put'>;
export type WellnessHistory = ResponseOf<'/api/people/{id}/wellness'>;
export type UnitWellness = ResponseOf<'/api/units/{id}/wellness'>;
export type Flag = NonNullable<WellnessHistory['flags']['wellness']>;
export type WellnessReport = WellnessHistory['reports'][number];

export const useWellnessHistory = (personId: number) => useApi('/api/people/{id}/wellness', { path: { id: personId } });
/** A unit's day for its card: the counts and who has not reported, not every participant's report. */
export const useUnitWellness = (unitId: number) => useApi('/api/units/{id}/wellness', { path: { id: unitId }, query: { people: 'not-reported' } });

/**
 * The questions, with the words at each end of the 1-7 scale as the participant sees them. The
 * server knows which end is good (src/wellness/model.ts) and scores accordingly.
 */
export const wellnessQuestions: Record<Exclude<keyof WellnessAnswers, 'hoursSlept'>, { label: string; low: string; high: string }> = {
  sleepQuality: { label: 'Sleep quality', low: 'very poor', high: 'excellent' },
  fatigue: { label: 'Fatigue', low: 'very fresh', high: 'exhausted' },
  stress: { label: 'Stress', low: 'very relaxed', high: 'very stressed' },
  soreness: { label: 'Muscle soreness', low: 'no soreness', high: 'very sore' },
};

/**
 * A flag in plain words, to the participant ("your usual range") or to staff about them
 * ("their"), with the usual value to compare: a score of 14 "well below your usual (about 21)".
 * `decimals` is how the value is read: a score as a whole number, a load ratio to two places.
 */
export function describeFlag(flag: Flag | null, whose: 'your' | 'their', decimals = 0): string {
  if (!flag || flag.state === 'too-little-history' || flag.mean === undefined || flag.z === undefined) return 'not enough history yet to compare';
  const usual = `${whose} usual (about ${flag.mean.toFixed(decimals)})`;
  if (flag.state === 'usual') return `within ${whose} usual range, about ${flag.mean.toFixed(decimals)}`;
  // Three spreads from the usual is rare for anyone: say it more strongly.
  const how = Math.abs(flag.z) >= 3 ? 'far' : 'well';
  return `${how} ${flag.z < 0 ? 'below' : 'above'} ${usual}`;
}
