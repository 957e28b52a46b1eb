/**
 * The MMRM's (restricted) likelihood as a function of the covariance parameters theta, with its
 * analytic gradient, computed from sufficient statistics per pattern of observed visits.
 *
 * Model: y_i ~ N(X_i beta, Sigma_i), Sigma_i = the rows and columns of Sigma(theta) for the visits
 * subject i has. For fixed theta, beta is the GLS estimate; the objective is -2 log L (ML) or
 * -2 log L_R (REML), exactly as mmrm's TMB objective times two (SAS's "-2 (Res) Log Likelihood").
 *
 * Subjects with the same observed visits share Sigma_i, hence one Cholesky factor and one inverse W
 * per evaluation. Writing z_ia = (x_ia, y_ia) for subject i's row at visit a, a pattern keeps, for
 * each pair of its visits a <= b, Z_ab = sum_i (z_ia z_ib' + z_ib z_ia') (symmetric, (p+1)^2,
 * upper triangle packed). Then for every theta:
 *   [X'WX X'Wy; y'WX y'Wy] = sum_patterns sum_{a<=b} omega_ab Z_ab, omega_ab = W_ab (a < b), W_aa / 2;
 * and the gradient needs, per pattern, F_ab = 1/2 <Z_ab, [C + b b', -b; -b', 1]> = tr(C S_ab) + sum_i r_ia r_ib
 * (C = (X'WX)^-1 for REML, 0 for ML; S_ab = sum_i x_ia x_ib'), giving
 *   d(-2 log L)/d theta_j = <dSigma/d theta_j, sum_patterns embed(n_k W - W F W)>.
 * The cost of an evaluation is O(patterns * t^2 * p^2), independent of the number of subjects
 * (patterns with very few subjects are instead summed subject by subject, see Pattern).
 */
import { badData } from './errors.ts';
import type { CovarianceModel } from './mmrm-covariance.ts';
import {
  cholesky,
  choleskyInto,
  inverseFromCholesky,
  logDetFromCholesky,
  solveWithCholesky,
} from './linalg.ts';

export interface MmrmData {
  /** Row-major n x p design. */
  X: Float64Array;
  p: number;
  /** n outcomes. */
  y: Float64Array;
  /** 0..nSubjects-1 per row. */
  subject: Int32Array;
  /** 0..nVisits-1 per row; a subject has at most one row per visit. */
  visit: Int32Array;
  nVisits: number;
}

/**
 * Subjects sharing one set of observed visits. A pattern with enough subjects keeps the pooled
 * pair statistics Z_ab; one with few keeps its subjects' rows z_ia instead, which is then both
 * smaller and cheaper per evaluation (e.g. the rare intermittent-missingness patterns).
 */
export type Pattern = {
  /** Visits observed, increasing. */
  visits: Int32Array;
  nSubjects: number;
  /** The subjects' indices (as in MmrmData.subject), in the order of `rows`. */
  subjects: Int32Array;
} & (
  | {
      kind: 'pooled';
      /**
       * Z_ab for a <= b (pattern-local indices, pair order (0,0),(0,1)..(0,t-1),(1,1)..), each packed
       * and kept sparse: most entries pair a visit's dummy with another visit's and are zero.
       * Pair k's non-zero entries are entryIndex/entryValue[pairStart[k] .. pairStart[k + 1] - 1].
       */
      pairStart: Int32Array;
      entryIndex: Int32Array;
      entryValue: Float64Array;
    }
  | {
      kind: 'subjects';
      /** z_ia for each subject i and visit a, nSubjects x t_k x (p+1). */
      rows: Float64Array;
    }
);

export type Pooling = 'auto' | 'always' | 'never';

