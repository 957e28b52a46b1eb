import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fisherFUpper, studentTTwoSided } from './distributions.ts';
import { StatsError } from './errors.ts';
import { quadraticForm, spdInverse } from './linalg.ts';
import { covarianceStructures, fitMmrm } from './mmrm.ts';
import type { CovarianceStructure, MmrmInput } from './mmrm.ts';

const referenceDir = new URL('../../../shared/reference/', import.meta.url);

interface ReferenceContrast {
  visit: string;
  contrast: string;
  estimate: number;
  se: number;
  df: number;
}
interface ReferenceEntry {
  name: string;
  command: {
    kind: string;
    data: string;
    subject: string;
    visit: string;
    visits: string;
    outcome: string;
    arm: string;
    control: string;
    baseline?: string;
    covariates?: string;
    covariance: CovarianceStructure;
    method: 'reml' | 'ml';
  };
  neg2_loglik: number;
  covariance: number[][];
  contrasts: ReferenceContrast[];
}

const reference = (JSON.parse(readFileSync(new URL('reference.json', referenceDir), 'utf8')) as ReferenceEntry[]).filter(
  (entry) => entry.command.kind === 'mmrm',
);

/**
 * The reference model outcome ~ baseline + baseline:visit + arm + visit + arm:visit + covariates,
 * treatment coding with the first level as reference; rows with a missing outcome left out.
 * Returns the engine's input and, per "arm - control" and visit, the contrast row.
 */
function referenceDesign(command: ReferenceEntry['command']) {
  const rows = parse(readFileSync(new URL(command.data, referenceDir), 'utf8'), { columns: true }) as Record<string, string>[];
  const analysed = rows.filter((row) => row[command.outcome] !== '' && row[command.outcome] !== 'NA');
  const visits = command.visits.split(',');
  const arms = [command.control, ...[...new Set(analysed.map((row) => row[command.arm]))].filter((a) => a !== command.control).sort()];
  const covariates = command.covariates ? command.covariates.split(',') : [];
  const covariateLevels = covariates.map((c) => [...new Set(analysed.map((row) => row[c]))].sort());
  const isNumeric = covariateLevels.map((levels) => levels.every((v) => Number.isFinite(Number(v))));

  const columns: ((row: Record<string, string>) => number)[] = [() => 1];
  const armColumn = new Map<string, number>();
  const armVisitColumn = new Map<string, number>();
  if (command.baseline) {
    const baseline = command.baseline;
    columns.push((row) => Number(row[baseline]));
    for (const v of visits.slice(1)) columns.push((row) => (row[command.visit] === v ? Number(row[baseline]) : 0));
  }
  for (const a of arms.slice(1)) {
    armColumn.set(a, columns.length);
    columns.push((row) => (row[command.arm] === a ? 1 : 0));
  }
  for (const v of visits.slice(1)) columns.push((row) => (row[command.visit] === v ? 1 : 0));
  for (const a of arms.slice(1)) {
    for (const v of visits.slice(1)) {
      armVisitColumn.set(`${a}@${v}`, columns.length);
      columns.push((row) => (row[command.arm] === a && row[command.visit] === v ? 1 : 0));
    }
  }
  covariates.forEach((c, k) => {
    if (isNumeric[k]) columns.push((row) => Number(row[c]));
    else for (const level of covariateLevels[k].slice(1)) columns.push((row) => (row[c] === level ? 1 : 0));
  });

  const p = columns.length;
  const subjects = [...new Set(analysed.map((row) => row[command.subject]))];
  const subjectIndex = new Map(subjects.map((s, i) => [s, i]));
  const input: MmrmInput = {
    X: Float64Array.from(analysed.flatMap((row) => columns.map((column) => column(row)))),
    p,
    y: Float64Array.from(analysed, (row) => Number(row[command.outcome])),
    subject: Int32Array.from(analysed, (row) => subjectIndex.get(row[command.subject])!),
    visit: Int32Array.from(analysed, (row) => visits.indexOf(row[command.visit])),
    nVisits: visits.length,
    covariance: command.covariance,
    method: command.method,
  };
  const contrastRow = (arm: string, visit: string) => {
    const l = new Float64Array(p);
    l[armColumn.get(arm)!] = 1;
    if (visit !== visits[0]) l[armVisitColumn.get(`${arm}@${visit}`)!] = 1;
    return l;
  };
  return { input, contrastRow };
}

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('fitMmrm reproduces R mmrm (reference.json)', () => {
  it('covers every covariance structure', () => {
    const covered = new Set(reference.map((entry) => entry.command.covariance));
    // sp_exp needs coordinates: reference-ddfm.json has it (reference.test.ts).
    expect([...covered].sort()).toEqual(covarianceStructures.filter((s) => s !== 'sp_exp').sort());
  });

  for (const entry of reference) {
    it(entry.name, () => {
      const { input, contrastRow } = referenceDesign(entry.command);
      const fit = fitMmrm(input);
      expect(fit.converged).toBe(true);
      expect(fit.nSubjects).toBe((entry as unknown as { n_subjects: number }).n_subjects);
      // No more than 1e-4 above R's optimum (lower is a better optimum).
      expect(fit.neg2LogLik - entry.neg2_loglik).toBeLessThanOrEqual(1e-4);
      expect(fit.neg2LogLik - entry.neg2_loglik).toBeGreaterThan(-1e-3);
      entry.covariance.forEach((row, a) =>
        row.forEach((expected, b) => expect(relativeError(fit.covariance[a][b], expected)).toBeLessThan(1e-3)),
      );
      for (const contrast of entry.contrasts) {
        const arm = contrast.contrast.split(' - ')[0];
        const result = fit.estimate(contrastRow(arm, contrast.visit));
        expect(Math.abs(result.estimate - contrast.estimate) / contrast.se).toBeLessThan(1e-4);
        expect(relativeError(result.se, contrast.se)).toBeLessThan(1e-4);
        expect(relativeError(result.df, contrast.df)).toBeLessThan(1e-3);
      }
    });
  }
});

