/**
 * Design matrices with R's treatment coding, and the estimability bookkeeping that aliased
 * (linearly dependent) columns need.
 *
 * A model is an intercept plus terms; a term is one variable or an interaction of several.
 * Terms are ordered as R orders them: by the number of variables, then as given. In a term, a
 * factor is coded by treatment contrasts (its first level is the reference) when the term without
 * that factor is in the model (the intercept stands for the empty term), and by one indicator per
 * level otherwise: R's rule, so `x + x:visit` gives one slope per visit after the first.
 * Columns that depend linearly on earlier ones are dropped, as R's lm and mmrm drop them; a linear
 * function of the coefficients is then usable only when it is estimable (see `Design.reduce`).
 */
import { badData } from './errors.ts';
import { cholesky, crossProduct, dependentColumns, solveWithCholesky } from './linalg.ts';

export interface FactorVariable {
  kind: 'factor';
  name: string;
  /** Levels in coding order: the first is the reference. */
  levels: readonly string[];
  /** Level index of each row. */
  codes: Int32Array;
}

export interface NumericVariable {
  kind: 'numeric';
  name: string;
  values: Float64Array;
}

export type Variable = FactorVariable | NumericVariable;

/** A model: the variables (all of the same length) and its terms, each a list of variable names. */
export interface ModelSpec {
  variables: readonly Variable[];
  terms: readonly (readonly string[])[];
}

/**
 * A point of the reference grid: a number for each numeric variable, and for each factor a weight
 * per level (one-hot for a level, equal weights to average over the levels).
 */
export type GridPoint = ReadonlyMap<string, number | Float64Array>;

export interface DesignColumn {
  term: string;
  label: string;
}

export interface DesignTerm {
  name: string;
  variables: readonly Variable[];
  /** Columns of the full coding (before aliased columns are dropped), as [start, end). */
  start: number;
  end: number;
}

export interface Design {
  /** Number of rows. */
  n: number;
  /** Number of estimable columns kept in `X`. */
  p: number;
  /** Row-major n x p matrix of the kept columns: full column rank. */
  X: Float64Array;
  /** The kept columns, in order; the intercept is the first. */
  columns: readonly DesignColumn[];
  /** Columns dropped because they depend linearly on earlier ones. */
  aliased: readonly DesignColumn[];
  /** Terms in R's order, the intercept excluded. */
  terms: readonly DesignTerm[];
  /** Number of columns of the full coding. */
  fullWidth: number;
  variables: ReadonlyMap<string, Variable>;
  /** The full-coding row of the model at a grid point. */
  rowAt(point: GridPoint): Float64Array;
  /**
   * Maps a linear function of the full coding's coefficients to one of the kept coefficients.
   * Throws badData naming the aliased columns when the function is not estimable; `what` names it.
   */
  reduce(full: Float64Array, what: string): Float64Array;
  /** Whether a linear function of the full coding's coefficients is estimable. */
  isEstimable(full: Float64Array): boolean;
}

/**
 * A factor from strings: levels in the given order, else sorted by code point (R's sort in the C
 * locale), with `reference` moved first when given. Throws when a value is not a level.
 */
export function factorVariable(
  name: string,
  values: readonly string[],
  options: { levels?: readonly string[]; reference?: string } = {},
): FactorVariable {
  let levels = options.levels ? [...options.levels] : [...new Set(values)].sort(compareCodePoints);
  if (options.reference !== undefined) {
    if (!levels.includes(options.reference)) {
      throw badData(`${name}: level "${options.reference}" does not occur (levels: ${levels.join(', ')})`);
    }
    levels = [options.reference, ...levels.filter((level) => level !== options.reference)];
  }
  const index = new Map(levels.map((level, i) => [level, i]));
  const codes = new Int32Array(values.length);
  for (let row = 0; row < values.length; row++) {
    const code = index.get(values[row]);
    if (code === undefined) throw badData(`${name}: "${values[row]}" is not one of ${levels.join(', ')}`);
    codes[row] = code;
  }
  return { kind: 'factor', name, levels, codes };
}