/** Everything that follows from one theta; `null` from `evaluate` when Sigma(theta) is not positive definite. */
export interface Evaluation {
  theta: Float64Array;
  value: number;
  sigma: Float64Array;
  /** Per pattern: W = Sigma_k^-1, t_k x t_k. */
  weights: Float64Array[];
  /** GLS estimate for the analysed (internally centred) outcome; see `MmrmLikelihood.beta`. */
  betaCentred: Float64Array;
  /** (X'WX)^-1. */
  covBeta: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

export class MmrmLikelihood {
  readonly nObservations: number;
  readonly nSubjects: number;
  readonly p: number;
  readonly nVisits: number;
  readonly patterns: Pattern[];
  readonly reml: boolean;
  /** Number of subjects observed at each pair of visits (nVisits x nVisits). */
  readonly pairCounts: Int32Array;
  /** Pairwise covariance of the OLS residuals by visit (0 for visits never observed together): for starting values. */
  readonly olsResidualCovariance: Float64Array;
  /** The OLS fit removed from y before accumulating (see constructor); added back to beta. */
  private readonly olsBeta: Float64Array;
  private readonly packedSize: number;
  private readonly packedRowStart: Int32Array;
  /** The rows of [X y] (y centred) and each subject's row at each visit (-1: none): to take a subject out. */
  private readonly augmentedRows: SparseRows;
  private readonly rowAt: Int32Array;

  constructor(
    data: MmrmData,
    readonly model: CovarianceModel,
    method: 'reml' | 'ml',
    /** How patterns keep their data (see Pattern); 'auto' picks the cheaper per pattern. */
    pooling: Pooling = 'auto',
  ) {
    const { X, p, y, subject, visit, nVisits } = data;
    const n = y.length;
    this.reml = method === 'reml';
    this.nObservations = n;
    this.p = p;
    this.nVisits = nVisits;
    validateShapes(data);

    const { rowAt, subjectSlots } = rowsBySubjectAndVisit(subject, visit, nVisits);
    this.pairCounts = countPairs(rowAt, subjectSlots, nVisits);
    for (let v = 0; v < nVisits; v++) {
      if (this.pairCounts[v * nVisits + v] === 0) throw badData(`visit ${v} has no data`);
    }

    // Centring y on its OLS fit leaves the likelihood unchanged (beta shifts by the OLS estimate)
    // and keeps the sufficient statistics free of cancellation when the outcome's mean is large
    // against its spread. The rows of [X y] are built once; y is replaced by its residual in place.
    const rows = augmentedSparseRows(X, n, p, y);
    this.olsBeta = olsEstimate(rows, p);
    const residual = centreOutcome(rows, this.olsBeta);

    this.olsResidualCovariance = pairwiseCovariance(residual, rowAt, subjectSlots, nVisits, this.pairCounts);

    const q = p + 1;
    this.packedSize = (q * (q + 1)) / 2;
    this.packedRowStart = new Int32Array(q);
    for (let r = 0; r < q; r++) this.packedRowStart[r] = r * q - (r * (r - 1)) / 2;
    this.augmentedRows = rows;
    this.rowAt = rowAt;
    this.patterns = this.accumulatePatterns(this.augmentedRows, rowAt, subjectSlots, pooling);
    this.nSubjects = this.patterns.reduce((sum, pattern) => sum + pattern.nSubjects, 0);
  }

  /**
   * The likelihood of the same data without one subject (a jackknife replicate): only that
   * subject's pattern changes, by its own pair products, so nothing else is recomputed. The
   * outcome stays centred on the full data's OLS fit, which leaves the likelihood unchanged.
   */
  withoutSubject(subject: number): MmrmLikelihood {
    const k = this.patterns.findIndex((pattern) => pattern.subjects.includes(subject));
    if (k < 0) return this;
    const pattern = this.patterns[k];
    const { visits } = pattern;
    const t = this.nVisits;
    const tk = visits.length;
    const position = pattern.subjects.indexOf(subject);
    const subjects = pattern.subjects.filter((_, i) => i !== position);
    const patterns = this.patterns.slice();
    if (subjects.length === 0) patterns.splice(k, 1);
    else if (pattern.kind === 'subjects') {
      const block = tk * (this.p + 1);
      const rows = new Float64Array(subjects.length * block);
      rows.set(pattern.rows.subarray(0, position * block));
      rows.set(pattern.rows.subarray((position + 1) * block), position * block);
      patterns[k] = { ...pattern, nSubjects: subjects.length, subjects, rows };
    } else {
      patterns[k] = { ...pattern, nSubjects: subjects.length, subjects, ...this.subtractSubject(pattern, subject) };
    }
    const pairCounts = this.pairCounts.slice();
    for (const a of visits) for (const b of visits) pairCounts[a * t + b]--;
    const reduced = Object.create(MmrmLikelihood.prototype) as MmrmLikelihood;
    return Object.assign(reduced, this, { patterns, pairCounts, nSubjects: this.nSubjects - 1, nObservations: this.nObservations - tk });
  }

