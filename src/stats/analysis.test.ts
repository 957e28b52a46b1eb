import { describe, expect, it } from 'vitest';
import { analyzeAncova, analyzeMmrm } from './analysis.ts';
import type { AnalysisResult, AncovaOptions, MmrmOptions } from './analysis.ts';
import { StatsError } from './errors.ts';
import type { Table, TableRow } from './table.ts';
import { readReferenceTable } from './testing.ts';

const fev = readReferenceTable('fev_data.csv');
const anorexia = readReferenceTable('anorexia.csv');
const fevOptions: MmrmOptions = {
  subject: 'USUBJID', visit: 'AVISIT', visits: ['VIS1', 'VIS2', 'VIS3', 'VIS4'], outcome: 'FEV1', arm: 'ARMCD',
  control: 'PBO', baseline: 'FEV1_BL', covariates: ['RACE', 'SEX'],
};
const anorexiaOptions: AncovaOptions = { outcome: 'Postwt', arm: 'Treat', control: 'Cont', baseline: 'Prewt' };

/** The table with the cells of one column rewritten (row index, current value → new value). */
function mapColumn(table: Table, column: string, map: (value: string, index: number, row: TableRow) => string): Table {
  const j = table.header.indexOf(column);
  return { ...table, rows: table.rows.map((row, i) => ({ ...row, cells: row.cells.map((cell, k) => (k === j ? map(cell, i, row) : cell)) })) };
}
const cell = (table: Table, row: number, column: string) => table.rows[row].cells[table.header.indexOf(column)];
const withRows = (table: Table, rows: readonly TableRow[]): Table => ({ ...table, rows });

/** A fixed permutation (a linear congruential shuffle), so failures reproduce. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let state = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Asserts two results agree: estimates within `tolerance` SEs, SEs and df within `tolerance` relative. */
function expectSameInference(a: AnalysisResult, b: AnalysisResult, tolerance: number, shift = 0): void {
  expect(b.contrasts.length).toBe(a.contrasts.length);
  a.contrasts.forEach((c, k) => {
    const d = b.contrasts[k];
    expect(d.contrast).toBe(c.contrast);
    expect(Math.abs(d.estimate - c.estimate)).toBeLessThan(tolerance * c.se);
    expect(Math.abs(d.se / c.se - 1)).toBeLessThan(tolerance);
    expect(Math.abs(d.df / c.df - 1)).toBeLessThan(tolerance);
  });
  a.lsmeans.forEach((m, k) => {
    const l = b.lsmeans[k];
    expect(l.arm).toBe(m.arm);
    expect(Math.abs(l.estimate - shift - m.estimate)).toBeLessThan(tolerance * m.se);
    expect(Math.abs(l.se / m.se - 1)).toBeLessThan(tolerance);
  });
  expect(Math.abs(b.neg2_loglik - a.neg2_loglik)).toBeLessThan(tolerance * Math.abs(a.neg2_loglik));
}

describe('invariances', () => {
  const fit = analyzeMmrm(fev, fevOptions);

  it('MMRM: the order of the rows does not matter', () => {
    expectSameInference(fit, analyzeMmrm(withRows(fev, shuffled(fev.rows)), fevOptions), 1e-6);
  });

  it('MMRM: relabelling subjects does not matter', () => {
    const relabelled = mapColumn(fev, 'USUBJID', (id) => `subject-${[...id].reverse().join('')}`);
    expectSameInference(fit, analyzeMmrm(relabelled, fevOptions), 1e-6);
  });

  it('MMRM: shifting the outcome shifts the LS means only', () => {
    const shifted = mapColumn(fev, 'FEV1', (value) => (value === '' ? '' : String(Number(value) + 100)));
    const result = analyzeMmrm(shifted, fevOptions);
    expectSameInference(fit, result, 1e-6, 100);
    result.covariance.flat().forEach((value, k) => expect(value).toBeCloseTo(fit.covariance.flat()[k], 4));
  });

  it('ANCOVA: row order and an outcome shift, to 1e-9', () => {
    const fit = analyzeAncova(anorexia, anorexiaOptions);
    expectSameInference(fit, analyzeAncova(withRows(anorexia, shuffled(anorexia.rows)), anorexiaOptions), 1e-9);
    const shifted = mapColumn(anorexia, 'Postwt', (value) => String(Number(value) - 50));
    expectSameInference(fit, analyzeAncova(shifted, anorexiaOptions), 1e-9, -50);
  });
});