export const compareCodePoints = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** How one variable enters a term: a numeric value, or indicators of the levels listed. */
type Coding = { variable: Variable; levels: readonly number[] };

/** One column of the full coding: the product of a value per variable (a number, or a level's indicator). */
type ColumnParts = { variable: Variable; level: number }[];

/**
 * Relative tolerance of the estimability check. Aliasing coefficients come from the normal
 * equations (condition number squared), so this sits above emmeans' 1e-8; a non-estimable
 * function misses by a sizeable fraction (a level weight such as 1/4), far above it.
 */
const ESTIMABILITY_TOLERANCE = 1e-6;

export function buildDesign(spec: ModelSpec): Design {
  const variables = new Map(spec.variables.map((variable) => [variable.name, variable]));
  const lengthOf = (variable: Variable) => (variable.kind === 'factor' ? variable.codes.length : variable.values.length);
  const n = spec.variables.length > 0 ? lengthOf(spec.variables[0]) : 0;
  for (const variable of spec.variables) {
    if (lengthOf(variable) !== n) throw new Error(`design: variable ${variable.name} has ${lengthOf(variable)} values, expected ${n}`);
  }
  const termKey = (names: readonly string[]) => [...names].sort(compareCodePoints).join(':');
  const ordered = spec.terms
    .map((names, position) => ({ names, position }))
    .sort((a, b) => a.names.length - b.names.length || a.position - b.position)
    .map(({ names }) => names);
  const present = new Set<string>(['', ...ordered.map(termKey)]);

  const terms: DesignTerm[] = [];
  const columnParts: ColumnParts[] = [];
  const labels: DesignColumn[] = [{ term: '(Intercept)', label: '(Intercept)' }];
  let width = 1;
  for (const names of ordered) {
    const termVariables = names.map((name) => {
      const variable = variables.get(name);
      if (!variable) throw new Error(`design: unknown variable ${name}`);
      return variable;
    });
    const termCoding = termVariables.map((variable): Coding => {
      if (variable.kind === 'numeric') return { variable, levels: [0] };
      const margin = termKey(names.filter((name) => name !== variable.name));
      const first = present.has(margin) ? 1 : 0;
      return { variable, levels: variable.levels.map((_, i) => i).slice(first) };
    });
    const name = names.join(':');
    const start = width;
    for (const combination of cartesian(termCoding.map((coding) => coding.levels))) {
      columnParts.push(termCoding.map((coding, k) => ({ variable: coding.variable, level: combination[k] })));
      const label = termCoding
        .map((coding, k) =>
          coding.variable.kind === 'numeric' ? coding.variable.name : `${coding.variable.name}[${coding.variable.levels[combination[k]]}]`,
        )
        .join(':');
      labels.push({ term: name, label });
      width++;
    }
    terms.push({ name, variables: termVariables, start, end: width });
  }

  // Column by column: the hot loop reads typed arrays only.
  const full = new Float64Array(n * width);
  for (let row = 0; row < n; row++) full[row * width] = 1;
  columnParts.forEach((parts, c) => {
    const numbers = parts.flatMap(({ variable }) => (variable.kind === 'numeric' ? [variable.values] : []));
    const factors = parts.flatMap(({ variable, level }) => (variable.kind === 'factor' ? [{ codes: variable.codes, level }] : []));
    fillColumn(full, n, width, c + 1, numbers, factors);
  });

  const fullCross = crossProduct(full, n, width);
  const dropped = dependentColumns(fullCross, width);
  const droppedSet = new Set(dropped);
  const kept = labels.map((_, j) => j).filter((j) => !droppedSet.has(j));
  const p = kept.length;
  const X = dropped.length === 0 ? full : selectColumns(full, n, width, kept);

  // Each dropped column equals X_kept * c; a function l is estimable iff l_dropped = c' l_kept.
  const keptCholesky = dropped.length === 0 ? null : cholesky(submatrix(fullCross, width, kept, kept), p);
  const aliasCoefficients = dropped.map((j) => {
    if (!keptCholesky) throw new Error('design: kept columns are not of full rank');
    return solveWithCholesky(keptCholesky, p, kept.map((i) => fullCross[i * width + j]));
  });

  /** Dropped columns whose coefficient in `fullRow` the kept ones do not imply. */
  const nonEstimableColumns = (fullRow: Float64Array): number[] => {
    const scale = fullRow.reduce((max, v) => Math.max(max, Math.abs(v)), 1);
    return dropped.filter((j, a) => {
      let implied = 0;
      for (let k = 0; k < p; k++) implied += aliasCoefficients[a][k] * fullRow[kept[k]];
      return Math.abs(fullRow[j] - implied) > ESTIMABILITY_TOLERANCE * scale;
    });
  };

  return {
    n,
    p,
    X,
    columns: kept.map((j) => labels[j]),
    aliased: dropped.map((j) => labels[j]),
    terms,
    fullWidth: width,
    variables,
    rowAt(point) {
      const valueAt = (variable: Variable, level: number): number => {
        const value = point.get(variable.name);
        if (value === undefined) throw new Error(`design: grid point has no value for ${variable.name}`);
        if (variable.kind === 'numeric') {
          if (typeof value !== 'number') throw new Error(`design: ${variable.name} is numeric`);
          return value;
        }
        if (typeof value === 'number') throw new Error(`design: ${variable.name} is a factor`);
        return value[level];
      };
      const out = new Float64Array(width);
      out[0] = 1;
      columnParts.forEach((parts, c) => (out[c + 1] = parts.reduce((product, { variable, level }) => product * valueAt(variable, level), 1)));
      return out;
    },
    reduce(fullRow, what) {
      const offending = nonEstimableColumns(fullRow);
      if (offending.length > 0) {
        throw badData(`cannot estimate ${what}: aliased: ${offending.map((j) => labels[j].label).join(', ')}`);
      }
      return Float64Array.from(kept, (j) => fullRow[j]);
    },
    isEstimable: (fullRow) => nonEstimableColumns(fullRow).length === 0,
  };
}

