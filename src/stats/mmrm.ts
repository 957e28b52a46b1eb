/**
 * Mixed model for repeated measures, reproducing R's mmrm: y_i ~ N(X_i beta, Sigma_i), Sigma_i the
 * rows and columns of the visit-by-visit covariance Sigma(theta) for the visits subject i has;
 * theta by REML or ML.
 *
 * Fitting: BFGS from data-driven starting values, then Newton steps to a verified minimum
 * (positive definite Hessian, negligible Newton decrement); fallbacks before giving up.
 * Inference, as mmrm's `method` and `vcov`:
 * - cov(beta): the model's (X'WX)^-1 ("model"), Kenward-Roger's adjustment of it (ddfm "kr",
 *   "kr-linear"), or a sandwich estimator (vcov "empirical", "empirical-br", "empirical-jackknife");
 * - df: Satterthwaite, 2 v^2 / (g' A g) with v = l'cov(beta)l, g = dv/dtheta (analytic) and
 *   A = inverse Hessian of -log L (mmrm's theta_vcov), or Bell and McCaffrey's for a sandwich;
 *   Kenward-Roger's; or the residual n - p.
 */
import { fisherFUpper } from './distributions.ts';
import { badData, notConverged } from './errors.ts';
import { cholesky, inverseFromCholesky, quadraticForm, symmetricEigen } from './linalg.ts';
import { covarianceModel } from './mmrm-covariance.ts';
import type { CovarianceModel, CovarianceStructure } from './mmrm-covariance.ts';
import { kenwardRoger } from './mmrm-kenward-roger.ts';
import { MmrmLikelihood } from './mmrm-likelihood.ts';
import type { Evaluation, MmrmData } from './mmrm-likelihood.ts';
import { bfgs, newton } from './mmrm-optimise.ts';
import type { Minimum, Objective } from './mmrm-optimise.ts';
import { coefficientCovariances, degreesOfFreedomMethods } from './mmrm-inference-options.ts';
import type { CoefficientCovariance, DegreesOfFreedomMethod } from './mmrm-inference-options.ts';
import { sandwich } from './mmrm-sandwich.ts';

export { covarianceStructures } from './mmrm-covariance.ts';
export type { CovarianceStructure } from './mmrm-covariance.ts';
export type { CoefficientCovariance, DegreesOfFreedomMethod } from './mmrm-inference-options.ts';

export interface MmrmInput extends MmrmData {
  covariance: CovarianceStructure;
  method: 'reml' | 'ml';
  /** The visits' names, for messages; without them visits are named by their index. */
  visitNames?: readonly string[];
  /** For `sp_exp`: the coordinate (time) of each visit index; equally spaced when omitted. */
  coordinates?: Float64Array;
  /** Default satterthwaite. */
  ddfm?: DegreesOfFreedomMethod;
  /** Default model. */
  vcov?: CoefficientCovariance;
}

export interface MmrmFit {
  converged: true;
  iterations: number;
  /** SAS "-2 Res Log Likelihood" (REML) / "-2 Log Likelihood" (ML), as mmrm. */
  neg2LogLik: number;
  beta: Float64Array;
  /** p x p row-major. */
  covBeta: Float64Array;
  /** nVisits x nVisits estimated covariance. */
  covariance: number[][];
  /** Variance parameters in mmrm's parametrisation. */
  theta: Float64Array;
  nSubjects: number;
  /** Inverse Hessian of -log L at the optimum (mmrm's theta_vcov). */
  thetaCovariance: Float64Array;
  /** l'beta, its SE and df by the chosen ddfm and vcov (mmrm's df_1d). */
  estimate(l: ArrayLike<number>): { estimate: number; se: number; df: number };
  /** F test of L beta = 0 (rows of L), as mmrm's df_md. */
  fTest(L: ArrayLike<number>[]): { f: number; numDf: number; denDf: number; p: number };
}

const MAX_BFGS_ITERATIONS = 400;
const MAX_NEWTON_ITERATIONS = 50;

