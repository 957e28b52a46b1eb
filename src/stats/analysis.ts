/**
 * The analyses behind `muster analyze`: from a parsed table and the command's options to the
 * result object of the command's JSON contract (docs/statistics.md). Pure: the caller reads the
 * file. Every refusal is a StatsError naming the option, column or line at fault.
 *
 * MMRM:   outcome ~ visit + arm + arm:visit [+ baseline + baseline:visit] [+ covariates]
 * ANCOVA: outcome ~ arm [+ baseline] [+ covariates]
 */
import { buildDesign, compareCodePoints, factorVariable } from './design.ts';
import type { Design, FactorVariable, ModelSpec, Variable } from './design.ts';
import { contrastRow, lsmeanRow, typeIIIHypotheses, withInterval } from './emmeans.ts';
import type { IntervalEstimate } from './emmeans.ts';
import { badData } from './errors.ts';
import { fitMmrm } from './mmrm.ts';
import type { CoefficientCovariance, CovarianceStructure, DegreesOfFreedomMethod } from './mmrm.ts';
import { fitOls } from './ols.ts';
import type { FTest, LinearEstimate } from './ols.ts';
import type { Table, TableRow } from './table.ts';

export interface AncovaOptions {
  outcome: string;
  arm: string;
  control: string;
  baseline?: string;
  covariates?: readonly string[];
}

export interface MmrmOptions extends AncovaOptions {
  subject: string;
  visit: string;
  /** Visit order; the order of first appearance in the file when absent. */
  visits?: readonly string[];
  covariance?: CovarianceStructure;
  method?: 'reml' | 'ml';
  /** For `sp_exp`: the numeric column placing each row in time. */
  coordinates?: string;
  /** Default satterthwaite. */
  ddfm?: DegreesOfFreedomMethod;
  /** Default model. */
  vcov?: CoefficientCovariance;
}

export type ContrastResult = { contrast: string } & IntervalEstimate;
export type LsmeanResult = { arm: string } & Omit<IntervalEstimate, 'p'>;
/** A type III F test; the numbers are null when the term's hypothesis is not estimable (aliasing). */
export interface TermTest {
  term: string;
  num_df: number | null;
  den_df: number | null;
  f: number | null;
  p: number | null;
}

interface CommonResult {
  outcome: string;
  arm: string;
  control: string;
  n_subjects: number;
  n_obs: number;
  /** Rows with an outcome left out because the baseline or a covariate is missing. */
  rows_missing_covariate: number;
  /** Columns of the design dropped as linear combinations of earlier ones (none estimable alone). */
  aliased: string[];
  converged: true;
  iterations: number;
  neg2_loglik: number;
  type3: TermTest[];
}

export interface AncovaResult extends CommonResult {
  kind: 'ancova';
  sigma: number;
  residual_df: number;
  contrasts: ContrastResult[];
  lsmeans: LsmeanResult[];
}

export interface MmrmResult extends CommonResult {
  kind: 'mmrm';
  visits: string[];
  covariance_structure: CovarianceStructure;
  method: 'reml' | 'ml';
  ddfm: DegreesOfFreedomMethod;
  vcov: CoefficientCovariance;
  /** Visit x visit covariance, in visit order; for sp_exp, over `covariance_coordinates`. */
  covariance: number[][];
  /** sp_exp only: the coordinates column, and its distinct values in increasing order. */
  coordinates?: string;
  covariance_coordinates?: number[];
  contrasts: ({ visit: string } & ContrastResult)[];
  lsmeans: ({ visit: string } & LsmeanResult)[];
}

export type AnalysisResult = AncovaResult | MmrmResult;

/** A fitted linear model as the conventions below need it (OLS and MMRM both provide this). */
interface LinearFit {
  estimate(l: ArrayLike<number>): LinearEstimate;
  fTest(L: ArrayLike<number>[]): FTest;
}

