/**
 * Reference-based imputation by conditional means, as R's rbmi with method_condmean (Wolbers et al.
 * 2022; von Hippel and Bartlett 2021):
 *
 * 1. Imputation model: an MMRM (outcome ~ baseline + baseline:visit + arm + visit + arm:visit
 *    [+ covariates], REML) on the outcomes observed before each participant's intercurrent event;
 *    after an event handled by MAR the observed outcomes are kept (rbmi's rule).
 * 2. Each missing outcome (and each one after a non-MAR event) becomes its conditional mean given
 *    the participant's outcomes in the fit, mu_m + Sigma_mo Sigma_oo^-1 (y_o - mu_o), where the
 *    mean trajectory mu follows the participant's strategy (rbmi's strategy_* functions) built
 *    from their own arm's means and the reference arm's.
 * 3. Analysis: at each visit an ANCOVA outcome ~ arm [+ baseline] [+ covariates] on every
 *    participant (rbmi::ancova): contrasts are the arm coefficients; LS means use rbmi's
 *    "counterfactual" weights, the mean prediction over the participants with the arm set.
 * 4. Standard errors: jackknife (each participant left out in turn, everything refitted;
 *    SE^2 = (n-1)/n sum (theta_k - mean)^2) or a bootstrap of participants stratified by arm
 *    (SE = the replicates' standard deviation); normal intervals and p-values, df null.
 *
 * Everything after the imputation model is linear in the imputed values, so a delta added to
 * the imputed values of one arm moves each estimate by delta times the same analysis applied to
 * the indicator of the shifted values: every replicate keeps both, which gives the results and
 * the tipping point at any delta without refitting.
 *
 * The work splits into `prepareRbmi` (the table to plain typed arrays), `rbmiReplicate` (one fit,
 * imputation and analysis for a list of participants, repetitions allowed) and `summariseRbmi`:
 * the replicates are independent, so a caller may run them on several threads.
 */
import { buildDesign, factorVariable } from './design.ts';
import type { GridPoint } from './design.ts';
import { analysedRows, armVariable, isMissing, modelSpec, resolveColumns, selectRows, visitLevels } from './analysis.ts';
import type { AncovaOptions } from './analysis.ts';
import { standardNormalQuantile, standardNormalUpper } from './distributions.ts';
import { badData } from './errors.ts';
import { cholesky, solveWithCholesky } from './linalg.ts';
import { fitMmrm, mmrmLikelihood, refitMmrm } from './mmrm.ts';
import type { MmrmLikelihood } from './mmrm-likelihood.ts';
import type { CovarianceStructure } from './mmrm.ts';
import type { Table } from './table.ts';
import { seededRandom } from '../shared/random.ts';

export type ImputationStrategy = 'MAR' | 'JR' | 'CR' | 'CIR' | 'LMCF';
export const imputationStrategies: readonly ImputationStrategy[] = ['MAR', 'JR', 'CR', 'CIR', 'LMCF'];
export type RbmiMethod = 'jackknife' | 'bootstrap';
export const rbmiMethods: readonly RbmiMethod[] = ['jackknife', 'bootstrap'];

export interface RbmiOptions extends AncovaOptions {
  subject: string;
  visit: string;
  visits?: readonly string[];
  /** Of the imputation model; default us. */
  covariance?: CovarianceStructure;
  /** The intercurrent events: a subject and a visit column named as in the data, optionally `strategy`. */
  ice: Table;
  /** For events without their own strategy. */
  strategy: ImputationStrategy;
  /** The reference arm of JR, CR and CIR; default the control arm. */
  reference?: string;
  /** Default jackknife. */
  method?: RbmiMethod;
  /** Bootstrap: number of resamples (default 500) and the seed (default 1). */
  samples?: number;
  seed?: number;
  /** Added to every value imputed at or after an event in `deltaArm` (default 0). */
  delta?: number;
  /** Default: the one arm other than the control. */
  deltaArm?: string;
  /** Also find the smallest delta that overturns the verdict at the last visit. */
  tippingPoint?: boolean;
}