export function fitMmrm(input: MmrmInput): MmrmFit {
  const { method } = input;
  const ddfm = input.ddfm ?? 'satterthwaite';
  const vcov = input.vcov ?? 'model';
  if (!degreesOfFreedomMethods.includes(ddfm)) throw badData(`unknown ddfm ${String(ddfm)} (one of ${degreesOfFreedomMethods.join(', ')})`);
  if (!coefficientCovariances.includes(vcov)) throw badData(`unknown vcov ${String(vcov)} (one of ${coefficientCovariances.join(', ')})`);
  if (ddfm.startsWith('kr') && vcov !== 'model') throw badData(`ddfm ${ddfm} adjusts the model's covariance of beta: it cannot be combined with vcov ${vcov}`);
  if (ddfm.startsWith('kr') && method !== 'reml') throw badData(`ddfm ${ddfm} needs REML (method reml)`);
  const { likelihood, model, objective } = prepare(input);
  const minimum = minimise(objective, startingValues(likelihood, model));
  const evaluation = likelihood.evaluate(minimum.x);
  const hessianFactor = cholesky(minimum.hessian, model.nTheta);
  if (evaluation === null || hessianFactor === null) {
    throw notConverged('the MMRM optimum was lost on re-evaluation');
  }
  // mmrm's theta_vcov is the inverse Hessian of -log L, i.e. twice that of our -2 log L.
  const thetaCovariance = inverseFromCholesky(hessianFactor, model.nTheta).map((v) => 2 * v);
  return buildFit(likelihood, evaluation, minimum, thetaCovariance, inferenceOf(input, ddfm, vcov, likelihood, evaluation, thetaCovariance));
}

/** cov(beta), the df of one linear function, and for Kenward-Roger the df and scale of an F test. */
interface Inference {
  covBeta: Float64Array;
  varianceAndDf(l: ArrayLike<number>): { variance: number; df: number };
  kenwardRogerF?: (rows: readonly ArrayLike<number>[]) => { df: number; lambda: number };
}

function inferenceOf(
  data: MmrmData,
  ddfm: DegreesOfFreedomMethod,
  vcov: CoefficientCovariance,
  likelihood: MmrmLikelihood,
  evaluation: Evaluation,
  thetaCovariance: Float64Array,
): Inference {
  const { p } = likelihood;
  const nTheta = evaluation.theta.length;
  const modelCovBeta = evaluation.covBeta;
  const satterthwaite = (l: ArrayLike<number>) => {
    const variance = quadraticForm(modelCovBeta, p, l, l);
    const g = likelihood.contrastVarianceGradient(evaluation, l);
    const denominator = quadraticForm(thetaCovariance, nTheta, g, g);
    // A variance that does not depend on theta has no estimation error to account for.
    return { variance, df: denominator > 0 ? (2 * variance * variance) / denominator : Infinity };
  };
  if (ddfm === 'kr' || ddfm === 'kr-linear') {
    const kr = kenwardRoger(likelihood, evaluation, thetaCovariance, ddfm === 'kr-linear');
    return {
      covBeta: kr.covBeta,
      // For one contrast Kenward-Roger's df are Satterthwaite's from the unadjusted covariance.
      varianceAndDf: (l) => ({ variance: quadraticForm(kr.covBeta, p, l, l), df: kr.degreesOfFreedom([l]).df }),
      kenwardRogerF: kr.degreesOfFreedom,
    };
  }
  const residualDf = likelihood.nObservations - p;
  if (vcov === 'model') {
    return { covBeta: modelCovBeta, varianceAndDf: ddfm === 'residual' ? (l) => ({ variance: quadraticForm(modelCovBeta, p, l, l), df: residualDf }) : satterthwaite };
  }
  const empirical = sandwich(data, evaluation.sigma, likelihood.beta(evaluation), modelCovBeta, vcov);
  return {
    covBeta: empirical.covBeta,
    varianceAndDf: (l) => ({
      variance: quadraticForm(empirical.covBeta, p, l, l),
      df: ddfm === 'residual' ? residualDf : empirical.degreesOfFreedom(l),
    }),
  };
}

/** The likelihood of the input and the objective the optimisers minimise; refuses what cannot be estimated. */
function prepare(input: MmrmInput): { likelihood: MmrmLikelihood; model: CovarianceModel; objective: Objective } {
  const { X, p, y, subject, visit, nVisits, method } = input;
  if (method !== 'reml' && method !== 'ml') throw badData(`unknown method ${String(method)}`);
  const model = covarianceModel(input.covariance, nVisits, input.coordinates);
  if (y.length - p < model.nTheta + 1) {
    throw badData(
      `too few observations for covariance structure ${model.structure}: ${y.length} observations, ` +
        `${p} fixed effects and ${model.nTheta} covariance parameters`,
    );
  }
  const likelihood = new MmrmLikelihood({ X, p, y, subject, visit, nVisits }, model, method);
  checkEstimable(likelihood, model, input.visitNames);
  return { likelihood, model, objective: objectiveOf(likelihood) };
}

