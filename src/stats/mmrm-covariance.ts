/**
 * Visit-by-visit covariance structures of the MMRM, with mmrm's definitions and parametrisation
 * (R package mmrm, src/covariance.h and the "Covariance structures" vignette):
 *
 * - standard deviations enter as log(sd): one for homogeneous structures, one per visit for
 *   heterogeneous ones (listed first);
 * - each correlation rho enters as theta = rho / sqrt(1 - rho^2), i.e. rho = theta / sqrt(1 + theta^2);
 * - `us` is Sigma = L L' with L[i][i] = exp(theta_i) and, row by row, L[i][j] = exp(theta_i) * theta_k (j < i).
 *
 * Every structure also gives the gradient of <Sigma(theta), G> for a symmetric G: the likelihood's
 * gradient and the Satterthwaite Jacobian are both such inner products.
 */
import { badData } from './errors.ts';
import { cholesky } from './linalg.ts';

export type CovarianceStructure = 'us' | 'cs' | 'csh' | 'ar1' | 'ar1h' | 'toep' | 'toeph' | 'ad' | 'adh';

export const covarianceStructures: readonly CovarianceStructure[] = [
  'us',
  'cs',
  'csh',
  'ar1',
  'ar1h',
  'toep',
  'toeph',
  'ad',
  'adh',
];

export interface CovarianceModel {
  readonly structure: CovarianceStructure;
  readonly nVisits: number;
  readonly nTheta: number;
  /** Sigma(theta), nVisits x nVisits row-major (not necessarily positive definite for cs, csh, toep, toeph). */
  covariance(theta: Float64Array): Float64Array;
  /** d<Sigma(theta), G>/d theta_j for every j, G symmetric nVisits x nVisits. */
  innerProductGradient(theta: Float64Array, g: Float64Array): Float64Array;
  /** Parameters whose covariance approximates `target` (a symmetric matrix, possibly indefinite). */
  startingTheta(target: Float64Array): Float64Array;
}

const toCorrelation = (theta: number) => theta / Math.sqrt(1 + theta * theta);
const correlationDerivative = (theta: number) => (1 + theta * theta) ** -1.5;
const fromCorrelation = (rho: number) => rho / Math.sqrt(1 - rho * rho);
/** Starting correlations are kept inside (-0.9, 0.9), well away from the boundary. */
const clampCorrelation = (rho: number) => Math.max(-0.9, Math.min(0.9, Number.isFinite(rho) ? rho : 0));

export function covarianceModel(structure: CovarianceStructure, nVisits: number): CovarianceModel {
  if (!covarianceStructures.includes(structure)) {
    throw badData(`unknown covariance structure ${String(structure)} (one of ${covarianceStructures.join(', ')})`);
  }
  if (!Number.isInteger(nVisits) || nVisits < 1) throw badData('the model needs at least one visit');
  if (structure === 'us') return unstructured(nVisits);
  if (nVisits < 2) throw badData(`covariance structure ${structure} needs at least two visits`);
  return correlationStructure(structure, nVisits);
}