describe('the data the analyses use', () => {
  it('leaves out rows without an outcome, and counts rows left out for a missing covariate', () => {
    const fit = analyzeMmrm(fev, fevOptions);
    expect(fit.n_obs).toBe(537);
    const withGaps = mapColumn(fev, 'RACE', (race, i) => (i < 12 ? '' : race));
    const blanked = fev.rows.slice(0, 12).filter((_, i) => cell(fev, i, 'FEV1') !== '').length;
    const result = analyzeMmrm(withGaps, fevOptions);
    expect(result.rows_missing_covariate).toBe(blanked);
    expect(result.n_obs).toBe(537 - blanked);
  });

  it('treats a covariate as a factor when any value is not a number, as a number otherwise', () => {
    const numeric = analyzeAncova(anorexia, { ...anorexiaOptions, covariates: ['id'] });
    expect(numeric.type3.find((t) => t.term === 'id')?.num_df).toBe(1);
    const grouped = mapColumn(anorexia, 'id', (id) => (Number(id) % 3 === 0 ? 'a' : String(Number(id) % 3)));
    expect(analyzeAncova(grouped, { ...anorexiaOptions, covariates: ['id'] }).type3.find((t) => t.term === 'id')?.num_df).toBe(2);
  });

  it('orders visits by first appearance without --visits', () => {
    const { visits: _visits, ...withoutVisits } = fevOptions;
    const reversed = withRows(fev, [...fev.rows].reverse());
    expect(analyzeMmrm(reversed, withoutVisits).visits).toEqual(['VIS4', 'VIS3', 'VIS2', 'VIS1']);
  });
});