export function analyzeAncova(table: Table, options: AncovaOptions): AncovaResult {
  const columns = resolveColumns(table, options, {});
  const rows = analysedRows(table, columns);
  const arm = armVariable(table, rows, columns, options);
  const spec = modelSpec(rows, arm, null, options);
  const design = buildDesign(spec);
  const lsmeanRows = arm.levels.map((level) => design.reduce(lsmeanRow(design, { [options.arm]: level }), `the LS mean of ${level}`));
  const contrastRows = arm.levels.slice(1).map((level) =>
    design.reduce(contrastRow(design, { [options.arm]: level }, { [options.arm]: options.control }), `${level} - ${options.control}`),
  );
  const fit = fitOls(design.X, design.n, design.p, rows.outcome);
  return {
    kind: 'ancova',
    outcome: options.outcome,
    arm: options.arm,
    control: options.control,
    n_subjects: design.n,
    n_obs: design.n,
    rows_missing_covariate: rows.missingCovariate,
    aliased: design.aliased.map((column) => column.label),
    converged: true,
    iterations: 0,
    neg2_loglik: fit.neg2LogLik,
    sigma: fit.sigma,
    residual_df: fit.residualDf,
    contrasts: contrastRows.map((l, k) => ({ contrast: `${arm.levels[k + 1]} - ${options.control}`, ...withInterval(fit.estimate(l)) })),
    lsmeans: lsmeanRows.map((l, k) => ({ arm: arm.levels[k], ...withoutP(withInterval(fit.estimate(l))) })),
    type3: termTests(design, fit),
  };
}

export function analyzeMmrm(table: Table, options: MmrmOptions): MmrmResult {
  const covariance = options.covariance ?? 'us';
  const method = options.method ?? 'reml';
  if (covariance === 'sp_exp' && options.coordinates === undefined) throw badData('--coordinates: covariance sp_exp needs the column of each row\'s time');
  if (covariance !== 'sp_exp' && options.coordinates !== undefined) throw badData(`--coordinates: only the spatial covariance sp_exp uses coordinates, not ${covariance}`);
  const columns = resolveColumns(table, options, {
    '--subject': options.subject,
    '--visit': options.visit,
    ...(options.coordinates !== undefined ? { '--coordinates': options.coordinates } : {}),
  });
  const rows = analysedRows(table, columns);
  const visitColumn = columns.get('--visit') as number;
  const subjectColumn = columns.get('--subject') as number;
  const visits = visitLevels(table, rows, visitColumn, options);
  const arm = armVariable(table, rows, columns, options);
  const visit = factorVariable(options.visit, cellsOf(rows.list, visitColumn), { levels: visits });
  const subject = subjectIndices(rows.list, subjectColumn);
  checkOneRowPerVisit(rows.list, subject, visit, subjectColumn, options);

  const spec = modelSpec(rows, arm, visit, options);
  const design = buildDesign(spec);
  const cells = visits.flatMap((visitLevel) => arm.levels.map((armLevel) => ({ visit: visitLevel, arm: armLevel })));
  const lsmeanRows = cells.map((cell) =>
    design.reduce(lsmeanRow(design, { [options.arm]: cell.arm, [options.visit]: cell.visit }), `the LS mean of ${cell.arm} at ${cell.visit}`),
  );
  const comparisons = cells.filter((cell) => cell.arm !== options.control);
  const contrastRows = comparisons.map((cell) =>
    design.reduce(
      contrastRow(design, { [options.arm]: cell.arm, [options.visit]: cell.visit }, { [options.arm]: options.control, [options.visit]: cell.visit }),
      `${cell.arm} - ${options.control} at ${cell.visit}`,
    ),
  );

  const ddfm = options.ddfm ?? 'satterthwaite';
  const vcov = options.vcov ?? 'model';
  const positions = covariance === 'sp_exp' ? coordinatePositions(rows.list, subject, columns.get('--coordinates') as number, table, options) : null;
  const fit = fitMmrm({
    X: design.X,
    p: design.p,
    y: rows.outcome,
    subject,
    ...(positions
      ? { visit: positions.codes, nVisits: positions.values.length, visitNames: Array.from(positions.values, String), coordinates: positions.values }
      : { visit: visit.codes, nVisits: visits.length, visitNames: visits }),
    covariance,
    method,
    ddfm,
    vcov,
  });
  return {
    kind: 'mmrm',
    outcome: options.outcome,
    arm: options.arm,
    control: options.control,
    visits,
    covariance_structure: covariance,
    method,
    ddfm,
    vcov,
    ...(positions ? { coordinates: options.coordinates, covariance_coordinates: Array.from(positions.values) } : {}),
    n_subjects: fit.nSubjects,
    n_obs: design.n,
    rows_missing_covariate: rows.missingCovariate,
    aliased: design.aliased.map((column) => column.label),
    converged: fit.converged,
    iterations: fit.iterations,
    neg2_loglik: fit.neg2LogLik,
    covariance: fit.covariance,
    contrasts: contrastRows.map((l, k) => ({
      visit: comparisons[k].visit,
      contrast: `${comparisons[k].arm} - ${options.control}`,
      ...withInterval(fit.estimate(l)),
    })),
    lsmeans: lsmeanRows.map((l, k) => ({ visit: cells[k].visit, arm: cells[k].arm, ...withoutP(withInterval(fit.estimate(l))) })),
    type3: termTests(design, fit),
  };
}