/** The problem as plain typed arrays (structured-cloneable, for worker threads). */
export interface RbmiProblem {
  nPatients: number;
  nVisits: number;
  /** Columns of the imputation model. */
  p: number;
  covariance: CovarianceStructure;
  /** Outcome per patient x visit; NaN where missing. */
  outcome: Float64Array;
  /** 1 where the outcome enters the imputation model. */
  inFit: Uint8Array;
  /** Per patient, the index of their pattern of outcomes in the model (shared by the conditional means). */
  fitPattern: Int32Array;
  /** Design rows of the imputation model per patient x visit: own arm, and the reference arm. */
  ownRows: Float64Array;
  referenceRows: Float64Array;
  /** Visit index of the event (nVisits: none) and the strategy's index in imputationStrategies. */
  eventVisit: Int32Array;
  strategy: Int8Array;
  /** 1 where an imputed value gets the delta (patient in the delta arm, at or after the event). */
  shifted: Uint8Array;
  /** ANCOVA per visit: nPatients x analysisP rows, and the arm columns (the control's is -1). */
  analysisP: number[];
  analysisRows: Float64Array[];
  armColumns: number[][];
  nArms: number;
  patientArm: Int32Array;
  /** The imputation model's fit to all the data, the start of every refit. */
  theta: Float64Array;
  thetaCovariance: Float64Array;
}

export interface RbmiEstimate {
  estimate: number;
  se: number;
  df: null;
  lower: number;
  upper: number;
}

export interface RbmiResult {
  kind: 'rbmi';
  outcome: string;
  arm: string;
  control: string;
  reference: string;
  strategy: ImputationStrategy;
  /** Participants per strategy actually used (events with their own strategy included). */
  strategies: Partial<Record<ImputationStrategy, number>>;
  method: 'condmean-jackknife' | 'condmean-bootstrap';
  samples?: number;
  seed?: number;
  covariance_structure: CovarianceStructure;
  visits: string[];
  n_subjects: number;
  n_events: number;
  n_imputed: number;
  delta: number;
  delta_arm: string | null;
  contrasts: ({ visit: string; contrast: string; p: number } & RbmiEstimate)[];
  lsmeans: ({ visit: string; arm: string } & RbmiEstimate)[];
  tipping_point?: TippingPoint;
}

export interface TippingPoint {
  visit: string;
  contrast: string;
  /** Whether the contrast is significant (two-sided 5%) at the analysis' delta. */
  significant: boolean;
  /** The delta nearest the analysis' delta at which that verdict changes; null if none does. */
  delta: number | null;
  scan: ({ delta: number; p: number } & RbmiEstimate)[];
}

