import { describe, expect, it } from 'vitest';
import { analyzeAncova, analyzeMmrm } from '../stats/analysis.ts';
import { parseTable } from '../stats/table.ts';
import { judge } from '../stats/verdict.ts';
import { analysisSpec, buildAnalysisDataset, datasetCsv } from './analysis-dataset.ts';
import type { OutcomeRow } from './analysis-dataset.ts';
import { RandomStream } from './random-stream.ts';
import { makeProtocol, testSeed } from './testing.ts';

const protocol = makeProtocol();

/** 40 participants, whey gaining 0.5 kg of lean mass a month more than placebo, with seeded noise; JB-007 misses week 8. */
function trialRows(): OutcomeRow[] {
  const noise = new RandomStream(testSeed, 'analysis data');
  const normal = () => Math.sqrt(-2 * Math.log(1 - noise.uniform().value)) * Math.cos(2 * Math.PI * noise.uniform().value);
  return Array.from({ length: 40 }, (_, i) => i).flatMap((i) => {
    const participant = `JB-${String(i + 1).padStart(3, '0')}`;
    const arm = i % 2 === 0 ? 'whey' : 'placebo';
    const sex = i % 3 === 0 ? 'female' : 'male';
    const baseline = Math.round((sex === 'female' ? 48 : 60) + 3 * normal() * 10) / 10;
    return ['baseline', 'week 4', 'week 8', 'week 12'].map((visit, month) => ({
      participant,
      arm,
      visit,
      value: participant === 'JB-007' && visit === 'week 8' ? null : Math.round((baseline + month * (arm === 'whey' ? 0.8 : 0.3) + 0.4 * normal()) * 100) / 100,
      baseline,
      covariates: { sex },
    }));
  });
}

describe('analysis data set', () => {
  const rows = trialRows();
  const dataset = buildAnalysisDataset(protocol, rows);

  it("names the engine's options from the protocol", () => {
    expect(dataset.spec).toEqual({
      kind: 'mmrm',
      options: {
        outcome: 'lean_mass_kg',
        arm: 'arm',
        control: 'placebo',
        baseline: 'baseline',
        covariates: ['sex'],
        subject: 'participant',
        visit: 'visit',
        visits: ['week 4', 'week 8', 'week 12'],
        covariance: 'us',
        method: 'reml',
      },
    });
  });

  it('has one row per participant and analysed visit, in order, with the baseline and covariates', () => {
    expect(dataset.header).toEqual(['participant', 'arm', 'visit', 'lean_mass_kg', 'baseline', 'sex']);
    expect(dataset.rows).toHaveLength(40 * 3);
    expect(dataset.rows.slice(0, 3).map((row) => row.slice(0, 3))).toEqual([
      ['JB-001', 'whey', 'week 4'],
      ['JB-001', 'whey', 'week 8'],
      ['JB-001', 'whey', 'week 12'],
    ]);
    expect(dataset.rows.find((row) => row[0] === 'JB-007' && row[2] === 'week 8')?.[3]).toBeNull();
  });

  it('feeds the engine directly, and the verdict recovers the simulated effect', () => {
    const { csv } = datasetCsv(dataset);
    const spec = dataset.spec;
    if (spec.kind !== 'mmrm') throw new Error('the test protocol is an MMRM');
    const result = analyzeMmrm(parseTable(csv), spec.options);
    expect(result.n_subjects).toBe(40);
    expect(result.n_obs).toBe(119);
    const week12 = result.contrasts.find((c) => c.visit === 'week 12');
    expect(week12?.contrast).toBe('whey - placebo');
    expect(week12?.estimate).toBeGreaterThan(1);
    expect(week12?.estimate).toBeLessThan(2);
    expect(judge(protocol.decisionRule, result)).toMatchObject({ met: true, hypothesis: 'superiority' });
  });

  it('builds an ANCOVA at the outcome visit alone, which the engine takes as it is', () => {
    const ancova = makeProtocol({
      outcomes: { primary: { measurement: 'lean_mass_kg', visit: 'week 12', baselineVisit: 'baseline', covariates: ['sex'], analysis: 'ancova' }, secondary: [] },
      decisionRule: { ...protocol.decisionRule, visit: undefined },
    });
    const data = buildAnalysisDataset(ancova, rows);
    expect(data.rows).toHaveLength(40);
    expect(data.spec).toEqual({ kind: 'ancova', options: { outcome: 'lean_mass_kg', arm: 'arm', control: 'placebo', baseline: 'baseline', covariates: ['sex'] } });
    const result = analyzeAncova(parseTable(datasetCsv(data).csv), data.spec.options);
    expect(result.n_subjects).toBe(40);
    expect(judge(ancova.decisionRule, result).met).toBe(true);
  });

  it('serialises to the same bytes and hash whatever the order of the rows', () => {
    const first = datasetCsv(dataset);
    const again = datasetCsv(buildAnalysisDataset(protocol, [...rows].reverse()));
    expect(again).toEqual(first);
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.csv.split('\n').slice(0, 2)).toEqual(['participant,arm,visit,lean_mass_kg,baseline,sex', `JB-001,whey,week 4,${dataset.rows[0][3]},${dataset.rows[0][4]},female`]);
    const changed = rows.map((row, i) => (i === 5 ? { ...row, value: (row.value ?? 0) + 0.01 } : row));
    expect(datasetCsv(buildAnalysisDataset(protocol, changed)).sha256).not.toBe(first.sha256);
  });

  it('refuses rows that do not fit the protocol, naming the column', () => {
    const row = rows[1];
    expect(() => buildAnalysisDataset(protocol, [{ ...row, visit: 'week 5' }])).toThrow('visit: JB-001 at week 5: no such visit in the schedule of WHEY-01');
    expect(() => buildAnalysisDataset(protocol, [{ ...row, arm: 'water' }])).toThrow('arm: JB-001 at week 4: "water" is not an arm of WHEY-01');
    expect(() => buildAnalysisDataset(protocol, [row, row])).toThrow('visit: JB-001 at week 4: two rows for one visit');
    expect(() => buildAnalysisDataset(protocol, [rows[0], { ...row, arm: 'placebo' }])).toThrow('arm: JB-001 at week 4: arm "placebo", but "whey" on another row');
    expect(() => buildAnalysisDataset(protocol, [rows[0], { ...row, covariates: { sex: 'male' } }])).toThrow('sex: JB-001 at week 4: male, but female on another row of JB-001');
    expect(() => buildAnalysisDataset(protocol, [{ ...row, covariates: {} }])).toThrow('sex: JB-001 at week 4: the covariate is missing (give null when unknown)');
    expect(() => buildAnalysisDataset(protocol, [{ ...row, value: Number.NaN }])).toThrow('lean_mass_kg: JB-001 at week 4: NaN is not a number');
  });

  it('analyses a secondary outcome on request', () => {
    expect(analysisSpec(protocol, { measurement: 'grip_kg', visit: 'week 12', covariates: [], analysis: 'ancova' })).toEqual({
      kind: 'ancova',
      options: { outcome: 'grip_kg', arm: 'arm', control: 'placebo', covariates: [] },
    });
  });
});
