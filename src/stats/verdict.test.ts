import { describe, expect, it } from 'vitest';
import type { AncovaResult, MmrmResult } from './analysis.ts';
import { studentTQuantile } from './distributions.ts';
import { withInterval } from './emmeans.ts';
import { judge } from './verdict.ts';
import type { DecisionRule } from './verdict.ts';

/** A result with one contrast "protein - placebo" at week12 (the numbers are all the verdict reads). */
function mmrmResult(estimate: number, se: number, df: number): MmrmResult {
  return {
    kind: 'mmrm', outcome: 'lean_mass', arm: 'arm', control: 'placebo', visits: ['week12'],
    covariance_structure: 'us', method: 'reml', ddfm: 'satterthwaite', vcov: 'model', n_subjects: 100, n_obs: 100, rows_missing_covariate: 0,
    aliased: [], converged: true, iterations: 5, neg2_loglik: 1, covariance: [[1]], type3: [], lsmeans: [],
    contrasts: [{ visit: 'week12', contrast: 'protein - placebo', ...withInterval({ estimate, se, df }) }],
  };
}

const rule: DecisionRule = {
  outcome: 'lean_mass', visit: 'week12', arm: 'protein', direction: 'higher', margin: 0, confidence: 0.95,
  hypothesis: 'superiority', labels: { arm: 'protein', outcome: 'lean mass', visit: 'week 12', unit: 'kg' },
};

describe('judge', () => {
  it('superiority met: the plain sentence of the example', () => {
    const verdict = judge(rule, mmrmResult(1.29, 0.275, 120));
    expect(verdict.met).toBe(true);
    expect(verdict.threshold).toBe(0);
    expect(verdict.sentence).toBe('Protein beats placebo on lean mass at week 12 by 1.29 kg (95% CI 0.75 to 1.83, p < 0.001): superiority shown.');
  });

  it('superiority not met: the interval includes 0', () => {
    const verdict = judge(rule, mmrmResult(0.4, 0.28, 120));
    expect(verdict.met).toBe(false);
    expect(verdict.p).toBeCloseTo(withInterval({ estimate: 0.4, se: 0.28, df: 120 }).p, 14);
    expect(verdict.sentence).toBe('Protein vs placebo on lean mass at week 12: difference 0.40 kg (95% CI -0.15 to 0.95, p = 0.156): superiority not shown.');
  });

  it('an interval that touches the margin does not meet the rule', () => {
    const se = 0.3;
    const df = 50;
    const touching = studentTQuantile(0.975, df) * se; // the lower bound is exactly the margin 0
    const verdict = judge(rule, mmrmResult(touching, se, df));
    expect(verdict.lower).toBe(0);
    expect(verdict.met).toBe(false);
    expect(verdict.p).toBeCloseTo(0.05, 12);
    expect(verdict.sentence).toMatch(/\(95% CI 0\.00 to 1\.21, p = 0\.050\): superiority not shown\.$/);
    expect(judge(rule, mmrmResult(touching + 1e-9, se, df)).met).toBe(true);
  });

  it('lower is better: the benefit is control - arm', () => {
    const verdict = judge({ ...rule, direction: 'lower', labels: { ...rule.labels, outcome: 'fat mass' } }, mmrmResult(-1.1, 0.3, 80));
    expect(verdict.met).toBe(true);
    expect(verdict.benefit).toBeCloseTo(1.1, 14);
    expect(verdict.sentence).toMatch(/^Protein beats placebo on fat mass at week 12 by 1\.10 kg \(95% CI 0\.50 to 1\.70, p < 0\.001\)/);
    const worse = judge({ ...rule, direction: 'lower' }, mmrmResult(0.2, 0.3, 80));
    expect(worse.met).toBe(false);
    expect(worse.sentence).toContain('difference 0.20 kg (95% CI -0.40 to 0.80, p = 0.507, lower is better)');
  });

  it('non-inferiority: met and not met against the margin, at another confidence level', () => {
    const noninferior = { ...rule, hypothesis: 'non-inferiority', margin: 0.5, confidence: 0.9 } as const;
    const met = judge(noninferior, mmrmResult(-0.1, 0.2, 60));
    expect(met.met).toBe(true);
    expect(met.threshold).toBe(-0.5);
    expect(met.sentence).toMatch(/^Protein is non-inferior to placebo on lean mass at week 12: difference -0\.10 kg \(90% CI -0\.43 to 0\.23, margin 0\.50 kg, p = .*\): non-inferiority shown\.$/);
    expect(judge(noninferior, mmrmResult(-0.3, 0.2, 60)).met).toBe(false);
  });

  it('works on an ANCOVA result, which has no visits', () => {
    const ancova: AncovaResult = {
      kind: 'ancova', outcome: 'Postwt', arm: 'Treat', control: 'Cont', n_subjects: 72, n_obs: 72, rows_missing_covariate: 0,
      aliased: [], converged: true, iterations: 0, neg2_loglik: 1, sigma: 7, residual_df: 68, type3: [], lsmeans: [],
      contrasts: [{ contrast: 'FT - Cont', ...withInterval({ estimate: 8.66012818099169, se: 2.19314941164305, df: 68 }) }],
    };
    const verdict = judge({ outcome: 'Postwt', arm: 'FT', direction: 'higher', margin: 0, confidence: 0.95, hypothesis: 'superiority' }, ancova);
    expect(verdict.lower).toBeCloseTo(4.28376666807434, 10);
    expect(verdict.sentence).toBe('FT beats Cont on Postwt by 8.66 (95% CI 4.28 to 13.04, p < 0.001): superiority shown.');
  });

  it('refuses rules that do not fit the result', () => {
    expect(() => judge({ ...rule, outcome: 'weight' }, mmrmResult(1, 1, 10))).toThrow(/the rule is about weight/);
    expect(() => judge({ ...rule, visit: 'week6' }, mmrmResult(1, 1, 10))).toThrow(/no contrast "protein - placebo" at visit week6/);
    expect(() => judge({ ...rule, visit: undefined }, mmrmResult(1, 1, 10))).toThrow(/needs the rule's visit/);
    expect(() => judge({ ...rule, hypothesis: 'non-inferiority' }, mmrmResult(1, 1, 10))).toThrow(/needs a margin > 0/);
    expect(() => judge({ ...rule, confidence: 95 }, mmrmResult(1, 1, 10))).toThrow(/confidence 95/);
  });
});