/** Reads the table and the events into an RbmiProblem, and fits the imputation model to all the data. */
export function prepareRbmi(table: Table, options: RbmiOptions): { problem: RbmiProblem; labels: RbmiLabels } {
  const covariance = options.covariance ?? 'us';
  if (covariance === 'sp_exp') throw badData('--covariance: the imputation model has no coordinates: sp_exp is not available');
  if (!imputationStrategies.includes(options.strategy)) throw badData(`--strategy: "${String(options.strategy)}" is not one of ${imputationStrategies.join(', ')}`);
  const columns = resolveColumns(table, options, { '--subject': options.subject, '--visit': options.visit });
  const every = analysedRows(table, columns, true);
  if (every.missingCovariate > 0) {
    throw badData(`--baseline, --covariates: ${every.missingCovariate} rows lack a value; rbmi needs the baseline and every covariate on every row`);
  }
  const withOutcome = every.list.map((_, r) => r).filter((r) => !Number.isNaN(every.outcome[r]));
  const observed = selectRows(every, withOutcome);
  const visitColumn = columns.get('--visit') as number;
  const subjectColumn = columns.get('--subject') as number;
  const armColumn = columns.get('--arm') as number;
  const visits = visitLevels(table, observed, visitColumn, options);
  const armLevels = armVariable(table, observed, columns, options).levels;
  const reference = options.reference ?? options.control;
  if (!armLevels.includes(reference)) throw badData(`--reference: arm "${reference}" does not occur (arms: ${armLevels.join(', ')})`);
  const t = visits.length;

  // One row per patient and visit, the patient's arm the same on each.
  const patientIndex = new Map<string, number>();
  const patientNames: string[] = [];
  const rowAt: number[] = [];
  const patientArm: number[] = [];
  every.list.forEach((row, r) => {
    const name = row.cells[subjectColumn];
    let i = patientIndex.get(name);
    if (i === undefined) {
      patientIndex.set(name, (i = patientNames.length));
      patientNames.push(name);
      for (let v = 0; v < t; v++) rowAt.push(-1);
      patientArm.push(armLevels.indexOf(row.cells[armColumn]));
    }
    if (armLevels.indexOf(row.cells[armColumn]) !== patientArm[i]) {
      throw badData(`--arm: subject "${name}" is in arm "${armLevels[patientArm[i]]}" and, on line ${row.line}, "${row.cells[armColumn]}"`);
    }
    const v = visits.indexOf(row.cells[visitColumn]);
    if (rowAt[i * t + v] !== -1) throw badData(`--subject: subject "${name}" has two rows at ${options.visit} "${visits[v]}" (line ${row.line})`);
    rowAt[i * t + v] = r;
  });
  const n = patientNames.length;
  const absent = rowAt.findIndex((r) => r === -1);
  if (absent >= 0) {
    throw badData(
      `--visit: subject "${patientNames[Math.floor(absent / t)]}" has no row at ${options.visit} "${visits[absent % t]}" ` +
        '(rbmi needs a row per subject and visit, with an empty outcome where it is missing)',
    );
  }

  const events = readEvents(options, patientIndex, visits);
  const eventVisit = new Int32Array(n).fill(t);
  const strategy = new Int8Array(n).fill(imputationStrategies.indexOf('MAR'));
  for (const event of events) {
    eventVisit[event.patient] = event.visit;
    strategy[event.patient] = imputationStrategies.indexOf(event.strategy);
    if (event.strategy === 'LMCF' && event.visit === 0) {
      throw badData(`--ice: LMCF needs a visit before the event, and subject "${patientNames[event.patient]}"'s event is at the first visit`);
    }
  }
  const outcome = Float64Array.from(rowAt, (r) => every.outcome[r]);
  const inFit = Uint8Array.from(rowAt, (r, cell) => {
    const i = Math.floor(cell / t);
    const afterNonMarEvent = cell % t >= eventVisit[i] && imputationStrategies[strategy[i]] !== 'MAR';
    return !Number.isNaN(every.outcome[r]) && !afterNonMarEvent ? 1 : 0;
  });

  const patternIndex = new Map<string, number>();
  const fitPattern = Int32Array.from({ length: n }, (_, i) => {
    const key = inFit.subarray(i * t, (i + 1) * t).join('');
    if (!patternIndex.has(key)) patternIndex.set(key, patternIndex.size);
    return patternIndex.get(key) as number;
  });

  // The imputation model's design, and its rows for every patient and visit under either arm.
  const fitRows = selectRows(every, rowAt.filter((_, cell) => inFit[cell] === 1));
  const armVariableOfFit = factorVariable(options.arm, fitRows.list.map((row) => row.cells[armColumn]), { levels: armLevels });
  const visitVariableOfFit = factorVariable(options.visit, fitRows.list.map((row) => row.cells[visitColumn]), { levels: visits });
  const design = buildDesign(modelSpec(fitRows, armVariableOfFit, visitVariableOfFit, options));
  const p = design.p;
  const ownRows = new Float64Array(n * t * p);
  const referenceRows = new Float64Array(n * t * p);
  const referenceArm = armLevels.indexOf(reference);
  for (let cell = 0; cell < n * t; cell++) {
    const r = rowAt[cell];
    const point = (arm: number): GridPoint => {
      const entries = new Map<string, number | Float64Array>([
        [options.arm, oneHot(armLevels.length, arm)],
        [options.visit, oneHot(t, cell % t)],
      ]);
      for (const { name, values } of every.covariates) {
        if (values instanceof Float64Array) {
          entries.set(name, values[r]);
          continue;
        }
        const variable = design.variables.get(name);
        const level = variable?.kind === 'factor' ? variable.levels.indexOf(values[r]) : -1;
        if (level < 0) throw badData(`--covariates: "${values[r]}" of column "${name}" (line ${every.list[r].line}) occurs only where the outcome is missing`);
        entries.set(name, oneHot(variable?.kind === 'factor' ? variable.levels.length : 0, level));
      }
      return entries;
    };
    const what = `the mean of ${patientNames[Math.floor(cell / t)]} at ${visits[cell % t]}`;
    ownRows.set(design.reduce(design.rowAt(point(patientArm[Math.floor(cell / t)])), what), cell * p);
    referenceRows.set(design.reduce(design.rowAt(point(referenceArm)), what), cell * p);
  }

  // The ANCOVA of each visit, on every patient.
  const analysisP: number[] = [];
  const analysisRows: Float64Array[] = [];
  const armColumns: number[][] = [];
  for (let v = 0; v < t; v++) {
    const rows = selectRows(every, Array.from({ length: n }, (_, i) => rowAt[i * t + v]));
    const arm = factorVariable(options.arm, rows.list.map((row) => row.cells[armColumn]), { levels: armLevels });
    const analysis = buildDesign(modelSpec(rows, arm, null, options));
    analysisP.push(analysis.p);
    analysisRows.push(analysis.X);
    armColumns.push(
      armLevels.map((level, a) => {
        if (a === 0) return -1;
        const column = analysis.columns.findIndex((c) => c.label === `${options.arm}[${level}]`);
        if (column < 0) throw badData(`cannot estimate ${level} - ${options.control} at ${visits[v]}: the arm is aliased with the covariates`);
        return column;
      }),
    );
  }

  const deltaArm = deltaArmOf(options, armLevels);
  const shifted = Uint8Array.from({ length: n * t }, (_, cell) => {
    const i = Math.floor(cell / t);
    return deltaArm !== null && patientArm[i] === armLevels.indexOf(deltaArm) && cell % t >= eventVisit[i] && inFit[cell] === 0 ? 1 : 0;
  });

  const fitRowsData = fitData({ nVisits: t, p, outcome, inFit, ownRows }, Int32Array.from({ length: n }, (_, i) => i));
  const fit = fitMmrm({ ...fitRowsData, nVisits: t, visitNames: visits, covariance, method: 'reml' });
  const strategies: Partial<Record<ImputationStrategy, number>> = {};
  for (const event of events) strategies[event.strategy] = (strategies[event.strategy] ?? 0) + 1;
  return {
    problem: {
      nPatients: n,
      nVisits: t,
      p,
      covariance,
      outcome,
      inFit,
      fitPattern,
      ownRows,
      referenceRows,
      eventVisit,
      strategy,
      shifted,
      analysisP,
      analysisRows,
      armColumns,
      nArms: armLevels.length,
      patientArm: Int32Array.from(patientArm),
      theta: fit.theta,
      thetaCovariance: fit.thetaCovariance,
    },
    labels: { visits, armLevels, reference, deltaArm, strategies, nEvents: events.length, nImputed: inFit.reduce((s, used) => s + (used === 1 ? 0 : 1), 0) },
  };
}