function unstructured(t: number): CovarianceModel {
  const nTheta = (t * (t + 1)) / 2;
  // L from theta; the lower-triangle parameters follow row by row, as in mmrm.
  const lowerFactor = (theta: Float64Array) => {
    const l = new Float64Array(t * t);
    let k = t;
    for (let i = 0; i < t; i++) {
      const sd = Math.exp(theta[i]);
      for (let j = 0; j < i; j++) l[i * t + j] = sd * theta[k++];
      l[i * t + i] = sd;
    }
    return l;
  };
  return {
    structure: 'us',
    nVisits: t,
    nTheta,
    covariance(theta) {
      const l = lowerFactor(theta);
      const sigma = new Float64Array(t * t);
      for (let i = 0; i < t; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += l[i * t + k] * l[j * t + k];
          sigma[i * t + j] = s;
          sigma[j * t + i] = s;
        }
      }
      return sigma;
    },
    innerProductGradient(theta, g) {
      // <dSigma, G> = 2 <dL, G L> since Sigma = L L' and G is symmetric.
      const l = lowerFactor(theta);
      const gl = new Float64Array(t * t);
      for (let i = 0; i < t; i++) {
        for (let j = 0; j < t; j++) {
          let s = 0;
          for (let k = j; k < t; k++) s += g[i * t + k] * l[k * t + j];
          gl[i * t + j] = s;
        }
      }
      const out = new Float64Array(nTheta);
      let k = t;
      for (let i = 0; i < t; i++) {
        const sd = Math.exp(theta[i]);
        let rowSum = 0;
        for (let j = 0; j <= i; j++) rowSum += l[i * t + j] * gl[i * t + j];
        out[i] = 2 * rowSum;
        for (let j = 0; j < i; j++) out[k++] = 2 * sd * gl[i * t + j];
      }
      return out;
    },
    startingTheta(target) {
      const l = shrunkFactor(target, t);
      const theta = new Float64Array(nTheta);
      let k = t;
      for (let i = 0; i < t; i++) {
        const lii = l[i * t + i];
        theta[i] = Math.log(lii);
        for (let j = 0; j < i; j++) theta[k++] = l[i * t + j] / lii;
      }
      return theta;
    },
  };
}

/** Cholesky factor of `target` with its off-diagonal shrunk towards zero until it is positive definite. */
function shrunkFactor(target: Float64Array, t: number): Float64Array {
  const m = new Float64Array(t * t);
  for (let shrink = 1; ; shrink *= 0.8) {
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < t; j++) m[i * t + j] = i === j ? target[i * t + i] : shrink * target[i * t + j];
    }
    const l = cholesky(m, t);
    if (l !== null) return l;
    if (shrink < 1e-6) throw badData('cannot find starting values: a visit has no residual variance');
  }
}

type CorrelationKind = 'cs' | 'ar1' | 'toep' | 'ad';

/**
 * Sigma = D P D with D the standard deviations and P the correlation matrix of one of the
 * correlation kinds; `h` suffix = one standard deviation per visit.
 */