/** The likelihood of an MMRM (checked as a fit checks it), for `refitMmrm`. */
export function mmrmLikelihood(input: MmrmInput): MmrmLikelihood {
  return prepare(input).likelihood;
}

/**
 * beta and Sigma (nVisits x nVisits) of a fit to data much like an earlier fit's (a participant
 * left out, a resample), without inference: quasi-Newton from the earlier optimum with its inverse
 * Hessian as the first approximation, which typically converges in a handful of gradients; the
 * full fit's attempts if that fails.
 */
export function refitMmrm(likelihood: MmrmLikelihood, earlier: Pick<MmrmFit, 'theta' | 'thetaCovariance'>): { beta: Float64Array; sigma: Float64Array } {
  checkEstimable(likelihood, likelihood.model);
  const objective = objectiveOf(likelihood);
  // thetaCovariance is the inverse Hessian of -log L; the objective is -2 log L.
  const inverseHessian = earlier.thetaCovariance.map((v) => v / 2);
  const near = bfgs(objective, earlier.theta, MAX_BFGS_ITERATIONS, inverseHessian);
  const x = near !== null && near.converged ? near.x : minimise(objective, startingValues(likelihood, likelihood.model)).x;
  const evaluation = likelihood.evaluate(x);
  if (evaluation === null) throw notConverged('the MMRM optimum was lost on re-evaluation');
  return { beta: likelihood.beta(evaluation), sigma: evaluation.sigma };
}

const objectiveOf = (likelihood: MmrmLikelihood): Objective => (theta) => {
  const evaluation = likelihood.evaluate(theta);
  if (evaluation === null) return null;
  return { value: evaluation.value, gradient: () => likelihood.gradient(evaluation) };
};

/** Refuses designs whose covariance parameters cannot be estimated, with a reason. */
function checkEstimable(likelihood: MmrmLikelihood, model: CovarianceModel, visitNames?: readonly string[]): void {
  const { nVisits, pairCounts, nSubjects } = likelihood;
  const name = (v: number) => (visitNames ? `"${visitNames[v]}"` : String(v));
  if (model.structure === 'us') {
    if (nSubjects <= nVisits) {
      throw badData(`the unstructured covariance over ${nVisits} visits needs more than ${nVisits} subjects, found ${nSubjects}`);
    }
    for (let a = 0; a < nVisits; a++) {
      for (let b = 0; b < a; b++) {
        if (pairCounts[a * nVisits + b] === 0) {
          throw badData(
            `visits ${name(b)} and ${name(a)} are never observed in the same subject: their covariance cannot be estimated ` +
              `(choose a structured covariance)`,
          );
        }
      }
    }
  } else if (nSubjects < 2) {
    throw badData(`covariance structure ${model.structure} needs at least two subjects`);
  }
}

/**
 * Starting points, best first: the structure closest to the OLS residuals' pairwise covariance;
 * then the same standard deviations with no correlation.
 */
function startingValues(likelihood: MmrmLikelihood, model: CovarianceModel): Float64Array[] {
  const target = likelihood.olsResidualCovariance;
  const t = likelihood.nVisits;
  const independent = new Float64Array(t * t);
  for (let a = 0; a < t; a++) independent[a * t + a] = target[a * t + a];
  return [model.startingTheta(target), model.startingTheta(independent)];
}

/** BFGS then Newton from each start; a damped Newton run from the first start as the last resort. */
function minimise(objective: Objective, starts: Float64Array[]): Minimum {
  const attempts: (() => Minimum | null)[] = [];
  for (const start of starts) {
    attempts.push(() => {
      const near = bfgs(objective, start, MAX_BFGS_ITERATIONS);
      return near === null ? null : newton(objective, near.x, MAX_NEWTON_ITERATIONS, near.iterations);
    });
  }
  attempts.push(() => newton(objective, starts[0], 4 * MAX_NEWTON_ITERATIONS));
  for (const attempt of attempts) {
    const minimum = attempt();
    if (minimum !== null) return minimum;
  }
  throw notConverged(
    'the MMRM did not converge (BFGS and Newton from two starting points): the covariance structure may be ' +
      'too rich for the data, or a variance is at its boundary',
  );
}