/** What the summary needs besides the numbers. */
export interface RbmiLabels {
  visits: string[];
  armLevels: readonly string[];
  reference: string;
  deltaArm: string | null;
  strategies: Partial<Record<ImputationStrategy, number>>;
  nEvents: number;
  nImputed: number;
}

const oneHot = (length: number, index: number) => {
  const weights = new Float64Array(length);
  weights[index] = 1;
  return weights;
};

function deltaArmOf(options: RbmiOptions, armLevels: readonly string[]): string | null {
  const wanted = options.deltaArm !== undefined || options.tippingPoint === true || (options.delta ?? 0) !== 0;
  if (options.deltaArm !== undefined) {
    if (!armLevels.includes(options.deltaArm)) throw badData(`--delta-arm: arm "${options.deltaArm}" does not occur (arms: ${armLevels.join(', ')})`);
    if (options.tippingPoint && options.deltaArm === options.control) throw badData('--delta-arm: the tipping point shifts an arm compared with the control, not the control itself');
    return options.deltaArm;
  }
  if (!wanted) return null;
  if (armLevels.length !== 2) throw badData(`--delta-arm: name the arm whose imputed values move (arms: ${armLevels.join(', ')})`);
  return armLevels[1];
}

interface Event {
  patient: number;
  visit: number;
  strategy: ImputationStrategy;
}

/** The event file: the data's subject and visit columns, and an optional `strategy` column. */
function readEvents(options: RbmiOptions, patientIndex: Map<string, number>, visits: readonly string[]): Event[] {
  const { ice } = options;
  const column = (name: string) => {
    const index = ice.header.indexOf(name);
    if (index < 0) throw badData(`--ice: no column "${name}" (columns: ${ice.header.join(', ')})`);
    return index;
  };
  const subjectColumn = column(options.subject);
  const visitColumn = column(options.visit);
  const strategyColumn = ice.header.indexOf('strategy');
  const seen = new Map<number, number>();
  return ice.rows.map((row) => {
    const name = row.cells[subjectColumn] ?? '';
    const patient = patientIndex.get(name);
    if (patient === undefined) throw badData(`--ice: line ${row.line}: subject "${name}" is not in the data`);
    const earlier = seen.get(patient);
    if (earlier !== undefined) throw badData(`--ice: subject "${name}" has two events (lines ${earlier} and ${row.line})`);
    seen.set(patient, row.line);
    const visit = visits.indexOf(row.cells[visitColumn] ?? '');
    if (visit < 0) throw badData(`--ice: line ${row.line}: visit "${row.cells[visitColumn]}" is not one of ${visits.join(', ')}`);
    const own = strategyColumn >= 0 ? (row.cells[strategyColumn] ?? '').trim() : '';
    if (own !== '' && !imputationStrategies.includes(own as ImputationStrategy)) {
      throw badData(`--ice: line ${row.line}: strategy "${own}" is not one of ${imputationStrategies.join(', ')}`);
    }
    return { patient, visit, strategy: isMissing(own) ? options.strategy : (own as ImputationStrategy) };
  });
}