function correlationStructure(structure: Exclude<CovarianceStructure, 'us'>, t: number): CovarianceModel {
  const heterogeneous = structure.endsWith('h');
  const kind = (heterogeneous ? structure.slice(0, -1) : structure) as CorrelationKind;
  const nSd = heterogeneous ? t : 1;
  const nRho = kind === 'cs' || kind === 'ar1' ? 1 : t - 1;
  const nTheta = nSd + nRho;

  const standardDeviations = (theta: Float64Array) => {
    const sd = new Float64Array(t);
    for (let i = 0; i < t; i++) sd[i] = Math.exp(theta[heterogeneous ? i : 0]);
    return sd;
  };
  const correlations = (theta: Float64Array) => {
    const rho = new Float64Array(nRho);
    for (let m = 0; m < nRho; m++) rho[m] = toCorrelation(theta[nSd + m]);
    return rho;
  };
  // Correlation between visits a > b.
  const correlation = (rho: Float64Array, a: number, b: number): number => {
    switch (kind) {
      case 'cs':
        return rho[0];
      case 'ar1':
        return rho[0] ** (a - b);
      case 'toep':
        return rho[a - b - 1];
      case 'ad': {
        let product = 1;
        for (let k = b; k < a; k++) product *= rho[k];
        return product;
      }
    }
  };
  // d correlation(a, b) / d rho_m for visits a > b.
  const correlationDerivativeInRho = (rho: Float64Array, m: number, a: number, b: number): number => {
    switch (kind) {
      case 'cs':
        return 1;
      case 'ar1':
        return (a - b) * rho[0] ** (a - b - 1);
      case 'toep':
        return a - b - 1 === m ? 1 : 0;
      case 'ad': {
        if (m < b || m >= a) return 0;
        let product = 1;
        for (let k = b; k < a; k++) if (k !== m) product *= rho[k];
        return product;
      }
    }
  };

  return {
    structure,
    nVisits: t,
    nTheta,
    covariance(theta) {
      const sd = standardDeviations(theta);
      const rho = correlations(theta);
      const sigma = new Float64Array(t * t);
      for (let a = 0; a < t; a++) {
        sigma[a * t + a] = sd[a] * sd[a];
        for (let b = 0; b < a; b++) {
          const s = sd[a] * sd[b] * correlation(rho, a, b);
          sigma[a * t + b] = s;
          sigma[b * t + a] = s;
        }
      }
      return sigma;
    },
    innerProductGradient(theta, g) {
      const sd = standardDeviations(theta);
      const rho = correlations(theta);
      const out = new Float64Array(nTheta);
      // d Sigma[a][b] / d log sd_c = Sigma[a][b] (delta_ac + delta_bc).
      for (let a = 0; a < t; a++) {
        let rowSum = 0;
        for (let b = 0; b < t; b++) {
          const r = a === b ? 1 : correlation(rho, Math.max(a, b), Math.min(a, b));
          rowSum += g[a * t + b] * sd[a] * sd[b] * r;
        }
        out[heterogeneous ? a : 0] += 2 * rowSum;
      }
      for (let m = 0; m < nRho; m++) {
        let s = 0;
        for (let a = 1; a < t; a++) {
          for (let b = 0; b < a; b++) s += g[a * t + b] * sd[a] * sd[b] * correlationDerivativeInRho(rho, m, a, b);
        }
        out[nSd + m] = 2 * s * correlationDerivative(theta[nSd + m]);
      }
      return out;
    },
    startingTheta(target) {
      const theta = new Float64Array(nTheta);
      const variances = Array.from({ length: t }, (_, a) => target[a * t + a]);
      if (heterogeneous) variances.forEach((v, a) => (theta[a] = 0.5 * Math.log(v)));
      else theta[0] = 0.5 * Math.log(variances.reduce((s, v) => s + v, 0) / t);
      const r = (a: number, b: number) => target[a * t + b] / Math.sqrt(variances[a] * variances[b]);
      const meanAtLag = (lag: number) => {
        let s = 0;
        for (let b = 0; b + lag < t; b++) s += r(b + lag, b);
        return s / (t - lag);
      };
      const rho = new Float64Array(nRho);
      if (kind === 'cs') {
        let s = 0;
        for (let a = 1; a < t; a++) for (let b = 0; b < a; b++) s += r(a, b);
        // Compound symmetry is positive definite only for rho > -1 / (t - 1).
        rho[0] = Math.max(clampCorrelation(s / ((t * (t - 1)) / 2)), -0.5 / (t - 1));
      } else if (kind === 'ar1') {
        rho[0] = clampCorrelation(meanAtLag(1));
      } else if (kind === 'ad') {
        for (let k = 0; k < t - 1; k++) rho[k] = clampCorrelation(r(k + 1, k));
      } else {
        for (let d = 0; d < t - 1; d++) rho[d] = clampCorrelation(meanAtLag(d + 1));
        shrinkToeplitzUntilPositiveDefinite(rho, t);
      }
      for (let m = 0; m < nRho; m++) theta[nSd + m] = fromCorrelation(rho[m]);
      return theta;
    },
  };
}

function shrinkToeplitzUntilPositiveDefinite(rho: Float64Array, t: number): void {
  const p = new Float64Array(t * t);
  for (;;) {
    for (let a = 0; a < t; a++) for (let b = 0; b < t; b++) p[a * t + b] = a === b ? 1 : rho[Math.abs(a - b) - 1];
    if (cholesky(p, t) !== null) return;
    for (let d = 0; d < rho.length; d++) rho[d] *= 0.8;
  }
}
