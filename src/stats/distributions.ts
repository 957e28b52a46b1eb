/**
 * Distribution functions of the statistics engine, all from @stdlib (accurate to about 1e-13).
 * Upper tails are computed without the cancellation of `1 - cdf` where an exact identity allows.
 * Only what the engine uses is imported: `muster analyze` loads this bundle at every start.
 */
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import fCdf from '@stdlib/stats-base-dists-f-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** P(T <= x) for Student's t with `df` degrees of freedom. */
export const studentTCdf = (x: number, df: number): number => tCdf(x, df);

/** P(T > x); by symmetry the lower tail at -x, which keeps small tails exact. */
export const studentTUpper = (x: number, df: number): number => tCdf(-x, df);

/** Two-sided p-value of a t statistic: P(|T| >= |t|). */
export const studentTTwoSided = (t: number, df: number): number => 2 * tCdf(-Math.abs(t), df);

/** The q-quantile of Student's t. */
export const studentTQuantile = (q: number, df: number): number => tQuantile(q, df);

/** P(F <= x) for the F distribution with (numDf, denDf) degrees of freedom. */
export const fisherFCdf = (x: number, numDf: number, denDf: number): number => fCdf(x, numDf, denDf);

/** P(F > x) = P(F(denDf, numDf) < 1/x): exact for small tails where 1 - cdf would cancel. */
export const fisherFUpper = (x: number, numDf: number, denDf: number): number =>
  x <= 0 ? 1 : fCdf(1 / x, denDf, numDf);

/** P(X <= x) for chi-square with `df` degrees of freedom. */
export const chiSquareCdf = (x: number, df: number): number => chisquareCdf(x, df);

/** P(X > x) for chi-square (1 - cdf: exact to about 1e-16 absolute, not relative, in the far tail). */
export const chiSquareUpper = (x: number, df: number): number => 1 - chisquareCdf(x, df);

/** P(Z <= x) for the standard normal. */
export const standardNormalCdf = (x: number): number => normalCdf(x, 0, 1);

/** P(Z > x) for the standard normal, by symmetry. */
export const standardNormalUpper = (x: number): number => normalCdf(-x, 0, 1);

/** The q-quantile of the standard normal. */
export const standardNormalQuantile = (q: number): number => normalQuantile(q, 0, 1);