/** The imputation model's data for the listed patients (each listed patient a subject of its own). */
function fitData(problem: Pick<RbmiProblem, 'nVisits' | 'p' | 'outcome' | 'inFit' | 'ownRows'>, patients: Int32Array) {
  const { nVisits: t, p, outcome, inFit, ownRows } = problem;
  let count = 0;
  for (const i of patients) for (let v = 0; v < t; v++) count += inFit[i * t + v];
  const X = new Float64Array(count * p);
  const y = new Float64Array(count);
  const subject = new Int32Array(count);
  const visit = new Int32Array(count);
  let r = 0;
  patients.forEach((i, k) => {
    for (let v = 0; v < t; v++) {
      const cell = i * t + v;
      if (inFit[cell] === 0) continue;
      X.set(ownRows.subarray(cell * p, (cell + 1) * p), r * p);
      y[r] = outcome[cell];
      subject[r] = k;
      visit[r++] = v;
    }
  });
  return { X, p, y, subject, visit };
}

/**
 * One replicate: the imputation model refitted to the listed patients, their imputation and the
 * ANCOVAs. Returns each quantity (per visit: the contrasts, then the LS means) followed by its
 * change per unit of delta.
 */
export function rbmiReplicate(problem: RbmiProblem, plan: ReplicatePlan): Float64Array {
  const { nVisits: t, p } = problem;
  const { patients, leftOut } = plan;
  // A participant left out only changes their pattern's statistics in the full likelihood.
  const likelihood = leftOut === undefined ? likelihoodOf(problem, patients) : fullLikelihood(problem).withoutSubject(leftOut);
  const { beta, sigma } = refitMmrm(likelihood, problem);
  const imputed = new Float64Array(patients.length * t);
  const shift = new Float64Array(patients.length * t);
  const conditional = new ConditionalMeans(sigma, t);
  const own = new Float64Array(t);
  const reference = new Float64Array(t);
  const mean = new Float64Array(t);
  for (let k = 0; k < patients.length; k++) {
    const i = patients[k];
    for (let v = 0; v < t; v++) {
      const cell = i * t + v;
      own[v] = dot(problem.ownRows, cell * p, beta, p);
      reference[v] = dot(problem.referenceRows, cell * p, beta, p);
      shift[k * t + v] = problem.shifted[cell];
    }
    strategyMean(imputationStrategies[problem.strategy[i]], own, reference, problem.eventVisit[i], mean);
    conditional.impute(problem, i, mean, imputed, k * t);
  }
  const quantities = t * (2 * problem.nArms - 1);
  const out = new Float64Array(2 * quantities);
  for (let v = 0; v < t; v++) {
    const offset = v * (2 * problem.nArms - 1);
    ancova(problem, v, patients, [imputed, shift], out, [offset, quantities + offset]);
  }
  return out;
}

/** The listed patients (each a subject of its own, repetitions too) in the imputation model. */
const likelihoodOf = (problem: RbmiProblem, patients: Int32Array) =>
  mmrmLikelihood({ ...fitData(problem, patients), nVisits: problem.nVisits, covariance: problem.covariance, method: 'reml' });

/** Every patient's likelihood, built once per problem and thread: the jackknife takes one subject out of it. */
const fullLikelihoods = new WeakMap<RbmiProblem, MmrmLikelihood>();
function fullLikelihood(problem: RbmiProblem): MmrmLikelihood {
  let likelihood = fullLikelihoods.get(problem);
  if (likelihood === undefined) {
    likelihood = likelihoodOf(problem, Int32Array.from({ length: problem.nPatients }, (_, i) => i));
    fullLikelihoods.set(problem, likelihood);
  }
  return likelihood;
}

