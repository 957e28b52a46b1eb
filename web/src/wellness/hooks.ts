import type { BodyOf, ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';

export type WellnessAnswers = BodyOf<'/api/me/wellness/today', 'put'>;
export type WellnessHistory = ResponseOf<'/api/people/{id}/wellness'>;
export type UnitWellness = ResponseOf<'/api/units/{id}/wellness'>;
export type Flag = NonNullable<WellnessHistory['flags']['wellness']>;

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

/** A flag in words, to the participant ("your usual range") or to staff about them ("their"). */
export function describeFlag(flag: Flag | null, whose: 'your' | 'their'): string {
  if (!flag || flag.state === 'too-little-history') return 'not enough history yet';
  const z = flag.z === undefined ? '' : ` (z = ${flag.z.toFixed(1)})`;
  return `${flag.state === 'flagged' ? 'outside' : 'within'} ${whose} usual range${z}`;
}