describe('fitMmrm reproduces SAS PROC MIXED (as quoted in mmrm\'s tests)', () => {
  it('FEV1 ~ RACE + SEX + ARMCD*AVISIT, unstructured, REML', () => {
    const entry = reference.find((e) => e.name === 'fev-us-reml')!;
    const { input, contrastRow } = referenceDesign({ ...entry.command, baseline: undefined });
    const fit = fitMmrm(input);
    // SAS stops 6e-6 above the optimum found here.
    expect(Math.abs(fit.neg2LogLik - 3386.44987722)).toBeLessThan(1e-4);
    const visit4 = fit.estimate(contrastRow('TRT', 'VIS4'));
    // SAS prints four decimals.
    expect(Math.abs(visit4.estimate - 4.3985)).toBeLessThan(1e-4);
    expect(Math.abs(visit4.se - 1.6805)).toBeLessThan(1e-4);
    expect(Math.round(visit4.df)).toBe(133);
  });
});

describe('fTest', () => {
  const entry = reference.find((e) => e.name === 'fev-us-reml')!;
  const { input, contrastRow } = referenceDesign(entry.command);
  const fit = fitMmrm(input);
  const rows = ['VIS1', 'VIS2', 'VIS3', 'VIS4'].map((v) => contrastRow('TRT', v));

  it('with one row is the squared t test', () => {
    const single = fit.estimate(rows[3]);
    const test = fit.fTest([rows[3]]);
    expect(test.f).toBeCloseTo((single.estimate / single.se) ** 2, 10);
    expect(test.numDf).toBe(1);
    expect(test.denDf).toBeCloseTo(single.df, 8);
    expect(test.p).toBeCloseTo(studentTTwoSided(single.estimate / single.se, single.df), 12);
  });

  it('with several rows is the Wald statistic over their rank, denominator df within the rows\' range', () => {
    const test = fit.fTest(rows);
    const m = rows.length;
    const lcl = new Float64Array(m * m);
    const lb = rows.map((l) => l.reduce((s, v, j) => s + v * fit.beta[j], 0));
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) lcl[i * m + j] = quadraticForm(fit.covBeta, input.p, rows[i], rows[j]);
    const wald = quadraticForm(spdInverse(lcl, m)!, m, lb, lb);
    expect(test.numDf).toBe(4);
    expect(test.f).toBeCloseTo(wald / 4, 8);
    const dfs = rows.map((l) => fit.estimate(l).df);
    expect(test.denDf).toBeGreaterThan(2);
    expect(test.denDf).toBeLessThan(Math.max(...dfs) * 1.5);
    expect(test.p).toBeCloseTo(fisherFUpper(test.f, 4, test.denDf), 14);
  });

  it('drops linearly dependent rows', () => {
    const doubled = rows[3].map((v) => 2 * v);
    const test = fit.fTest([rows[3], doubled]);
    const single = fit.fTest([rows[3]]);
    expect(test.numDf).toBe(1);
    expect(test.f).toBeCloseTo(single.f, 8);
    expect(test.denDf).toBeCloseTo(single.denDf, 6);
  });
});