const dot = (rows: Float64Array, start: number, beta: Float64Array, p: number) => {
  let s = 0;
  for (let j = 0; j < p; j++) s += rows[start + j] * beta[j];
  return s;
};

/** The mean trajectory of rbmi's strategy_* for a participant whose event is at `event` (t: none), into `mean`. */
function strategyMean(strategy: ImputationStrategy, own: Float64Array, reference: Float64Array, event: number, mean: Float64Array): void {
  const t = own.length;
  const fromReference = strategy === 'CR' || (event === 0 && (strategy === 'JR' || strategy === 'CIR'));
  mean.set(fromReference && event < t ? reference : own);
  if (strategy === 'MAR' || fromReference) return;
  const last = event - 1;
  for (let v = event; v < t; v++) {
    if (strategy === 'JR') mean[v] = reference[v];
    else if (strategy === 'CIR') mean[v] = own[last] + reference[v] - reference[last];
    else mean[v] = own[last];
  }
}

/**
 * y_m = mu_m + Sigma_mo Sigma_oo^-1 (y_o - mu_o); the regression matrix depends only on which
 * visits are observed, so it is computed once per pattern.
 */
class ConditionalMeans {
  private readonly byPattern = new Map<number, { observed: number[]; missing: number[]; regression: Float64Array }>();
  constructor(
    private readonly sigma: Float64Array,
    private readonly t: number,
  ) {}

  /** Patient i's outcomes, observed or imputed, into out[at .. at + t). */
  impute(problem: RbmiProblem, i: number, mean: Float64Array, out: Float64Array, at: number): void {
    const { t } = this;
    const key = problem.fitPattern[i];
    let pattern = this.byPattern.get(key);
    if (pattern === undefined) this.byPattern.set(key, (pattern = this.regressionOf(problem.inFit.subarray(i * t, (i + 1) * t))));
    const { observed, missing, regression } = pattern;
    const outcome = problem.outcome;
    for (const v of observed) out[at + v] = outcome[i * t + v];
    for (let a = 0; a < missing.length; a++) {
      const m = missing[a];
      let value = mean[m];
      for (let b = 0; b < observed.length; b++) value += regression[a * observed.length + b] * (outcome[i * t + observed[b]] - mean[observed[b]]);
      out[at + m] = value;
    }
  }

  private regressionOf(inFit: Uint8Array) {
    const { t, sigma } = this;
    const observed: number[] = [];
    const missing: number[] = [];
    for (let v = 0; v < t; v++) (inFit[v] === 1 ? observed : missing).push(v);
    const no = observed.length;
    const regression = new Float64Array(missing.length * no);
    if (no > 0) {
      const oo = Float64Array.from({ length: no * no }, (_, e) => sigma[observed[Math.floor(e / no)] * t + observed[e % no]]);
      const factor = cholesky(oo, no);
      if (factor === null) throw badData('the imputation model\'s covariance is not positive definite');
      missing.forEach((m, a) => {
        // Row a of Sigma_mo Sigma_oo^-1 = Sigma_oo^-1 Sigma_om (symmetric Sigma_oo).
        const row = solveWithCholesky(factor, no, observed.map((o) => sigma[m * t + o]));
        regression.set(row, a * no);
      });
    }
    return { observed, missing, regression };
  }
}

/**
 * The ANCOVA at visit v on the listed patients, for each set of values (one factorisation):
 * writes the contrasts (arm coefficients) and the LS means (the mean design row with the arm
 * set, times the coefficients) at the set's offset.
 */