  /** A pooled pattern's statistics less one subject's z_a z_b' + z_b z_a', sparse again. */
  private subtractSubject(pattern: PooledPattern, subject: number) {
    const { packedSize, packedRowStart } = this;
    const { start, index, value } = this.augmentedRows;
    const { visits, pairStart, entryIndex, entryValue } = pattern;
    const tk = visits.length;
    const pairs = (tk * (tk + 1)) / 2;
    const dense = new Float64Array(pairs * packedSize);
    for (let pair = 0; pair < pairs; pair++) {
      for (let e = pairStart[pair]; e < pairStart[pair + 1]; e++) dense[pair * packedSize + entryIndex[e]] = entryValue[e];
    }
    let pair = 0;
    for (let a = 0; a < tk; a++) {
      const ra = this.rowAt[subject * this.nVisits + visits[a]];
      for (let b = a; b < tk; b++, pair++) {
        const rb = this.rowAt[subject * this.nVisits + visits[b]];
        for (let ea = start[ra]; ea < start[ra + 1]; ea++) {
          for (let eb = start[rb]; eb < start[rb + 1]; eb++) {
            const [i, j] = [index[ea], index[eb]];
            const low = Math.min(i, j);
            // The diagonal of Z_ab = S_ab + S_ab' holds each product twice.
            dense[pair * packedSize + packedRowStart[low] + Math.max(i, j) - low] -= (i === j ? 2 : 1) * value[ea] * value[eb];
          }
        }
      }
    }
    return sparsePairs(dense, pairs, packedSize);
  }

  /** The objective and the pieces derived from it, or null when Sigma(theta) is not positive definite. */
  evaluate(theta: Float64Array): Evaluation | null {
    const { p, packedSize, model } = this;
    const t = this.nVisits;
    const sigma = model.covariance(theta);
    for (const v of sigma) if (!Number.isFinite(v)) return null;
    if (cholesky(sigma, t) === null) return null;

    const combined = new Float64Array(packedSize);
    const weights: Float64Array[] = [];
    let logDetSum = 0;
    // Scratch for each pattern's Sigma_k and its factor (t_k x t_k at the front).
    const sub = new Float64Array(t * t);
    const factor = new Float64Array(t * t);
    for (const pattern of this.patterns) {
      const { visits } = pattern;
      const tk = visits.length;
      for (let a = 0; a < tk; a++) for (let b = 0; b < tk; b++) sub[a * tk + b] = sigma[visits[a] * t + visits[b]];
      if (!choleskyInto(sub, tk, factor)) return null;
      logDetSum += pattern.nSubjects * logDetFromCholesky(factor, tk);
      const w = inverseFromCholesky(factor, tk);
      weights.push(w);
      if (pattern.kind === 'pooled') addPooled(pattern, w, tk, combined);
      else this.addSubjects(pattern.rows, pattern.nSubjects, w, tk, combined);
    }

    const xtwx = this.designBlock(combined);
    const xtwy = new Float64Array(p);
    for (let i = 0; i < p; i++) xtwy[i] = combined[this.packedRowStart[i] - i + p];
    const ywy = combined[packedSize - 1];
    const xtwxFactor = cholesky(xtwx, p);
    if (xtwxFactor === null) return null;
    const betaCentred = solveWithCholesky(xtwxFactor, p, xtwy);
    let fittedSquares = 0;
    for (let j = 0; j < p; j++) fittedSquares += betaCentred[j] * xtwy[j];
    const n = this.nObservations;
    let value = logDetSum + (ywy - fittedSquares);
    value += this.reml ? logDetFromCholesky(xtwxFactor, p) + (n - p) * LOG_2PI : n * LOG_2PI;
    return { theta, value, sigma, weights, betaCentred, covBeta: inverseFromCholesky(xtwxFactor, p) };
  }

