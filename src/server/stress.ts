/**
 * The stress tests (`*.stress.test.ts`) run a short form in `npm test`, so every kind runs in CI,
 * and their long form with `npm run test:stress`, which sets MUSTER_STRESS=long.
 */
export const longForm = process.env.MUSTER_STRESS === 'long';

/** The short or the long figure, by the run's form. */
export function byForm<T>(short: T, long: T): T {
  return longForm ? long : short;
}