/** The option → column index map; every column named by an option must exist, once. */
export function resolveColumns(table: Table, options: AncovaOptions, extra: Record<string, string>): Map<string, number> {
  const named: [string, string][] = [
    ...Object.entries(extra),
    ['--outcome', options.outcome],
    ['--arm', options.arm],
    ...(options.baseline !== undefined ? [['--baseline', options.baseline] as [string, string]] : []),
    ...(options.covariates ?? []).map((name): [string, string] => [`--covariates ${name}`, name]),
  ];
  const columns = new Map<string, number>();
  const seen = new Map<string, string>();
  for (const [option, name] of named) {
    const index = table.header.indexOf(name);
    if (index < 0) throw badData(`${option}: no column "${name}" in the data (columns: ${table.header.join(', ')})`);
    const earlier = seen.get(name);
    if (earlier !== undefined) throw badData(`${option}: column "${name}" is already used by ${earlier}`);
    seen.set(name, option);
    columns.set(option, index);
  }
  return columns;
}

export interface AnalysedRows {
  list: readonly TableRow[];
  /** The outcome of each analysed row. */
  outcome: Float64Array;
  /** The baseline and the covariates, by option, with their values on the analysed rows. */
  covariates: { option: string; name: string; values: Float64Array | string[] }[];
  missingCovariate: number;
}

export const isMissing = (cell: string) => cell.length === 0 || (cell.charCodeAt(0) <= 32 && cell.trim() === '');

/** A column's numbers (NaN where empty); the first rows whose value is not a number, and how many there are. */
function numbersOf(table: Table, column: number): { values: Float64Array; firstNotNumbers: TableRow[]; notNumbers: number } {
  const { rows } = table;
  const values = new Float64Array(rows.length);
  const firstNotNumbers: TableRow[] = [];
  let notNumbers = 0;
  // Plain loops in the passes over the rows: they run once, mostly before V8 optimises them, where a callback per row costs.
  for (let r = 0; r < rows.length; r++) {
    const cell = rows[r].cells[column];
    if (isMissing(cell)) values[r] = NaN;
    else if (!Number.isFinite((values[r] = Number(cell))) && notNumbers++ < 5) firstNotNumbers.push(rows[r]);
  }
  return { values, firstNotNumbers, notNumbers };
}

/**
 * Rows with an outcome, and complete covariates. Rows without an outcome are left out (unless
 * `withoutOutcome`: then their outcome is NaN); rows with a missing baseline or covariate are left
 * out and counted.
 */
export function analysedRows(table: Table, columns: Map<string, number>, withoutOutcome = false): AnalysedRows {
  const ragged = table.rows.find((row) => row.cells.length !== table.header.length);
  if (ragged) throw badData(`line ${ragged.line}: ${ragged.cells.length} fields, the header has ${table.header.length}`);
  const requireNumbers = (option: string, column: number) => {
    const { values, firstNotNumbers, notNumbers } = numbersOf(table, column);
    if (notNumbers > 0) {
      const shown = firstNotNumbers.map((row) => `line ${row.line}: "${row.cells[column]}"`).join(', ');
      throw badData(`${option}: column "${table.header[column]}" has non-numeric values (${shown}${notNumbers > 5 ? `, and ${notNumbers - 5} more` : ''})`);
    }
    return values;
  };
  const outcomeColumn = columns.get('--outcome') as number;
  const outcome = requireNumbers('--outcome', outcomeColumn);
  // The baseline must be numeric; a covariate is a factor when any of its values is not a number.
  const covariateColumns = [...columns]
    .filter(([option]) => option === '--baseline' || option.startsWith('--covariates'))
    .map(([option, column]) => {
      if (option === '--baseline') return { option, column, numbers: requireNumbers(option, column) };
      const parsed = numbersOf(table, column);
      return { option, column, numbers: parsed.notNumbers === 0 ? parsed.values : null };
    });
  const structural = [...columns].filter(([option]) => option === '--arm' || option === '--subject' || option === '--visit');
  const structuralColumns = structural.map(([, column]) => column);
  const covariateIndices = covariateColumns.map((c) => c.column);

  const kept: number[] = [];
  let missingCovariate = 0;
  const { rows } = table;
  for (let r = 0; r < rows.length; r++) {
    if (Number.isNaN(outcome[r]) && !withoutOutcome) continue;
    const cells = rows[r].cells;
    for (let k = 0; k < structuralColumns.length; k++) {
      if (isMissing(cells[structuralColumns[k]])) {
        const [option, column] = structural[k];
        throw badData(`${option}: line ${rows[r].line} has ${withoutOutcome ? 'no' : 'an outcome but no'} ${table.header[column]}`);
      }
    }
    let complete = true;
    for (let k = 0; k < covariateIndices.length && complete; k++) complete = !isMissing(cells[covariateIndices[k]]);
    if (complete) kept.push(r);
    else missingCovariate++;
  }
  if (kept.length === 0) throw badData('--outcome: no row has both an outcome and complete covariates');
  const everyRow: AnalysedRows = {
    list: table.rows,
    outcome,
    covariates: covariateColumns.map(({ option, column, numbers }) => ({
      option,
      name: table.header[column],
      values: numbers ?? cellsOf(table.rows, column).map((cell) => cell.trim()),
    })),
    missingCovariate,
  };
  return selectRows(everyRow, kept);
}