  /** combined += sum_i Z_i' W Z_i (upper triangle, packed), the same sum subject by subject. */
  private addSubjects(rows: Float64Array, nSubjects: number, w: Float64Array, tk: number, combined: Float64Array): void {
    const q = this.p + 1;
    const { packedRowStart } = this;
    const wz = new Float64Array(tk * q);
    for (let i = 0; i < nSubjects; i++) {
      const base = i * tk * q;
      wz.fill(0);
      for (let a = 0; a < tk; a++) {
        for (let b = 0; b < tk; b++) {
          const wab = w[a * tk + b];
          for (let c = 0; c < q; c++) wz[a * q + c] += wab * rows[base + b * q + c];
        }
      }
      for (let a = 0; a < tk; a++) {
        for (let r = 0; r < q; r++) {
          const zr = rows[base + a * q + r];
          if (zr === 0) continue;
          const start = packedRowStart[r] - r;
          for (let c = r; c < q; c++) combined[start + c] += zr * wz[a * q + c];
        }
      }
    }
  }

  /**
   * sum over patterns of X_k' M_k X_k (p x p), M_k symmetric t_k x t_k per pattern (in the order of
   * `patterns`): the building block of Kenward and Roger's P, Q and R.
   */
  weightedCrossProduct(perPattern: readonly Float64Array[]): Float64Array {
    const combined = new Float64Array(this.packedSize);
    this.patterns.forEach((pattern, k) => {
      const tk = pattern.visits.length;
      if (pattern.kind === 'pooled') addPooled(pattern, perPattern[k], tk, combined);
      else this.addSubjects(pattern.rows, pattern.nSubjects, perPattern[k], tk, combined);
    });
    return this.designBlock(combined);
  }

  /** The p x p design block of packed (p+1) x (p+1) sums, in full. */
  private designBlock(combined: Float64Array): Float64Array {
    const { p } = this;
    const out = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      const start = this.packedRowStart[i] - i;
      for (let j = i; j < p; j++) {
        out[i * p + j] = combined[start + j];
        out[j * p + i] = combined[start + j];
      }
    }
    return out;
  }

  /** beta on the original outcome scale. */
  beta(evaluation: Evaluation): Float64Array {
    return evaluation.betaCentred.map((b, j) => b + this.olsBeta[j]);
  }

  /** Gradient of the objective (-2 log L or -2 log L_R) in theta. */
  gradient(evaluation: Evaluation): Float64Array {
    const { p } = this;
    const { betaCentred: beta, covBeta } = evaluation;
    // [C + b b', -b; -b', 1]
    const centre = this.symmetricCentre((i, j) => {
      if (i === p && j === p) return 1;
      if (j === p) return -beta[i];
      return (this.reml ? covBeta[i * p + j] : 0) + beta[i] * beta[j];
    });
    return this.model.innerProductGradient(evaluation.theta, this.weightedPairForms(evaluation, centre, true));
  }