function ancova(problem: RbmiProblem, v: number, patients: Int32Array, valueSets: Float64Array[], out: Float64Array, offsets: number[]): void {
  const { nVisits: t, nArms } = problem;
  const p = problem.analysisP[v];
  const rows = problem.analysisRows[v];
  const arms = problem.armColumns[v];
  const xtx = new Float64Array(p * p);
  const xty = valueSets.map(() => new Float64Array(p));
  const meanRow = new Float64Array(p);
  for (let k = 0; k < patients.length; k++) {
    const i = patients[k];
    for (let a = 0; a < p; a++) {
      const xa = rows[i * p + a];
      if (xa === 0) continue;
      for (let set = 0; set < valueSets.length; set++) xty[set][a] += xa * valueSets[set][k * t + v];
      meanRow[a] += xa;
      for (let b = 0; b < p; b++) xtx[a * p + b] += xa * rows[i * p + b];
    }
  }
  for (let a = 0; a < p; a++) meanRow[a] /= patients.length;
  const factor = cholesky(xtx, p);
  if (factor === null) throw badData(`the analysis at visit ${v + 1} has a singular design in a replicate (a resample or leave-one-out without an arm?)`);
  valueSets.forEach((_, set) => {
    const coefficients = solveWithCholesky(factor, p, xty[set]);
    const offset = offsets[set];
    for (let a = 1; a < nArms; a++) out[offset + a - 1] = coefficients[arms[a]];
    for (let a = 0; a < nArms; a++) {
      let value = 0;
      for (let j = 0; j < p; j++) {
        const armColumn = arms.indexOf(j);
        value += (armColumn < 0 ? meanRow[j] : armColumn === a ? 1 : 0) * coefficients[j];
      }
      out[offset + nArms - 1 + a] = value;
    }
  });
}

/** A replicate's patients (repetitions allowed); `leftOut` names the one a jackknife replicate omits. */
export interface ReplicatePlan {
  patients: Int32Array;
  leftOut?: number;
}

/** The replicates: leave one out, or a bootstrap stratified by arm. */
export function replicatePlans(problem: RbmiProblem, method: RbmiMethod, samples: number, seed: number): ReplicatePlan[] {
  const n = problem.nPatients;
  if (method === 'jackknife') {
    return Array.from({ length: n }, (_, k) => ({ patients: Int32Array.from({ length: n - 1 }, (_, j) => (j < k ? j : j + 1)), leftOut: k }));
  }
  const random = seededRandom(seed);
  const byArm = Array.from({ length: problem.nArms }, (_, a) => Array.from(problem.patientArm.keys()).filter((i) => problem.patientArm[i] === a));
  return Array.from({ length: samples }, () => ({
    patients: Int32Array.from(byArm.flatMap((members) => members.map(() => members[Math.floor(random() * members.length)]))),
  }));
}

/** The result object from the full-data replicate and the jackknife or bootstrap replicates. */
export function summariseRbmi(
  problem: RbmiProblem,
  labels: RbmiLabels,
  options: RbmiOptions,
  full: Float64Array,
  replicates: Float64Array[],
): RbmiResult {
  const method = options.method ?? 'jackknife';
  const delta = options.delta ?? 0;
  const quantities = full.length / 2;
  const z = standardNormalQuantile(0.975);
  const { visits, armLevels } = labels;
  // SE^2(delta) = factor * sum_r ((a_r - mean a) + delta (b_r - mean b))^2.
  const spreadFactor = method === 'jackknife' ? (replicates.length - 1) / replicates.length : 1 / (replicates.length - 1);
  const at = (q: number, d: number) => {
    let meanA = 0;
    let meanB = 0;
    for (const r of replicates) {
      meanA += r[q] / replicates.length;
      meanB += r[quantities + q] / replicates.length;
    }
    let sum = 0;
    for (const r of replicates) sum += (r[q] - meanA + d * (r[quantities + q] - meanB)) ** 2;
    const estimate = full[q] + d * full[quantities + q];
    const se = Math.sqrt(spreadFactor * sum);
    return { estimate, se, df: null, lower: estimate - z * se, upper: estimate + z * se, p: 2 * standardNormalUpper(Math.abs(estimate / se)) };
  };
  const perVisit = 2 * armLevels.length - 1;
  const contrasts: RbmiResult['contrasts'] = [];
  const lsmeans: RbmiResult['lsmeans'] = [];
  visits.forEach((visit, v) => {
    for (let a = 1; a < armLevels.length; a++) contrasts.push({ visit, contrast: `${armLevels[a]} - ${options.control}`, ...at(v * perVisit + a - 1, delta) });
    for (let a = 0; a < armLevels.length; a++) {
      const { p: _p, ...estimate } = at(v * perVisit + armLevels.length - 1 + a, delta);
      lsmeans.push({ visit, arm: armLevels[a], ...estimate });
    }
  });
  const result: RbmiResult = {
    kind: 'rbmi',
    outcome: options.outcome,
    arm: options.arm,
    control: options.control,
    reference: labels.reference,
    strategy: options.strategy,
    strategies: labels.strategies,
    method: method === 'jackknife' ? 'condmean-jackknife' : 'condmean-bootstrap',
    ...(method === 'bootstrap' ? { samples: replicates.length, seed: options.seed ?? 1 } : {}),
    covariance_structure: problem.covariance,
    visits,
    n_subjects: problem.nPatients,
    n_events: labels.nEvents,
    n_imputed: labels.nImputed,
    delta,
    delta_arm: labels.deltaArm,
    contrasts,
    lsmeans,
  };
  if (options.tippingPoint && labels.deltaArm !== null) {
    const v = visits.length - 1;
    const q = v * perVisit + armLevels.indexOf(labels.deltaArm) - 1;
    result.tipping_point = tippingPoint(at, q, delta, z, visits[v], `${labels.deltaArm} - ${options.control}`);
  }
  return result;
}

