/**
 * Empirical (sandwich) covariance of the MMRM's coefficients and its degrees of freedom, as R's mmrm
 * computes them (src/empirical.cpp, h_df_1d_sat_empirical):
 *
 *   cov(beta) = V [ sum_i X~_i' A_i e~_i e~_i' A_i X~_i ] V,   V = (X'WX)^-1,
 *
 * X~_i = L_i^-1 X_i and e~_i = L_i^-1 (y_i - X_i beta) whitened by the Cholesky factor of Sigma_i,
 * H_ii = X~_i V X~_i', and A_i = I ("empirical", CR0), (I - H_ii)^-1/2 ("empirical-br", the
 * bias-reduced CR2 of Bell and McCaffrey) or (I - H_ii)^-1 ("empirical-jackknife", CR3).
 *
 * df for l'beta (Bell and McCaffrey 2002): with G = M'M, column i of M = (I - H)[:, i] A_i X~_i V l,
 * df = tr(G)^2 / ||G||_F^2. Writing s_i = A_i X~_i V l and a_i = X~_i' s_i, and using X~'X~ = V^-1,
 * G = diag(|s_i|^2) - [a_i' V a_j], so the n x n matrix is never formed:
 *   tr(G) = sum |s_i|^2 - sum a_i'V a_i,  ||G||^2 = sum |s_i|^4 - 2 sum |s_i|^2 a_i'V a_i + tr(V B V B),  B = sum a_i a_i'.
 */
import { badData } from './errors.ts';
import { cholesky, multiply, quadraticForm, solveLowerInPlace, symmetricEigen } from './linalg.ts';
import type { MmrmData } from './mmrm-likelihood.ts';

export type EmpiricalCovariance = 'empirical' | 'empirical-br' | 'empirical-jackknife';

export interface Sandwich {
  covBeta: Float64Array;
  /** Bell and McCaffrey's Satterthwaite df for l'beta. */
  degreesOfFreedom(l: ArrayLike<number>): number;
}

/** Per subject: its number of rows, X~_i and A_i X~_i (rows x p each). */
interface SubjectBlocks {
  size: number;
  whitened: Float64Array;
  adjusted: Float64Array;
}

export function sandwich(
  data: MmrmData,
  sigma: Float64Array,
  beta: Float64Array,
  covBeta: Float64Array,
  type: EmpiricalCovariance,
): Sandwich {
  const { X, p, y, subject, visit, nVisits: t } = data;
  const rowsOf = new Map<number, number[]>();
  for (let r = 0; r < y.length; r++) {
    let rows = rowsOf.get(subject[r]);
    if (rows === undefined) rowsOf.set(subject[r], (rows = []));
    rows.push(r);
  }
  // Subjects with the same visits share Sigma_i's factor.
  const factors = new Map<string, Float64Array>();
  const meat = new Float64Array(p * p);
  const blocks: SubjectBlocks[] = [];
  for (const rows of rowsOf.values()) {
    rows.sort((a, b) => visit[a] - visit[b]);
    const size = rows.length;
    const key = rows.map((r) => visit[r]).join(',');
    let factor = factors.get(key);
    if (factor === undefined) {
      const sub = new Float64Array(size * size);
      rows.forEach((ra, a) => rows.forEach((rb, b) => (sub[a * size + b] = sigma[visit[ra] * t + visit[rb]])));
      const l = cholesky(sub, size);
      if (l === null) throw badData('the fitted covariance is not positive definite for a visit pattern');
      factors.set(key, (factor = l));
    }
    // [X_i | r_i] whitened in one solve.
    const q = p + 1;
    const augmented = new Float64Array(size * q);
    rows.forEach((r, a) => {
      let fitted = 0;
      for (let j = 0; j < p; j++) {
        augmented[a * q + j] = X[r * p + j];
        fitted += X[r * p + j] * beta[j];
      }
      augmented[a * q + p] = y[r] - fitted;
    });
    solveLowerInPlace(factor, size, augmented, q);
    const whitened = new Float64Array(size * p);
    const residual = new Float64Array(size);
    for (let a = 0; a < size; a++) {
      for (let j = 0; j < p; j++) whitened[a * p + j] = augmented[a * q + j];
      residual[a] = augmented[a * q + p];
    }
    const adjustment = adjustmentMatrix(whitened, size, p, covBeta, type);
    const adjusted = multiply(adjustment, whitened, size, size, p);
    // z_i = (A_i X~_i)' e~_i (A_i symmetric).
    const z = new Float64Array(p);
    for (let a = 0; a < size; a++) for (let j = 0; j < p; j++) z[j] += adjusted[a * p + j] * residual[a];
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) meat[i * p + j] += z[i] * z[j];
    blocks.push({ size, whitened, adjusted });
  }
  const covBetaEmpirical = multiply(multiply(covBeta, meat, p, p, p), covBeta, p, p, p);

  return {
    covBeta: covBetaEmpirical,
    degreesOfFreedom(l) {
      const u = new Float64Array(p);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) u[i] += covBeta[i * p + j] * l[j];
      let sumSquares = 0;
      let sumFourth = 0;
      let sumAva = 0;
      let sumCross = 0;
      const b = new Float64Array(p * p);
      const a = new Float64Array(p);
      for (const { size, whitened, adjusted } of blocks) {
        a.fill(0);
        let squares = 0;
        for (let r = 0; r < size; r++) {
          let s = 0;
          for (let j = 0; j < p; j++) s += adjusted[r * p + j] * u[j];
          squares += s * s;
          for (let j = 0; j < p; j++) a[j] += whitened[r * p + j] * s;
        }
        const ava = quadraticForm(covBeta, p, a, a);
        sumSquares += squares;
        sumFourth += squares * squares;
        sumAva += ava;
        sumCross += squares * ava;
        for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) b[i * p + j] += a[i] * a[j];
      }
      const vb = multiply(covBeta, b, p, p, p);
      let traceVbVb = 0;
      for (let i = 0; i < p; i++) for (let k = 0; k < p; k++) traceVbVb += vb[i * p + k] * vb[k * p + i];
      const traceG = sumSquares - sumAva;
      return (traceG * traceG) / (sumFourth - 2 * sumCross + traceVbVb);
    },
  };
}

/** A_i: I, (I - H_ii)^-1/2 (pseudo-inverse square root, as mmrm) or (I - H_ii)^-1. */
function adjustmentMatrix(whitened: Float64Array, size: number, p: number, covBeta: Float64Array, type: EmpiricalCovariance): Float64Array {
  const out = new Float64Array(size * size);
  if (type === 'empirical') {
    for (let a = 0; a < size; a++) out[a * size + a] = 1;
    return out;
  }
  const complement = new Float64Array(size * size);
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const h = quadraticForm(covBeta, p, whitened.subarray(a * p, (a + 1) * p), whitened.subarray(b * p, (b + 1) * p));
      complement[a * size + b] = (a === b ? 1 : 0) - h;
    }
  }
  const { values, vectors } = symmetricEigen(complement, size);
  const tolerance = Math.sqrt(Number.EPSILON) * Math.max(values[0], 0);
  const power = type === 'empirical-br' ? -0.5 : -1;
  for (let k = 0; k < size; k++) {
    if (!(values[k] > tolerance)) {
      if (type === 'empirical-jackknife') throw badData('a subject has all the leverage on its coefficients: the jackknife sandwich is undefined');
      continue;
    }
    const scale = values[k] ** power;
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) out[a * size + b] += scale * vectors[a * size + k] * vectors[b * size + k];
    }
  }
  return out;
}