  /**
   * d(l' C l)/d theta for C = (X'WX)^-1: the Jacobian of the variance of l'beta that
   * Satterthwaite's degrees of freedom need. With u = C l, dC/dtheta_j = C X'W dSigma_j W X C gives
   * l' dC_j l = <dSigma_j, sum_patterns embed(W U W)>, U_ab = sum_i (x_ia'u)(x_ib'u).
   */
  contrastVarianceGradient(evaluation: Evaluation, l: ArrayLike<number>): Float64Array {
    const { p } = this;
    const u = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += evaluation.covBeta[i * p + j] * l[j];
      u[i] = s;
    }
    const centre = this.symmetricCentre((i, j) => (i < p && j < p ? u[i] * u[j] : 0));
    const minusWuw = this.weightedPairForms(evaluation, centre, false);
    return this.model.innerProductGradient(evaluation.theta, minusWuw.map((v) => -v));
  }

  /**
   * sum over patterns of embed(c * n_k W - W F W) with F_ab = 1/2 <Z_ab, centre> = sum_i z_ia' centre z_ib;
   * c = 1 for the likelihood gradient, 0 for the contrast-variance gradient.
   */
  private weightedPairForms(evaluation: Evaluation, centre: Float64Array, withDeterminantTerm: boolean): Float64Array {
    const t = this.nVisits;
    const q = this.p + 1;
    const packedCentre = this.packDoubled(centre);
    const out = new Float64Array(t * t);
    const wf = new Float64Array(t * t);
    for (let k = 0; k < this.patterns.length; k++) {
      const pattern = this.patterns[k];
      const { visits } = pattern;
      const tk = visits.length;
      const w = evaluation.weights[k];
      const f =
        pattern.kind === 'pooled'
          ? pooledPairForms(pattern, tk, packedCentre)
          : subjectPairForms(pattern.rows, pattern.nSubjects, tk, q, centre);
      // W F W is symmetric: its upper triangle, mirrored.
      wf.fill(0, 0, tk * tk);
      for (let a = 0; a < tk; a++) {
        for (let c = 0; c < tk; c++) {
          const wac = w[a * tk + c];
          for (let b = 0; b < tk; b++) wf[a * tk + b] += wac * f[c * tk + b];
        }
      }
      const determinantWeight = withDeterminantTerm ? pattern.nSubjects : 0;
      for (let a = 0; a < tk; a++) {
        for (let b = a; b < tk; b++) {
          let wfw = 0;
          for (let c = 0; c < tk; c++) wfw += wf[a * tk + c] * w[c * tk + b];
          const v = determinantWeight * w[a * tk + b] - wfw;
          out[visits[a] * t + visits[b]] += v;
          if (b !== a) out[visits[b] * t + visits[a]] += v;
        }
      }
    }
    return out;
  }

  /** A symmetric (p+1) x (p+1) matrix from its entries (i <= j). */
  private symmetricCentre(entry: (i: number, j: number) => number): Float64Array {
    const q = this.p + 1;
    const out = new Float64Array(q * q);
    for (let i = 0; i < q; i++) {
      for (let j = i; j < q; j++) {
        const v = entry(i, j);
        out[i * q + j] = v;
        out[j * q + i] = v;
      }
    }
    return out;
  }

  /** Packed like the pair statistics, off-diagonal entries doubled so that <Z, .> is a plain dot product. */
  private packDoubled(symmetric: Float64Array): Float64Array {
    const q = this.p + 1;
    const out = new Float64Array(this.packedSize);
    for (let i = 0; i < q; i++) {
      for (let j = i; j < q; j++) out[this.packedRowStart[i] + j - i] = (i === j ? 1 : 2) * symmetric[i * q + j];
    }
    return out;
  }

  /** Z_ab per pattern from the sparse rows of [X y] (the outcome centred, at index p). */
  private accumulatePatterns(rows: SparseRows, rowAt: Int32Array, subjectSlots: number, pooling: Pooling): Pattern[] {
    const { p, nVisits: t, packedSize, packedRowStart } = this;
    const { start, index, value } = rows;
    const patternOf = new Map<string, { visits: number[]; subjects: number[] }>();
    const observed: number[] = [];
    for (let s = 0; s < subjectSlots; s++) {
      observed.length = 0;
      for (let v = 0; v < t; v++) if (rowAt[s * t + v] !== -1) observed.push(v);
      if (observed.length === 0) continue;
      const key = observed.join(',');
      let entry = patternOf.get(key);
      if (entry === undefined) {
        entry = { visits: observed.slice(), subjects: [] };
        patternOf.set(key, entry);
      }
      entry.subjects.push(s);
    }

    const patterns: Pattern[] = [];
    const q = p + 1;
    // Scratch space for the largest pattern, reused: patterns can be many.
    const maxPairs = (t * (t + 1)) / 2;
    const products = new Float64Array(maxPairs * q * q);
    const stats = new Float64Array(maxPairs * packedSize);
    for (const { visits, subjects } of patternOf.values()) {
      const tk = visits.length;
      const pairs = (tk * (tk + 1)) / 2;
      // Work per evaluation: pooled ~ 2 pairs (p+1)^2 / 2; subject by subject ~ n (2 t^2 q + 1.5 t q^2).
      const pooledCost = pairs * packedSize * 2;
      const subjectsCost = subjects.length * (2 * tk * tk * q + 1.5 * tk * q * q);
      if (pooling === 'never' || (pooling === 'auto' && subjectsCost < pooledCost)) {
        const dense = new Float64Array(subjects.length * tk * q);
        subjects.forEach((s, i) => {
          for (let a = 0; a < tk; a++) {
            const r = rowAt[s * t + visits[a]];
            const base = (i * tk + a) * q;
            for (let e = start[r]; e < start[r + 1]; e++) dense[base + index[e]] = value[e];
          }
        });
        patterns.push({ kind: 'subjects', visits: Int32Array.from(visits), nSubjects: subjects.length, subjects: Int32Array.from(subjects), rows: dense });
        continue;
      }
      pooledPairStatistics(rows, rowAt, t, Int32Array.from(subjects), Int32Array.from(visits), q, products, stats, packedRowStart);
      patterns.push({
        kind: 'pooled',
        visits: Int32Array.from(visits),
        nSubjects: subjects.length,
        subjects: Int32Array.from(subjects),
        ...sparsePairs(stats, pairs, packedSize),
      });
    }
    return patterns;
  }

}

