/**
 * Distribution functions of the statistics engine: the distribution functions from @stdlib
 * (accurate to about 1e-13), the t quantile as the root of @stdlib's t cdf (to the last few bits).
 * Upper tails are computed without the cancellation of `1 - cdf` where an exact identity allows.
 * Only what the engine uses is imported: `muster analyze` loads this bundle at every start.
 */
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import fCdf from '@stdlib/stats-base-dists-f-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';

/** P(T <= x) for Student's t with `df` degrees of freedom. */
export const studentTCdf = (x: number, df: number): number => tCdf(x, df);

/** P(T > x); by symmetry the lower tail at -x, which keeps small tails exact. */
export const studentTUpper = (x: number, df: number): number => tCdf(-x, df);

/** Two-sided p-value of a t statistic: P(|T| >= |t|). */
export const studentTTwoSided = (t: number, df: number): number => 2 * tCdf(-Math.abs(t), df);

/**
 * The q-quantile of Student's t: Newton's method on the cdf from the Cornish-Fisher expansion
 * around the normal quantile, solved for |x| in the smaller tail. The tail is convex on the
 * positive axis, so from the first step on Newton approaches the root from below and never
 * overshoots; the density only sets
 * the speed, the root is the cdf's own. (@stdlib's quantile inverts the incomplete beta function:
 * about 8 ms cold for a command's twenty intervals, and a third of the bundle.)
 */
export function studentTQuantile(q: number, df: number): number {
  if (Number.isNaN(q) || Number.isNaN(df) || q < 0 || q > 1 || !(df > 0)) return NaN;
  if (!Number.isFinite(df)) return standardNormalQuantile(q);
  if (q === 0.5) return 0;
  if (q === 0 || q === 1) return q === 0 ? -Infinity : Infinity;
  // The smaller tail, exactly (1 - q is exact for q >= 1/2; 1 - (1 - q) would not be for small q).
  const tail = q < 0.5 ? q : 1 - q;
  const z = -standardNormalQuantile(tail);
  const z2 = z * z;
  // Cornish-Fisher (Abramowitz and Stegun 26.7.5), three terms.
  let x = z + (z * (z2 + 1)) / (4 * df) + (z * (5 * z2 * z2 + 16 * z2 + 3)) / (96 * df * df) + (z * (3 * z2 ** 3 + 19 * z2 * z2 + 17 * z2 - 15)) / (384 * df ** 3);
  if (!(x > 0) || !Number.isFinite(x)) x = z;
  const logScale = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  for (let iteration = 0; iteration < 500; iteration++) {
    const density = Math.exp(logScale - ((df + 1) / 2) * Math.log1p((x * x) / df));
    // The upper tail as the lower tail at -x keeps small tails exact.
    const step = (tCdf(-x, df) - tail) / density;
    const next = x + step;
    // From the right a step may leave the positive axis: halve instead.
    x = next > 0 ? next : x / 2;
    // Near the root convergence is quadratic; a step this small leaves an error at the last bits.
    if (Math.abs(step) <= 1e-13 * x) break;
  }
  return q < 0.5 ? -x : x;
}

/** log Gamma(x) for x > 0 (Lanczos, g = 7, n = 9: about 1e-15 relative); only the t density's scale needs it. */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const y = x - 1;
  let sum = c[0];
  for (let k = 1; k < 9; k++) sum += c[k] / (y + k);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

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