describe('fitMmrm invariances', () => {
  const entry = reference.find((e) => e.name === 'fev-us-reml')!;
  const { input, contrastRow } = referenceDesign(entry.command);
  const baseline = fitMmrm(input);
  const visit4 = baseline.estimate(contrastRow('TRT', 'VIS4'));
  const n = input.y.length;

  const permuted = (order: number[]): MmrmInput => ({
    ...input,
    X: Float64Array.from(order.flatMap((r) => Array.from(input.X.subarray(r * input.p, (r + 1) * input.p)))),
    y: Float64Array.from(order, (r) => input.y[r]),
    subject: Int32Array.from(order, (r) => input.subject[r]),
    visit: Int32Array.from(order, (r) => input.visit[r]),
  });
  const expectSameFit = (other: ReturnType<typeof fitMmrm>, shift = 0) => {
    expect(other.neg2LogLik).toBeCloseTo(baseline.neg2LogLik, 6);
    const result = other.estimate(contrastRow('TRT', 'VIS4'));
    expect(result.estimate).toBeCloseTo(visit4.estimate, 6);
    expect(result.se).toBeCloseTo(visit4.se, 6);
    expect(relativeError(result.df, visit4.df)).toBeLessThan(1e-6);
    expect(other.beta[0] - baseline.beta[0]).toBeCloseTo(shift, 5);
  };

  it('does not depend on row order', () => {
    const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    expect(new Set(order).size).toBe(n);
    expectSameFit(fitMmrm(permuted(order)));
  });

  it('does not depend on subject labels', () => {
    const nSubjects = Math.max(...input.subject) + 1;
    const relabel = (s: number) => nSubjects - 1 - s;
    expectSameFit(fitMmrm({ ...input, subject: input.subject.map(relabel) }));
  });

  it('shifts only the intercept when the outcome is shifted', () => {
    expectSameFit(fitMmrm({ ...input, y: input.y.map((v) => v + 1000) }), 1000);
  });
});

describe('fitMmrm without an optimum', () => {
  it('reports no convergence, with no estimates, when the covariance is singular at the optimum', () => {
    // Residuals perfectly correlated across visits: the likelihood grows without bound.
    const rows = Array.from({ length: 80 }, (_, r) => r);
    const input: MmrmInput = {
      X: Float64Array.from(rows.flatMap((r) => [1, r % 4 === 1 ? 1 : 0, r % 4 === 2 ? 1 : 0, r % 4 === 3 ? 1 : 0])),
      p: 4,
      y: Float64Array.from(rows, (r) => 3 * Math.sin(Math.floor(r / 4) * 1.7) + (r % 4)),
      subject: Int32Array.from(rows, (r) => Math.floor(r / 4)),
      visit: Int32Array.from(rows, (r) => r % 4),
      nVisits: 4,
      covariance: 'us',
      method: 'reml',
    };
    expect(() => fitMmrm(input)).toThrow(expect.objectContaining({ code: 'not_converged' }));
  });
});