/**
 * The verdict (two-sided 5%) changes where estimate(d)^2 = z^2 SE(d)^2; both sides are
 * quadratics in d (the estimate is linear, SE^2 quadratic), so the boundary is a root of one
 * quadratic: the nearest to the analysis' delta is the tipping point. The scan shows the way there.
 */
function tippingPoint(
  at: (q: number, d: number) => RbmiEstimate & { p: number },
  q: number,
  delta: number,
  z: number,
  visit: string,
  contrast: string,
): TippingPoint {
  // Fit the quadratic f(d) = estimate(d)^2 - z^2 SE(d)^2 through three points (it is exact).
  const f = (d: number) => {
    const value = at(q, d);
    return value.estimate ** 2 - z * z * value.se ** 2;
  };
  const [f0, f1, fm] = [f(delta), f(delta + 1), f(delta - 1)];
  const a = (f1 + fm) / 2 - f0;
  const b = (f1 - fm) / 2;
  const c = f0;
  const roots: number[] = [];
  if (Math.abs(a) < 1e-14 * Math.max(Math.abs(b), Math.abs(c))) {
    if (b !== 0) roots.push(-c / b);
  } else {
    const discriminant = b * b - 4 * a * c;
    if (discriminant >= 0) roots.push((-b + Math.sqrt(discriminant)) / (2 * a), (-b - Math.sqrt(discriminant)) / (2 * a));
  }
  const nearest = roots.length === 0 ? null : roots.reduce((best, r) => (Math.abs(r) < Math.abs(best) ? r : best));
  const tipping = nearest === null ? null : delta + nearest;
  const scanTo = tipping ?? delta;
  const scan = Array.from({ length: tipping === null ? 1 : 11 }, (_, k) => {
    const d = delta + ((scanTo - delta) * 2 * k) / 10;
    return { delta: d, ...at(q, d) };
  });
  return { visit, contrast, significant: f0 > 0, delta: tipping, scan };
}

/** Runs replicates (patient lists) and returns their results in order: in this thread, or spread over workers. */
export type ReplicateRunner = (problem: RbmiProblem, plans: ReplicatePlan[]) => Promise<Float64Array[]>;

export const runInThisThread: ReplicateRunner = (problem, plans) => Promise.resolve(plans.map((plan) => rbmiReplicate(problem, plan)));

/** The whole analysis: prepare, the full-data replicate, the jackknife or bootstrap, the summary. */
export async function analyzeRbmi(table: Table, options: RbmiOptions, run: ReplicateRunner = runInThisThread): Promise<RbmiResult> {
  const { problem, labels, full, plans } = startRbmi(table, options);
  return summariseRbmi(problem, labels, options, full, await run(problem, plans));
}

/** The same, every replicate in this thread (for a caller that is itself a worker thread). */
export function analyzeRbmiHere(table: Table, options: RbmiOptions): RbmiResult {
  const { problem, labels, full, plans } = startRbmi(table, options);
  return summariseRbmi(problem, labels, options, full, plans.map((plan) => rbmiReplicate(problem, plan)));
}

function startRbmi(table: Table, options: RbmiOptions) {
  const method = options.method ?? 'jackknife';
  if (!rbmiMethods.includes(method)) throw badData(`--method: "${String(method)}" is not one of ${rbmiMethods.join(', ')}`);
  const samples = options.samples ?? 500;
  if (method === 'bootstrap' && !(Number.isInteger(samples) && samples >= 2)) throw badData(`--samples: ${samples} is not a whole number of at least 2`);
  const { problem, labels } = prepareRbmi(table, options);
  const everyone = Int32Array.from({ length: problem.nPatients }, (_, i) => i);
  const full = rbmiReplicate(problem, { patients: everyone });
  return { problem, labels, full, plans: replicatePlans(problem, method, samples, options.seed ?? 1) };
}