/** The rows at the given indices (repetitions allowed). */
export function selectRows(rows: AnalysedRows, indices: readonly number[]): AnalysedRows {
  const n = indices.length;
  const list = new Array<TableRow>(n);
  for (let k = 0; k < n; k++) list[k] = rows.list[indices[k]];
  return {
    list,
    outcome: selectNumbers(rows.outcome, indices),
    covariates: rows.covariates.map(({ option, name, values }) => ({
      option,
      name,
      values: values instanceof Float64Array ? selectNumbers(values, indices) : indices.map((r) => values[r]),
    })),
    missingCovariate: rows.missingCovariate,
  };
}

function selectNumbers(values: Float64Array, indices: readonly number[]): Float64Array {
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]];
  return out;
}

/** The distinct non-missing values of a column over the rows, in order of first appearance. */
function distinctValues(rows: readonly TableRow[], column: number): Set<string> {
  const seen = new Set<string>();
  for (let r = 0; r < rows.length; r++) {
    const cell = rows[r].cells[column];
    if (!isMissing(cell)) seen.add(cell);
  }
  return seen;
}

/** A column's cells over the rows. */
function cellsOf(rows: readonly TableRow[], column: number): string[] {
  const out = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = rows[r].cells[column];
  return out;
}

/** The arm factor, control first then the other arms by code point; every arm must have data. */
export function armVariable(table: Table, rows: AnalysedRows, columns: Map<string, number>, options: AncovaOptions): FactorVariable {
  const column = columns.get('--arm') as number;
  const inFile = distinctValues(table.rows, column);
  if (!inFile.has(options.control)) {
    throw badData(`--control: arm "${options.control}" does not occur in column "${options.arm}" (arms: ${[...inFile].sort(compareCodePoints).join(', ')})`);
  }
  const values = cellsOf(rows.list, column);
  const withData = new Set(values);
  const empty = [...inFile].filter((level) => !withData.has(level));
  if (empty.length > 0) throw badData(`--arm: arm ${empty.map((a) => `"${a}"`).join(', ')} has no analysable outcome data`);
  if (withData.size < 2) throw badData(`--arm: only one arm ("${options.control}") in column "${options.arm}"; nothing to compare`);
  return factorVariable(options.arm, values, { reference: options.control });
}

/** Visit levels: --visits, else the order of first appearance; each needs analysable data. */
export function visitLevels(table: Table, rows: AnalysedRows, column: number, options: Pick<MmrmOptions, 'visits'>): string[] {
  let visits: string[];
  if (options.visits) {
    visits = [...options.visits];
    const duplicate = visits.find((v, i) => visits.indexOf(v) !== i);
    if (duplicate !== undefined) throw badData(`--visits: "${duplicate}" is listed twice`);
    const listed = new Set(visits);
    const stray = table.rows.find((row) => !isMissing(row.cells[column]) && !listed.has(row.cells[column]));
    if (stray) throw badData(`--visits: line ${stray.line} has visit "${stray.cells[column]}", which --visits does not list`);
  } else {
    visits = [...distinctValues(table.rows, column)];
  }
  const withData = distinctValues(rows.list, column);
  const empty = visits.filter((v) => !withData.has(v));
  if (empty.length > 0) throw badData(`--visit: visit ${empty.map((v) => `"${v}"`).join(', ')} has no analysable outcome data`);
  return visits;
}