describe('clear errors', () => {
  const expectBadData = (run: () => unknown, message: RegExp) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StatsError);
    expect((caught as StatsError).code).toBe('bad_data');
    expect((caught as StatsError).message).toMatch(message);
  };

  it('a column that does not exist, or is named twice', () => {
    expectBadData(() => analyzeMmrm(fev, { ...fevOptions, outcome: 'FEV' }), /^--outcome: no column "FEV" in the data \(columns: USUBJID, AVISIT/);
    expectBadData(() => analyzeMmrm(fev, { ...fevOptions, covariates: ['RACE', 'AGE'] }), /^--covariates AGE: no column "AGE"/);
    expectBadData(() => analyzeMmrm(fev, { ...fevOptions, covariates: ['ARMCD'] }), /^--covariates ARMCD: column "ARMCD" is already used by --arm/);
  });

  it('a control arm that does not exist', () => {
    expectBadData(() => analyzeAncova(anorexia, { ...anorexiaOptions, control: 'Placebo' }), /^--control: arm "Placebo" does not occur in column "Treat" \(arms: CBT, Cont, FT\)/);
  });

  it('non-numeric values, with their line numbers', () => {
    const bad = mapColumn(fev, 'FEV1', (value, i) => (i === 1 || i === 7 ? 'n/a' : value));
    expectBadData(() => analyzeMmrm(bad, fevOptions), /^--outcome: column "FEV1" has non-numeric values \(line 3: "n\/a", line 9: "n\/a"\)/);
    const many = mapColumn(fev, 'FEV1', (value, i) => (i < 8 ? 'NA' : value));
    expectBadData(() => analyzeMmrm(many, fevOptions), /\(line 2: "NA", line 3: "NA", line 4: "NA", line 5: "NA", line 6: "NA", and 3 more\)$/);
    const badBaseline = mapColumn(anorexia, 'Prewt', (value, i) => (i === 4 ? '80,5' : value));
    expectBadData(() => analyzeAncova(badBaseline, anorexiaOptions), /^--baseline: column "Prewt" has non-numeric values \(line 6: "80,5"\)/);
  });

  it('a visit with no data, and a visit that --visits does not list', () => {
    const noVis4 = mapColumn(fev, 'FEV1', (value, i) => (cell(fev, i, 'AVISIT') === 'VIS4' ? '' : value));
    expectBadData(() => analyzeMmrm(noVis4, fevOptions), /^--visit: visit "VIS4" has no analysable outcome data/);
    expectBadData(() => analyzeMmrm(fev, { ...fevOptions, visits: ['VIS1', 'VIS2', 'VIS3'] }), /^--visits: line 5 has visit "VIS4", which --visits does not list/);
  });

  it('an arm with no data, and a single arm', () => {
    const noTrt = mapColumn(fev, 'FEV1', (value, i) => (cell(fev, i, 'ARMCD') === 'TRT' ? '' : value));
    expectBadData(() => analyzeMmrm(noTrt, fevOptions), /^--arm: arm "TRT" has no analysable outcome data/);
    const onlyPbo = withRows(fev, fev.rows.filter((_, i) => cell(fev, i, 'ARMCD') === 'PBO'));
    expectBadData(() => analyzeMmrm(onlyPbo, fevOptions), /^--arm: only one arm \("PBO"\)/);
  });

  it('an outcome row without a subject, visit or arm', () => {
    const noArm = mapColumn(fev, 'ARMCD', (value, i) => (i === 1 ? '' : value));
    expectBadData(() => analyzeMmrm(noArm, fevOptions), /^--arm: line 3 has an outcome but no ARMCD/);
  });

  it('two outcomes for a subject at one visit', () => {
    expectBadData(() => analyzeMmrm(withRows(fev, [...fev.rows, { ...fev.rows[1], line: 802 }]), fevOptions), /^--subject: subject "PT1" has two outcomes at AVISIT "VIS2" \(lines 3 and 802\)/);
  });

  it('aliased terms that make the comparison impossible', () => {
    // A covariate that is the arm under another name: its column is aliased and no arm contrast is estimable.
    const table: Table = { header: [...fev.header, 'GROUP'], rows: fev.rows.map((row) => ({ ...row, cells: [...row.cells, `group-${row.cells[2]}`] })) };
    expectBadData(() => analyzeMmrm(table, { ...fevOptions, covariates: ['GROUP'] }), /^cannot estimate the LS mean of PBO at VIS1: aliased: GROUP\[group-TRT\]/);
  });

  it('an aliased covariate that leaves the comparisons estimable is dropped and reported', () => {
    const table: Table = { header: [...anorexia.header, 'Prewt2'], rows: anorexia.rows.map((row) => ({ ...row, cells: [...row.cells, String(2 * Number(row.cells[2]))] })) };
    const result = analyzeAncova(table, { ...anorexiaOptions, covariates: ['Prewt2'] });
    expect(result.aliased).toEqual(['Prewt2']);
    expect(result.contrasts[0].estimate).toBeCloseTo(analyzeAncova(anorexia, anorexiaOptions).contrasts[0].estimate, 9);
    expect(result.type3.find((t) => t.term === 'Prewt2')).toEqual({ term: 'Prewt2', num_df: null, den_df: null, f: null, p: null });
  });

  it('too few subjects for the covariance structure', () => {
    // Three subjects with an outcome at every visit: too few for an unstructured 4 x 4 covariance.
    const complete = (id: string) => fev.rows.filter((_, i) => cell(fev, i, 'USUBJID') === id && cell(fev, i, 'FEV1') !== '').length === 4;
    const three = new Set([...new Set(fev.rows.map((_, i) => cell(fev, i, 'USUBJID')))].filter(complete).slice(0, 3));
    const few = withRows(fev, fev.rows.filter((_, i) => three.has(cell(fev, i, 'USUBJID'))));
    expectBadData(() => analyzeMmrm(few, { ...fevOptions, baseline: undefined, covariates: [] }), /^too few observations for covariance structure us: 12 observations, 8 fixed effects and 10 covariance parameters/);
  });

  it('two visits never observed in the same subject, named by their visit names', () => {
    const subjects = [...new Set(fev.rows.map((_, i) => cell(fev, i, 'USUBJID')))];
    // Half the subjects miss VIS2, the other half VIS3: no subject has both.
    const missing = (i: number) => (subjects.indexOf(cell(fev, i, 'USUBJID')) % 2 === 0 ? 'VIS2' : 'VIS3');
    const apart = mapColumn(fev, 'FEV1', (value, i) => (cell(fev, i, 'AVISIT') === missing(i) ? '' : value));
    expectBadData(() => analyzeMmrm(apart, fevOptions), /^visits "VIS2" and "VIS3" are never observed in the same subject/);
  });

  it('rows whose field count differs from the header', () => {
    const ragged = withRows(anorexia, [...anorexia.rows.slice(0, 3), { line: 5, cells: ['4', 'Cont', '74'] }]);
    expectBadData(() => analyzeAncova(ragged, anorexiaOptions), /^line 5: 3 fields, the header has 4/);
  });
});