/**
 * Z_ab = S_ab + S_ab' (packed into `stats`, pair after pair) with S_ab = sum_i z_ia z_ib' over a
 * pattern's subjects, accumulated in full in `products` (q x q per pair: a branch-free inner loop).
 * A function of its own, loops only: V8 optimises it while it runs (on-stack replacement) without
 * the deoptimisations that code after the loop, never run yet, would cause.
 */
function pooledPairStatistics(
  { start, index, value }: SparseRows,
  rowAt: Int32Array,
  t: number,
  subjects: Int32Array,
  visits: Int32Array,
  q: number,
  products: Float64Array,
  stats: Float64Array,
  packedRowStart: Int32Array,
): void {
  const tk = visits.length;
  const pairs = (tk * (tk + 1)) / 2;
  const packedSize = (q * (q + 1)) / 2;
  products.fill(0, 0, pairs * q * q);
  for (let i = 0; i < subjects.length; i++) {
    const base = subjects[i] * t;
    let offset = 0;
    for (let a = 0; a < tk; a++) {
      const ra = rowAt[base + visits[a]];
      const endA = start[ra + 1];
      for (let b = a; b < tk; b++, offset += q * q) {
        const rb = rowAt[base + visits[b]];
        const startB = start[rb];
        const endB = start[rb + 1];
        for (let ea = start[ra]; ea < endA; ea++) {
          const rowBase = offset + index[ea] * q;
          const va = value[ea];
          for (let eb = startB; eb < endB; eb++) products[rowBase + index[eb]] += va * value[eb];
        }
      }
    }
  }
  for (let pair = 0; pair < pairs; pair++) {
    const from = pair * q * q;
    const to = pair * packedSize;
    for (let r = 0; r < q; r++) {
      for (let c = r; c < q; c++) stats[to + packedRowStart[r] + c - r] = products[from + r * q + c] + products[from + c * q + r];
    }
  }
}

/** Shapes and indices; the design's entries are checked as augmentedSparseRows reads them. */
function validateShapes({ X, p, y, subject, visit, nVisits }: MmrmData): void {
  const n = y.length;
  if (!Number.isInteger(p) || p < 1) throw badData('the design needs at least one column');
  if (X.length !== n * p) throw badData(`the design has ${X.length} entries, expected ${n} rows x ${p} columns`);
  if (subject.length !== n || visit.length !== n) throw badData('subject, visit and outcome differ in length');
  for (let r = 0; r < n; r++) {
    if (!Number.isFinite(y[r])) throw badData(`outcome in row ${r} is not a finite number`);
    if (subject[r] < 0) throw badData(`subject index in row ${r} is negative`);
    if (visit[r] < 0 || visit[r] >= nVisits) throw badData(`visit index in row ${r} is outside 0..${nVisits - 1}`);
  }
}

