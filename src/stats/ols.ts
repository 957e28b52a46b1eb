/**
 * Ordinary least squares, as R's lm: estimates, their covariance, residual df, t-based
 * inference for linear functions and F tests. X must have full column rank (see design.ts).
 */
import { badData } from './errors.ts';
import { fisherFUpper } from './distributions.ts';
import {
  cholesky,
  crossProduct,
  crossProductVector,
  inverseFromCholesky,
  multiplyVector,
  quadraticForm,
  solveWithCholesky,
  spdInverse,
} from './linalg.ts';

export interface LinearEstimate {
  estimate: number;
  se: number;
  df: number;
}

export interface FTest {
  f: number;
  numDf: number;
  denDf: number;
  p: number;
}

export interface OlsFit {
  n: number;
  p: number;
  beta: Float64Array;
  /** p x p covariance of beta: sigma^2 (X'X)^-1. */
  covBeta: Float64Array;
  residualDf: number;
  rss: number;
  sigma: number;
  /** -2 log-likelihood (ML, as R's logLik.lm). */
  neg2LogLik: number;
  estimate(l: ArrayLike<number>): LinearEstimate;
  fTest(L: ArrayLike<number>[]): FTest;
}

export function fitOls(X: Float64Array, n: number, p: number, y: ArrayLike<number>): OlsFit {
  const residualDf = n - p;
  if (residualDf < 1) throw badData(`${n} observations cannot estimate ${p} coefficients with a residual variance`);
  const xtx = crossProduct(X, n, p);
  const factor = cholesky(xtx, p);
  if (!factor) throw badData('the design matrix is not of full column rank');
  const beta = solveWithCholesky(factor, p, crossProductVector(X, n, p, y));
  // One step of iterative refinement brings the normal equations to QR accuracy.
  const residuals = residualsOf(X, n, p, y, beta);
  const correction = solveWithCholesky(factor, p, crossProductVector(X, n, p, residuals));
  for (let j = 0; j < p; j++) beta[j] += correction[j];
  const finalResiduals = residualsOf(X, n, p, y, beta);
  let rss = 0;
  for (const r of finalResiduals) rss += r * r;
  const sigma2 = rss / residualDf;
  const covBeta = inverseFromCholesky(factor, p).map((v) => v * sigma2);

  const estimate = (l: ArrayLike<number>): LinearEstimate => {
    let value = 0;
    for (let j = 0; j < p; j++) value += l[j] * beta[j];
    return { estimate: value, se: Math.sqrt(quadraticForm(covBeta, p, l, l)), df: residualDf };
  };

  const fTest = (L: ArrayLike<number>[]): FTest => {
    const q = L.length;
    const lCovL = new Float64Array(q * q);
    const lBeta = new Float64Array(q);
    for (let i = 0; i < q; i++) {
      lBeta[i] = estimate(L[i]).estimate;
      for (let k = 0; k < q; k++) lCovL[i * q + k] = quadraticForm(covBeta, p, L[i], L[k]);
    }
    const inverse = spdInverse(lCovL, q);
    if (!inverse) throw badData('the hypothesis matrix of the F test is not of full row rank');
    const f = quadraticForm(inverse, q, lBeta, lBeta) / q;
    return { f, numDf: q, denDf: residualDf, p: fisherFUpper(f, q, residualDf) };
  };

  return {
    n,
    p,
    beta,
    covBeta,
    residualDf,
    rss,
    sigma: Math.sqrt(sigma2),
    neg2LogLik: n * (Math.log((2 * Math.PI * rss) / n) + 1),
    estimate,
    fTest,
  };
}

function residualsOf(X: Float64Array, n: number, p: number, y: ArrayLike<number>, beta: Float64Array): Float64Array {
  const fitted = multiplyVector(X, n, p, beta);
  return fitted.map((value, i) => y[i] - value);
}
