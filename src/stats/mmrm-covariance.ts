/**
 * Visit-by-visit covariance structures of the MMRM, with mmrm's definitions and parametrisation
 * (R package mmrm, src/covariance.h and the "Covariance structures" vignette):
 *
 * - standard deviations enter as log(sd): one for homogeneous structures, one per visit for
 *   heterogeneous ones (listed first);
 * - each correlation rho enters as theta = rho / sqrt(1 - rho^2), i.e. rho = theta / sqrt(1 + theta^2),
 *   except cs's and csh's: rho = invlogit(theta) (1 + a) - a, a = 1 / (t - 1);
 * - `us` is Sigma = L L' with L[i][i] = exp(theta_i) and, row by row, L[i][j] = exp(theta_i) * theta_k (j < i);
 * - `sp_exp` (spatial exponential) is Sigma_ab = exp(theta_0) rho^|c_a - c_b| with rho = 1 / (1 + exp(-theta_1))
 *   over the coordinates c of the visits (mmrm's get_spatial_exponential: exp(theta_0) is the variance).
 *
 * Every structure also gives the gradient of <Sigma(theta), G> for a symmetric G: the likelihood's
 * gradient and the Satterthwaite Jacobian are both such inner products.
 */
import { badData } from './errors.ts';
import { cholesky } from './linalg.ts';

export type CovarianceStructure = 'us' | 'cs' | 'csh' | 'ar1' | 'ar1h' | 'toep' | 'toeph' | 'ad' | 'adh' | 'sp_exp';

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
  'sp_exp',
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
const inverseLogit = (x: number) => 1 / (1 + Math.exp(-x));
/** Starting correlations are kept inside (-0.9, 0.9), well away from the boundary. */
const clampCorrelation = (rho: number) => Math.max(-0.9, Math.min(0.9, Number.isFinite(rho) ? rho : 0));

/**
 * The structure over `nVisits` visits; `coordinates` (one per visit) place the visits for `sp_exp`,
 * equally spaced when omitted.
 */
export function covarianceModel(structure: CovarianceStructure, nVisits: number, coordinates?: Float64Array): CovarianceModel {
  if (!covarianceStructures.includes(structure)) {
    throw badData(`unknown covariance structure ${String(structure)} (one of ${covarianceStructures.join(', ')})`);
  }
  if (!Number.isInteger(nVisits) || nVisits < 1) throw badData('the model needs at least one visit');
  if (structure === 'us') return unstructured(nVisits);
  if (nVisits < 2) throw badData(`covariance structure ${structure} needs at least two visits`);
  if (structure === 'sp_exp') return spatialExponential(coordinates ?? Float64Array.from({ length: nVisits }, (_, v) => v));
  return correlationStructure(structure, nVisits);
}

/** dSigma/dtheta_j for every j (each nVisits x nVisits), read off the inner-product gradient with unit matrices. */
export function covarianceJacobian(model: CovarianceModel, theta: Float64Array): Float64Array[] {
  const t = model.nVisits;
  const jacobian = Array.from({ length: model.nTheta }, () => new Float64Array(t * t));
  const unit = new Float64Array(t * t);
  for (let a = 0; a < t; a++) {
    for (let b = a; b < t; b++) {
      unit[a * t + b] = 1;
      unit[b * t + a] = 1;
      const gradient = model.innerProductGradient(theta, unit);
      unit[a * t + b] = 0;
      unit[b * t + a] = 0;
      // <dSigma, E_ab + E_ba> counts an off-diagonal entry twice.
      const share = a === b ? 1 : 0.5;
      for (let j = 0; j < model.nTheta; j++) {
        jacobian[j][a * t + b] = share * gradient[j];
        jacobian[j][b * t + a] = share * gradient[j];
      }
    }
  }
  return jacobian;
}

/** Step of the central differences of the Jacobian: truncation (~h^2) and rounding (~1e-16 / h) both near 1e-10. */
const SECOND_DERIVATIVE_STEP = 1e-5;

/**
 * d^2 Sigma / dtheta_i dtheta_j, entry i * nTheta + j, by central differences of the analytic
 * Jacobian (about 1e-10 relative), symmetrised in i and j.
 */