function countPairs(rowAt: Int32Array, nSubjects: number, t: number): Int32Array {
  const counts = new Int32Array(t * t);
  for (let s = 0; s < nSubjects; s++) {
    for (let a = 0; a < t; a++) {
      if (rowAt[s * t + a] === -1) continue;
      for (let b = 0; b < t; b++) if (rowAt[s * t + b] !== -1) counts[a * t + b]++;
    }
  }
  return counts;
}

function pairwiseCovariance(
  residual: Float64Array,
  rowAt: Int32Array,
  subjectSlots: number,
  t: number,
  pairCounts: Int32Array,
): Float64Array {
  const sums = new Float64Array(t * t);
  for (let s = 0; s < subjectSlots; s++) {
    for (let a = 0; a < t; a++) {
      const ra = rowAt[s * t + a];
      if (ra === -1) continue;
      for (let b = 0; b < t; b++) {
        const rb = rowAt[s * t + b];
        if (rb !== -1) sums[a * t + b] += residual[ra] * residual[rb];
      }
    }
  }
  return sums.map((sum, cell) => (pairCounts[cell] > 0 ? sum / pairCounts[cell] : 0));
}

type PooledPattern = Extract<Pattern, { kind: 'pooled' }>;

/** The first `pairs` packed pair statistics in `stats`, without their zeros. */
function sparsePairs(stats: Float64Array, pairs: number, packedSize: number) {
  let count = 0;
  for (let e = 0; e < pairs * packedSize; e++) if (stats[e] !== 0) count++;
  const pairStart = new Int32Array(pairs + 1);
  const entryIndex = new Int32Array(count);
  const entryValue = new Float64Array(count);
  let k = 0;
  for (let pair = 0; pair < pairs; pair++) {
    for (let e = 0; e < packedSize; e++) {
      const v = stats[pair * packedSize + e];
      if (v !== 0) {
        entryIndex[k] = e;
        entryValue[k++] = v;
      }
    }
    pairStart[pair + 1] = k;
  }
  return { pairStart, entryIndex, entryValue };
}

/** combined += sum_{a<=b} omega_ab Z_ab, omega_ab = W_ab (a < b), W_aa / 2. */
function addPooled({ pairStart, entryIndex, entryValue }: PooledPattern, w: Float64Array, tk: number, combined: Float64Array): void {
  let pair = 0;
  for (let a = 0; a < tk; a++) {
    for (let b = a; b < tk; b++, pair++) {
      const omega = a === b ? 0.5 * w[a * tk + a] : w[a * tk + b];
      for (let e = pairStart[pair]; e < pairStart[pair + 1]; e++) combined[entryIndex[e]] += omega * entryValue[e];
    }
  }
}

/** F_ab = 1/2 <Z_ab, centre> from pooled statistics; the packed centre has its off-diagonal doubled. */
function pooledPairForms({ pairStart, entryIndex, entryValue }: PooledPattern, tk: number, packedCentre: Float64Array): Float64Array {
  const f = new Float64Array(tk * tk);
  let pair = 0;
  for (let a = 0; a < tk; a++) {
    for (let b = a; b < tk; b++, pair++) {
      let s = 0;
      for (let e = pairStart[pair]; e < pairStart[pair + 1]; e++) s += entryValue[e] * packedCentre[entryIndex[e]];
      f[a * tk + b] = 0.5 * s;
      f[b * tk + a] = 0.5 * s;
    }
  }
  return f;
}