function buildFit(
  likelihood: MmrmLikelihood,
  evaluation: Evaluation,
  minimum: Minimum,
  thetaCovariance: Float64Array,
  inference: Inference,
): MmrmFit {
  const { p, nVisits: t } = likelihood;
  const beta = likelihood.beta(evaluation);
  const { covBeta, varianceAndDf, kenwardRogerF } = inference;
  const dotBeta = (l: ArrayLike<number>) => {
    let s = 0;
    for (let j = 0; j < p; j++) s += l[j] * beta[j];
    return s;
  };
  const checkLength = (l: ArrayLike<number>) => {
    if (l.length !== p) throw badData(`a contrast has ${l.length} coefficients, the model ${p}`);
  };

  return {
    converged: true,
    iterations: minimum.iterations,
    neg2LogLik: evaluation.value,
    beta,
    covBeta,
    covariance: Array.from({ length: t }, (_, a) => Array.from(evaluation.sigma.subarray(a * t, (a + 1) * t))),
    theta: evaluation.theta,
    thetaCovariance,
    nSubjects: likelihood.nSubjects,
    estimate(l) {
      checkLength(l);
      const { variance, df } = varianceAndDf(l);
      return { estimate: dotBeta(l), se: Math.sqrt(variance), df };
    },
    fTest(rows) {
      if (rows.length === 0) throw badData('an F test needs at least one contrast row');
      rows.forEach(checkLength);
      const test = rotatedFTest(rows, p, covBeta, dotBeta, varianceAndDf);
      if (kenwardRogerF === undefined) return test;
      // mmrm's h_df_md_kr: the Wald F scaled by lambda, on Kenward-Roger's denominator df.
      const { df, lambda } = kenwardRogerF(rows);
      const f = lambda * test.f;
      return { f, numDf: test.numDf, denDf: df, p: fisherFUpper(f, test.numDf, df) };
    },
  };
}

/**
 * mmrm's df_md_sat: rotate L beta = 0 onto the eigenvectors of L cov(beta) L', so that the F
 * statistic is the mean of independent squared t statistics; combine their df as
 * 2E / (E - rank), E = sum nu / (nu - 2) (the mean when all are equal, 2 when any is <= 2).
 */
function rotatedFTest(
  rows: ArrayLike<number>[],
  p: number,
  covBeta: Float64Array,
  dotBeta: (l: ArrayLike<number>) => number,
  varianceAndDf: (l: ArrayLike<number>) => { variance: number; df: number },
): { f: number; numDf: number; denDf: number; p: number } {
  const m = rows.length;
  const contrastCov = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) contrastCov[i * m + j] = quadraticForm(covBeta, p, rows[i], rows[j]);
  const { values, vectors } = symmetricEigen(contrastCov, m);
  const tolerance = Math.max(Math.sqrt(Number.EPSILON) * values[0], 0);
  let rank = 0;
  while (rank < m && values[rank] > tolerance) rank++;
  if (rank === 0) throw badData('the F test\'s contrast rows have no variance');
  const rotated = Array.from({ length: rank }, (_, k) => {
    const row = new Float64Array(p);
    for (let i = 0; i < m; i++) {
      const weight = vectors[i * m + k];
      for (let j = 0; j < p; j++) row[j] += weight * rows[i][j];
    }
    return row;
  });
  const squaredT: number[] = [];
  const dfs: number[] = [];
  for (const row of rotated) {
    const { variance, df } = varianceAndDf(row);
    squaredT.push(dotBeta(row) ** 2 / variance);
    dfs.push(df);
  }
  const f = squaredT.reduce((s, v) => s + v, 0) / rank;
  const denDf = combinedDenominatorDf(dfs);
  return { f, numDf: rank, denDf, p: fisherFUpper(f, rank, denDf) };
}

function combinedDenominatorDf(dfs: number[]): number {
  if (dfs.length === 1) return dfs[0];
  if (dfs.every((df, k) => k === 0 || Math.abs(df - dfs[k - 1]) < Math.sqrt(Number.EPSILON))) {
    return dfs.reduce((s, v) => s + v, 0) / dfs.length;
  }
  if (dfs.some((df) => df <= 2)) return 2;
  const e = dfs.reduce((s, df) => s + df / (df - 2), 0);
  return (2 * e) / (e - dfs.length);
}