export function covarianceSecondDerivatives(model: CovarianceModel, theta: Float64Array): Float64Array[] {
  const n = model.nTheta;
  const size = model.nVisits * model.nVisits;
  const out = Array.from({ length: n * n }, () => new Float64Array(size));
  for (let j = 0; j < n; j++) {
    const h = SECOND_DERIVATIVE_STEP * Math.max(1, Math.abs(theta[j]));
    const up = theta.slice();
    const down = theta.slice();
    up[j] += h;
    down[j] -= h;
    const above = covarianceJacobian(model, up);
    const below = covarianceJacobian(model, down);
    for (let i = 0; i < n; i++) {
      for (let e = 0; e < size; e++) out[i * n + j][e] = (above[i][e] - below[i][e]) / (2 * h);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      for (let e = 0; e < size; e++) {
        const mean = 0.5 * (out[i * n + j][e] + out[j * n + i][e]);
        out[i * n + j][e] = mean;
        out[j * n + i][e] = mean;
      }
    }
  }
  return out;
}

function spatialExponential(coordinates: Float64Array): CovarianceModel {
  const t = coordinates.length;
  const distance = new Float64Array(t * t);
  for (let a = 0; a < t; a++) for (let b = 0; b < t; b++) distance[a * t + b] = Math.abs(coordinates[a] - coordinates[b]);
  const covariance = (theta: Float64Array) => {
    const variance = Math.exp(theta[0]);
    const logRho = Math.log(inverseLogit(theta[1]));
    return distance.map((d) => variance * Math.exp(d * logRho));
  };
  return {
    structure: 'sp_exp',
    nVisits: t,
    nTheta: 2,
    covariance,
    innerProductGradient(theta, g) {
      // d Sigma_ab / d theta_0 = Sigma_ab; d rho^d / d theta_1 = d rho^d (1 - rho).
      const sigma = covariance(theta);
      const oneMinusRho = 1 - inverseLogit(theta[1]);
      let inVariance = 0;
      let inRho = 0;
      for (let e = 0; e < t * t; e++) {
        inVariance += g[e] * sigma[e];
        inRho += g[e] * sigma[e] * distance[e] * oneMinusRho;
      }
      return Float64Array.from([inVariance, inRho]);
    },
    startingTheta(target) {
      let variance = 0;
      for (let a = 0; a < t; a++) variance += target[a * t + a] / t;
      // rho from each pair's correlation per unit of distance; pairs never observed together have 0 and are skipped.
      let sum = 0;
      let count = 0;
      for (let a = 0; a < t; a++) {
        for (let b = 0; b < a; b++) {
          const r = target[a * t + b] / Math.sqrt(target[a * t + a] * target[b * t + b]);
          const d = distance[a * t + b];
          if (r > 0 && d > 0) {
            sum += Math.min(0.95, Math.max(0.05, r)) ** (1 / d);
            count++;
          }
        }
      }
      const rho = count > 0 ? Math.min(0.95, Math.max(0.05, sum / count)) : 0.5;
      return Float64Array.from([Math.log(variance), Math.log(rho / (1 - rho))]);
    },
  };
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
function correlationStructure(structure: Exclude<CovarianceStructure, 'us' | 'sp_exp'>, t: number): CovarianceModel {
  const heterogeneous = structure.endsWith('h');
  const kind = (heterogeneous ? structure.slice(0, -1) : structure) as CorrelationKind;
  const nSd = heterogeneous ? t : 1;
  const nRho = kind === 'cs' || kind === 'ar1' ? 1 : t - 1;
  const nTheta = nSd + nRho;
  // mmrm maps cs's correlation onto (-1 / (t - 1), 1), where it is positive definite (utils.h, map_to_cs_cor).
  const csLower = 1 / (t - 1);
  const link =
    kind === 'cs'
      ? {
          to: (theta: number) => inverseLogit(theta) * (1 + csLower) - csLower,
          derivative: (theta: number) => inverseLogit(theta) * (1 - inverseLogit(theta)) * (1 + csLower),
          from: (rho: number) => {
            const share = (rho + csLower) / (1 + csLower);
            return Math.log(share / (1 - share));
          },
        }
      : { to: toCorrelation, derivative: correlationDerivative, from: fromCorrelation };

  const standardDeviations = (theta: Float64Array) => {
    const sd = new Float64Array(t);
    for (let i = 0; i < t; i++) sd[i] = Math.exp(theta[heterogeneous ? i : 0]);
    return sd;
  };
  const correlations = (theta: Float64Array) => {
    const rho = new Float64Array(nRho);
    for (let m = 0; m < nRho; m++) rho[m] = link.to(theta[nSd + m]);
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
        out[nSd + m] = 2 * s * link.derivative(theta[nSd + m]);
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
      for (let m = 0; m < nRho; m++) theta[nSd + m] = link.from(rho[m]);
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