describe('fitMmrm refuses what it cannot estimate', () => {
  const entry = reference.find((e) => e.name === 'fev-us-reml')!;
  const { input } = referenceDesign(entry.command);
  const expectBadData = (run: () => unknown, message: RegExp) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(StatsError);
      expect((error as StatsError).code).toBe('bad_data');
      expect((error as StatsError).message).toMatch(message);
      return;
    }
    throw new Error('expected a bad_data error');
  };

  it('a value that is not a finite number', () => {
    const X = input.X.slice();
    X[3 * input.p + 1] = Number.NaN;
    expectBadData(() => fitMmrm({ ...input, X }), /design entry in row 3, column 1 is not finite/);
    const y = input.y.slice();
    y[5] = Infinity;
    expectBadData(() => fitMmrm({ ...input, y }), /outcome in row 5 is not a finite number/);
  });
  it('a visit with no data', () => {
    expectBadData(() => fitMmrm({ ...input, nVisits: 5 }), /visit 4 has no data/);
  });
  it('two rows of one subject at one visit', () => {
    const visit = input.visit.slice();
    const other = visit.findIndex((v, r) => r > 0 && input.subject[r] === input.subject[0]);
    visit[other] = visit[0];
    expectBadData(() => fitMmrm({ ...input, visit }), /more than one row at visit/);
  });
  it('too few subjects for an unstructured covariance', () => {
    const keep = Array.from({ length: input.y.length }, (_, r) => r).filter((r) => input.subject[r] < 4);
    const small: MmrmInput = {
      ...input,
      X: Float64Array.from(keep.flatMap((r) => Array.from(input.X.subarray(r * input.p, (r + 1) * input.p)))),
      y: Float64Array.from(keep, (r) => input.y[r]),
      subject: Int32Array.from(keep, (r) => input.subject[r]),
      visit: Int32Array.from(keep, (r) => input.visit[r]),
    };
    expectBadData(() => fitMmrm(small), /too few observations for covariance structure us/);
  });
  it('no more subjects than visits for an unstructured covariance', () => {
    const rows = Array.from({ length: 16 }, (_, r) => r);
    const fourSubjects: MmrmInput = {
      X: new Float64Array(16).fill(1),
      p: 1,
      y: Float64Array.from(rows, (r) => Math.sin(r)),
      subject: Int32Array.from(rows, (r) => Math.floor(r / 4)),
      visit: Int32Array.from(rows, (r) => r % 4),
      nVisits: 4,
      covariance: 'us',
      method: 'reml',
    };
    expectBadData(() => fitMmrm(fourSubjects), /needs more than 4 subjects, found 4/);
  });
  it('two visits never observed together under us', () => {
    const rows = Array.from({ length: 40 }, (_, r) => r);
    const alternating: MmrmInput = {
      X: new Float64Array(40).fill(1),
      p: 1,
      y: Float64Array.from(rows, (r) => Math.sin(r)),
      subject: Int32Array.from(rows, (r) => Math.floor(r / 2)),
      // Subjects alternate between visits {0, 1} and {0, 2}: visits 1 and 2 never meet.
      visit: Int32Array.from(rows, (r) => (r % 2 === 0 ? 0 : Math.floor(r / 2) % 2 === 0 ? 1 : 2)),
      nVisits: 3,
      covariance: 'us',
      method: 'reml',
    };
    expectBadData(() => fitMmrm(alternating), /visits 1 and 2 are never observed in the same subject/);
    expect(fitMmrm({ ...alternating, covariance: 'ar1' }).converged).toBe(true);
  });
});
