/**
 * Kenward and Roger (1997) for the MMRM, as R's mmrm computes it (R/kenwardroger.R, src/kr_comp.cpp):
 *
 *   V_adj = V + 2 V [ sum_ij w_ij (Q_ij - P_i V P_j - R_ij / 4) ] V
 *
 * with V = (X'WX)^-1, w = cov(theta) (mmrm's theta_vcov), and, summed over subjects,
 * P_i = X' dW/dtheta_i X = -X' W S_i W X, Q_ij = X' W S_i W S_j W X, R_ij = X' W S_ij W X,
 * S_i and S_ij the first and second derivatives of Sigma in mmrm's parametrisation. "kr-linear"
 * drops R (mmrm's vcov "Kenward-Roger-Linear", SAS ddfm=kr for us). Every sum over subjects is a
 * sum over visit patterns of X_k' M_k X_k, which the likelihood's pattern statistics give at once.
 * The degrees of freedom and the F scale are mmrm's h_kr_df, from the unadjusted V.
 */
import { covarianceJacobian, covarianceSecondDerivatives } from './mmrm-covariance.ts';
import type { Evaluation, MmrmLikelihood } from './mmrm-likelihood.ts';
import { multiply, spdInverse } from './linalg.ts';

export interface KenwardRoger {
  /** The adjusted covariance of beta, p x p. */
  covBeta: Float64Array;
  /** Denominator df and the F statistic's scale factor for the hypothesis L beta = 0 (rows of L). */
  degreesOfFreedom(rows: readonly ArrayLike<number>[]): { df: number; lambda: number };
}