/** Subjects numbered 0.. in order of first appearance. */
export function subjectIndices(rows: readonly TableRow[], column: number): Int32Array {
  const index = new Map<string, number>();
  const out = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const id = rows[r].cells[column];
    let i = index.get(id);
    if (i === undefined) index.set(id, (i = index.size));
    out[r] = i;
  }
  return out;
}

function checkOneRowPerVisit(
  rows: readonly TableRow[],
  subject: Int32Array,
  visit: FactorVariable,
  subjectColumn: number,
  options: MmrmOptions,
): void {
  const nVisits = visit.levels.length;
  let subjects = 0;
  for (let r = 0; r < subject.length; r++) if (subject[r] >= subjects) subjects = subject[r] + 1;
  const lineAt = new Int32Array(subjects * nVisits);
  for (let r = 0; r < rows.length; r++) {
    const cell = subject[r] * nVisits + visit.codes[r];
    if (lineAt[cell] !== 0) {
      throw badData(
        `--subject: subject "${rows[r].cells[subjectColumn]}" has two outcomes at ${options.visit} "${visit.levels[visit.codes[r]]}" (lines ${lineAt[cell]} and ${rows[r].line})`,
      );
    }
    lineAt[cell] = rows[r].line;
  }
}

/**
 * sp_exp's covariance is over the distinct coordinates (increasing): each row's position among
 * them, checked to be a number and not repeated within a subject.
 */
function coordinatePositions(
  rows: readonly TableRow[],
  subject: Int32Array,
  column: number,
  table: Table,
  options: MmrmOptions,
): { values: Float64Array; codes: Int32Array } {
  const coordinate = rows.map((row) => {
    const cell = row.cells[column];
    const value = isMissing(cell) ? NaN : Number(cell);
    if (!Number.isFinite(value)) throw badData(`--coordinates: line ${row.line} has "${cell}" in column "${table.header[column]}", not a number`);
    return value;
  });
  const values = Float64Array.from(new Set(coordinate)).sort();
  const codeOf = new Map(Array.from(values, (v, i) => [v, i]));
  const codes = Int32Array.from(coordinate, (v) => codeOf.get(v) as number);
  const seen = new Map<string, number>();
  rows.forEach((row, r) => {
    const key = `${subject[r]}:${codes[r]}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw badData(`--coordinates: subject "${row.cells[table.header.indexOf(options.subject)]}" has two rows at ${table.header[column]} ${coordinate[r]} (lines ${earlier} and ${row.line})`);
    }
    seen.set(key, row.line);
  });
  return { values, codes };
}

/** The model of either analysis; `visit` is null for ANCOVA. Term order follows R's formula. */
export function modelSpec(rows: AnalysedRows, arm: Variable, visit: Variable | null, options: AncovaOptions): ModelSpec {
  const covariates = rows.covariates.map(({ name, values }): Variable =>
    values instanceof Float64Array ? { kind: 'numeric', name, values } : factorVariable(name, values),
  );
  const baseline = options.baseline;
  const terms: string[][] = [];
  if (baseline !== undefined) terms.push([baseline]);
  if (baseline !== undefined && visit) terms.push([baseline, visit.name]);
  terms.push([arm.name]);
  if (visit) terms.push([visit.name], [arm.name, visit.name]);
  for (const covariate of covariates) if (covariate.name !== baseline) terms.push([covariate.name]);
  return { variables: [arm, ...(visit ? [visit] : []), ...covariates], terms };
}

function termTests(design: Design, fit: LinearFit): TermTest[] {
  return typeIIIHypotheses(design).map(({ term, rows }) => {
    if (!rows.every((row) => design.isEstimable(row))) return { term, num_df: null, den_df: null, f: null, p: null };
    const test = fit.fTest(rows.map((row) => design.reduce(row, `the type III test of ${term}`)));
    return { term, num_df: test.numDf, den_df: test.denDf, f: test.f, p: test.p };
  });
}

function withoutP(value: IntervalEstimate): Omit<IntervalEstimate, 'p'> {
  const { p: _p, ...rest } = value;
  return rest;
}