/**
 * One column of the full coding: the product of the numeric values and the factors' level
 * indicators, row by row. A loops-only function: the command runs it once per column, cold.
 */
function fillColumn(
  full: Float64Array,
  n: number,
  width: number,
  column: number,
  numbers: readonly Float64Array[],
  factors: readonly { codes: Int32Array; level: number }[],
): void {
  for (let row = 0, at = column; row < n; row++, at += width) {
    let product = 1;
    for (let k = 0; k < factors.length; k++) if (factors[k].codes[row] !== factors[k].level) product = 0;
    if (product !== 0) for (let k = 0; k < numbers.length; k++) product *= numbers[k][row];
    full[at] = product;
  }
}

/** All combinations of one entry from each list, the first list varying fastest (R's order). */
function cartesian(lists: readonly (readonly number[])[]): number[][] {
  let out: number[][] = [[]];
  for (const list of lists) {
    const next: number[][] = [];
    for (const value of list) for (const prefix of out) next.push([...prefix, value]);
    out = next;
  }
  return out;
}

function selectColumns(x: Float64Array, n: number, width: number, columns: readonly number[]): Float64Array {
  const out = new Float64Array(n * columns.length);
  for (let row = 0; row < n; row++) {
    for (let k = 0; k < columns.length; k++) out[row * columns.length + k] = x[row * width + columns[k]];
  }
  return out;
}

function submatrix(a: Float64Array, width: number, rows: readonly number[], columns: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * columns.length);
  rows.forEach((i, r) => columns.forEach((j, c) => (out[r * columns.length + c] = a[i * width + j])));
  return out;
}