export function kenwardRoger(
  likelihood: MmrmLikelihood,
  evaluation: Evaluation,
  thetaCovariance: Float64Array,
  linear: boolean,
): KenwardRoger {
  const { p, model } = likelihood;
  const t = likelihood.nVisits;
  const nTheta = model.nTheta;
  const v = evaluation.covBeta;
  const jacobian = covarianceJacobian(model, evaluation.theta);
  // sum_ij w_ij S_ij, over all visits.
  const weightedSecond = new Float64Array(t * t);
  if (!linear) {
    const second = covarianceSecondDerivatives(model, evaluation.theta);
    for (let ij = 0; ij < nTheta * nTheta; ij++) {
      const w = thetaCovariance[ij];
      for (let e = 0; e < t * t; e++) weightedSecond[e] += w * second[ij][e];
    }
  }

  const restrict = (m: Float64Array, visits: Int32Array) => {
    const tk = visits.length;
    const out = new Float64Array(tk * tk);
    for (let a = 0; a < tk; a++) for (let b = 0; b < tk; b++) out[a * tk + b] = m[visits[a] * t + visits[b]];
    return out;
  };
  const sandwich = (w: Float64Array, m: Float64Array, tk: number) => multiply(multiply(w, m, tk, tk, tk), w, tk, tk, tk);

  // Per pattern: W S_i W for each i (for P), and the centre of Q - R / 4 summed with the weights w_ij.
  const perThetaCentres: Float64Array[][] = Array.from({ length: nTheta }, () => []);
  const qrCentres = likelihood.patterns.map((pattern, k) => {
    const { visits } = pattern;
    const tk = visits.length;
    const w = evaluation.weights[k];
    // E_i = S_i W, so that W S_i W S_j W = W E_i E_j.
    const e = jacobian.map((d) => multiply(restrict(d, visits), w, tk, tk, tk));
    e.forEach((ei, i) => perThetaCentres[i].push(multiply(w, ei, tk, tk, tk)));
    const sum = new Float64Array(tk * tk);
    for (let i = 0; i < nTheta; i++) {
      for (let j = 0; j < nTheta; j++) {
        const wij = thetaCovariance[i * nTheta + j];
        if (wij === 0) continue;
        const product = multiply(e[i], e[j], tk, tk, tk);
        for (let c = 0; c < tk * tk; c++) sum[c] += wij * product[c];
      }
    }
    const centre = multiply(w, sum, tk, tk, tk);
    const second = sandwich(w, restrict(weightedSecond, visits), tk);
    // Symmetric in exact arithmetic (w is); symmetrised against rounding.
    for (let a = 0; a < tk; a++) {
      for (let b = 0; b <= a; b++) {
        const value = 0.5 * (centre[a * tk + b] + centre[b * tk + a]) - 0.25 * second[a * tk + b];
        centre[a * tk + b] = value;
        centre[b * tk + a] = value;
      }
    }
    return centre;
  });
  const pMatrices = perThetaCentres.map((centres) => likelihood.weightedCrossProduct(centres).map((x) => -x));
  const middle = likelihood.weightedCrossProduct(qrCentres);
  const vp = pMatrices.map((pi) => multiply(v, pi, p, p, p));
  for (let i = 0; i < nTheta; i++) {
    for (let j = 0; j < nTheta; j++) {
      const wij = thetaCovariance[i * nTheta + j];
      if (wij === 0) continue;
      const pvp = multiply(pMatrices[i], vp[j], p, p, p);
      for (let c = 0; c < p * p; c++) middle[c] -= wij * pvp[c];
    }
  }
  const adjustment = multiply(multiply(v, middle, p, p, p), v, p, p, p);
  const covBeta = v.map((x, c) => x + 2 * adjustment[c]);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) {
      const mean = 0.5 * (covBeta[a * p + b] + covBeta[b * p + a]);
      covBeta[a * p + b] = mean;
      covBeta[b * p + a] = mean;
    }
  }

  return {
    covBeta,
    degreesOfFreedom(rows) {
      const nl = rows.length;
      const lMatrix = new Float64Array(nl * p);
      rows.forEach((row, r) => lMatrix.set(Array.from(row), r * p));
      const lvl = multiply(multiply(lMatrix, v, nl, p, p), transpose(lMatrix, nl, p), nl, p, nl);
      const inverse = spdInverse(lvl, nl);
      if (inverse === null) return { df: NaN, lambda: NaN };
      // M V P_i V with M = L' (L V L')^-1 L; only traces of these and of their products are needed.
      const m = multiply(multiply(transpose(lMatrix, nl, p), inverse, p, nl, nl), lMatrix, p, nl, p);
      const terms = vp.map((vpi) => multiply(m, multiply(vpi, v, p, p, p), p, p, p));
      const traces = terms.map((m) => trace(m, p));
      let a1 = 0;
      let a2 = 0;
      for (let i = 0; i < nTheta; i++) {
        for (let j = 0; j < nTheta; j++) {
          const wij = thetaCovariance[i * nTheta + j];
          a1 += wij * traces[i] * traces[j];
          a2 += wij * traceOfProduct(terms[i], terms[j], p);
        }
      }
      // The hypothesis does not depend on theta: no estimation error to account for.
      if (!(a2 > 0)) return { df: Infinity, lambda: 1 };
      const b = (a1 + 6 * a2) / (2 * nl);
      const eStar = 1 / (1 - a2 / nl);
      const g = ((nl + 1) * a1 - (nl + 4) * a2) / ((nl + 2) * a2);
      const denominator = 3 * nl + 2 - 2 * g;
      const c1 = g / denominator;
      const c2 = (nl - g) / denominator;
      const c3 = (nl + 2 - g) / denominator;
      const vStar = ((2 / nl) * (1 + c1 * b)) / ((1 - c2 * b) ** 2 * (1 - c3 * b));
      const rho = vStar / (2 * eStar * eStar);
      const df = 4 + (nl + 2) / (nl * rho - 1);
      return { df, lambda: df / (eStar * (df - 2)) };
    },
  };
}

function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j];
  return out;
}

const trace = (a: Float64Array, n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i * n + i];
  return s;
};

/** tr(A B) for n x n matrices without forming the product. */
function traceOfProduct(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + i];
  return s;
}