/** F_ab = sum_i z_ia' centre z_ib over a pattern's subjects (rows: nSubjects x tk x q). */
function subjectPairForms(rows: Float64Array, nSubjects: number, tk: number, q: number, centre: Float64Array): Float64Array {
  const f = new Float64Array(tk * tk);
  const zc = new Float64Array(tk * q);
  for (let i = 0; i < nSubjects; i++) {
    const base = i * tk * q;
    zc.fill(0);
    for (let a = 0; a < tk; a++) {
      for (let r = 0; r < q; r++) {
        const zr = rows[base + a * q + r];
        if (zr === 0) continue;
        for (let c = 0; c < q; c++) zc[a * q + c] += zr * centre[r * q + c];
      }
    }
    for (let a = 0; a < tk; a++) {
      for (let b = a; b < tk; b++) {
        let s = 0;
        for (let c = 0; c < q; c++) s += zc[a * q + c] * rows[base + b * q + c];
        f[a * tk + b] += s;
        if (b !== a) f[b * tk + a] += s;
      }
    }
  }
  return f;
}

/** Non-zero entries of each design row (compressed rows): design rows are mostly dummies and interactions. */
interface SparseRows {
  /** Row r's entries are start[r] .. start[r + 1] - 1. */
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

/** Each row's index by subject and visit (-1: none); subject indices need not be dense (slots without rows are skipped). */
function rowsBySubjectAndVisit(subject: Int32Array, visit: Int32Array, nVisits: number): { rowAt: Int32Array; subjectSlots: number } {
  const n = subject.length;
  let subjectSlots = 0;
  for (let r = 0; r < n; r++) if (subject[r] >= subjectSlots) subjectSlots = subject[r] + 1;
  const rowAt = new Int32Array(subjectSlots * nVisits).fill(-1);
  for (let r = 0; r < n; r++) {
    const cell = subject[r] * nVisits + visit[r];
    if (rowAt[cell] !== -1) {
      throw badData(`subject ${subject[r]} has more than one row at visit ${visit[r]} (rows ${rowAt[cell]} and ${r})`);
    }
    rowAt[cell] = r;
  }
  return { rowAt, subjectSlots };
}

/** The non-zero entries of each row of X, then y as column p (every row's last entry). */
function augmentedSparseRows(X: Float64Array, n: number, p: number, y: Float64Array): SparseRows {
  const count = countNonZero(X, p);
  const start = new Int32Array(n + 1);
  const index = new Int32Array(count + n);
  const value = new Float64Array(count + n);
  let k = 0;
  for (let r = 0; r < n; r++) {
    const row = r * p;
    for (let j = 0; j < p; j++) {
      const v = X[row + j];
      if (v !== 0) {
        index[k] = j;
        value[k++] = v;
      }
    }
    index[k] = p;
    value[k++] = y[r];
    start[r + 1] = k;
  }
  return { start, index, value };
}

function countNonZero(X: Float64Array, p: number): number {
  let count = 0;
  for (let e = 0; e < X.length; e++) {
    const v = X[e];
    if (v === 0) continue;
    if (!Number.isFinite(v)) throw badData(`design entry in row ${Math.floor(e / p)}, column ${e % p} is not finite`);
    count++;
  }
  return count;
}

/** The OLS estimate from rows of [X y] (y each row's last entry). */
function olsEstimate({ start, index, value }: SparseRows, p: number): Float64Array {
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  const n = start.length - 1;
  for (let r = 0; r < n; r++) {
    const last = start[r + 1] - 1;
    const yr = value[last];
    for (let ea = start[r]; ea < last; ea++) {
      const i = index[ea];
      const vi = value[ea];
      xty[i] += vi * yr;
      const row = i * p;
      for (let eb = start[r]; eb < last; eb++) xtx[row + index[eb]] += vi * value[eb];
    }
  }
  const factor = cholesky(xtx, p);
  if (factor === null) throw badData('the design matrix does not have full column rank');
  return solveWithCholesky(factor, p, xty);
}

/** Replaces y (each row's last entry) by its OLS residual, in place; the residuals. */
function centreOutcome({ start, index, value }: SparseRows, beta: Float64Array): Float64Array {
  const n = start.length - 1;
  const residual = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const last = start[r + 1] - 1;
    let fitted = 0;
    for (let e = start[r]; e < last; e++) fitted += value[e] * beta[index[e]];
    residual[r] = value[last] - fitted;
    value[last] = residual[r];
  }
  return residual;
}
