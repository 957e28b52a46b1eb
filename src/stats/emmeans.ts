/**
 * Linear functions of a model's coefficients with emmeans' conventions: the reference grid puts
 * each numeric variable at its mean over the analysed rows and averages each factor that is not
 * fixed with equal weights over its levels. Rows are in the design's full coding; pass them
 * through `Design.reduce` before use, which also checks that they are estimable.
 */
import type { Design, FactorVariable, NumericVariable, Variable } from './design.ts';
import { dependentColumns } from './linalg.ts';
import { studentTQuantile, studentTTwoSided } from './distributions.ts';
import type { LinearEstimate } from './ols.ts';

/** The reference-grid point with the given factors fixed at a level, by name. */
export function referencePoint(design: Design, fixed: Readonly<Record<string, string>>): Map<string, number | Float64Array> {
  const point = new Map<string, number | Float64Array>();
  for (const variable of design.variables.values()) {
    if (variable.kind === 'numeric') {
      point.set(variable.name, meanOf(variable));
      continue;
    }
    const level = fixed[variable.name];
    const weights = new Float64Array(variable.levels.length);
    if (level === undefined) weights.fill(1 / variable.levels.length);
    else {
      const index = variable.levels.indexOf(level);
      if (index < 0) throw new Error(`emmeans: ${variable.name} has no level ${level}`);
      weights[index] = 1;
    }
    point.set(variable.name, weights);
  }
  for (const name of Object.keys(fixed)) {
    if (design.variables.get(name)?.kind !== 'factor') throw new Error(`emmeans: ${name} is not a factor of the model`);
  }
  return point;
}

/** The LS mean (estimated marginal mean) at the given factor levels, e.g. { arm: 'TRT', visit: 'VIS4' }. */
export const lsmeanRow = (design: Design, fixed: Readonly<Record<string, string>>): Float64Array =>
  design.rowAt(referencePoint(design, fixed));

/** The difference of two LS means: `treated` minus `control`, each a set of fixed levels. */
export function contrastRow(
  design: Design,
  treated: Readonly<Record<string, string>>,
  control: Readonly<Record<string, string>>,
): Float64Array {
  const a = lsmeanRow(design, treated);
  const b = lsmeanRow(design, control);
  return a.map((value, j) => value - b[j]);
}

export interface TermHypothesis {
  term: string;
  /** Linearly independent rows in the full coding; the term has no effect when all are zero. */
  rows: Float64Array[];
}

/**
 * Type III hypotheses per term, as emmeans' joint_tests: for the factors of the term, the
 * interaction contrasts (successive differences, crossed) of the term's cell means, averaging
 * the other factors with equal weights; a numeric variable of the term enters by its slope
 * (the change of the cell mean per unit), other numerics sit at their means.
 */
export function typeIIIHypotheses(design: Design): TermHypothesis[] {
  return design.terms.map((term) => {
    const factors = term.variables.filter((v): v is FactorVariable => v.kind === 'factor');
    const numerics = term.variables.filter((v) => v.kind === 'numeric');
    const base = referencePoint(design, {});
    // Each cell's function: a signed sum of grid rows (slopes are differences of two points).
    const cellRow = (levels: readonly number[]): Float64Array => {
      let points: { sign: number; point: Map<string, number | Float64Array> }[] = [{ sign: 1, point: new Map(base) }];
      factors.forEach((factor, k) => {
        const weights = new Float64Array(factor.levels.length);
        weights[levels[k]] = 1;
        for (const { point } of points) point.set(factor.name, weights);
      });
      for (const numeric of numerics) {
        const at = base.get(numeric.name) as number;
        points = points.flatMap(({ sign, point }) => [
          { sign, point: new Map(point).set(numeric.name, at + 1) },
          { sign: -sign, point },
        ]);
      }
      const row = new Float64Array(design.fullWidth);
      for (const { sign, point } of points) {
        const gridRow = design.rowAt(point);
        for (let j = 0; j < row.length; j++) row[j] += sign * gridRow[j];
      }
      return row;
    };
    // Successive differences within each factor, crossed: the first factor varies fastest.
    let contrasts: Map<number, number>[][] = [[]];
    for (const factor of factors) {
      const next: typeof contrasts = [];
      for (let level = 1; level < factor.levels.length; level++) {
        for (const weights of contrasts) next.push([...weights, new Map([[level, 1], [level - 1, -1]])]);
      }
      contrasts = next;
    }
    const hypothesisRows = contrasts.map((weights) => {
      const row = new Float64Array(design.fullWidth);
      for (const cell of cartesianCells(weights)) {
        const cellFunction = cellRow(cell.levels);
        for (let j = 0; j < row.length; j++) row[j] += cell.weight * cellFunction[j];
      }
      return row;
    });
    return { term: term.name, rows: independentRows(hypothesisRows, design.fullWidth) };
  });
}

/** The cells with non-zero weight of a crossed contrast, and their weight (the product). */
function cartesianCells(weights: readonly Map<number, number>[]): { levels: number[]; weight: number }[] {
  let cells = [{ levels: [] as number[], weight: 1 }];
  for (const factorWeights of weights) {
    cells = cells.flatMap((cell) => [...factorWeights].map(([level, w]) => ({ levels: [...cell.levels, level], weight: cell.weight * w })));
  }
  return cells;
}

/** The rows that are not linear combinations of earlier ones. */
function independentRows(rows: Float64Array[], width: number): Float64Array[] {
  const q = rows.length;
  const gram = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    for (let k = 0; k < q; k++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += rows[i][j] * rows[k][j];
      gram[i * q + k] = s;
    }
  }
  const dependent = new Set(dependentColumns(gram, q));
  return rows.filter((_, i) => !dependent.has(i));
}

export interface IntervalEstimate extends LinearEstimate {
  lower: number;
  upper: number;
  /** Two-sided p-value of estimate = 0. */
  p: number;
}

/** A t-based confidence interval (two-sided, at `level`) and p-value for a linear estimate. */
export function withInterval(value: LinearEstimate, level = 0.95): IntervalEstimate {
  const half = studentTQuantile(1 - (1 - level) / 2, value.df) * value.se;
  return {
    ...value,
    lower: value.estimate - half,
    upper: value.estimate + half,
    p: studentTTwoSided(value.estimate / value.se, value.df),
  };
}

/** Means of numeric variables, computed once per variable: every L row of a model needs them. */
const means = new WeakMap<Variable, number>();
function meanOf(variable: NumericVariable): number {
  let mean = means.get(variable);
  if (mean === undefined) {
    mean = 0;
    for (const v of variable.values) mean += v;
    mean /= variable.values.length;
    means.set(variable, mean);
  }
  return mean;
}
