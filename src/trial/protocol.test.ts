import { describe, expect, it } from 'vitest';
import { covarianceStructures } from '../stats/mmrm-covariance.ts';
import { analysedVisits, canonicalProtocol, protocolProblems, protocolSha256, visitWindow } from './protocol.ts';
import type { Protocol } from './protocol.ts';
import { makeProtocol } from './testing.ts';

/** The test protocol as plain JSON with one change applied. */
function variant(change: (json: Protocol) => unknown): unknown {
  const json = JSON.parse(JSON.stringify(makeProtocol())) as Protocol;
  change(json);
  return json;
}

describe('protocol validation', () => {
  it('accepts the test protocol', () => {
    expect(protocolProblems(makeProtocol())).toEqual([]);
  });

  it.each([
    ['a ratio of 0', (p: Protocol) => (p.arms[0].ratio = 0), 'arms.0.ratio: the allocation ratio must be above 0'],
    ['a fractional ratio', (p: Protocol) => (p.arms[1].ratio = 1.5), 'arms.1.ratio: the allocation ratio must be a whole number'],
    ['one arm', (p: Protocol) => p.arms.pop(), 'arms: a trial compares at least two arms'],
    ['two arms with one label', (p: Protocol) => (p.arms[1].label = 'whey'), 'arms.1.label: another arm has this label'],
    ['a missing control arm', (p: Protocol) => (p.controlArm = 'water'), 'controlArm: no arm is labelled "water" (arms: whey, placebo)'],
    ['visit days out of order', (p: Protocol) => (p.visits[2].day = 20), "visits.2.day: day 20 must come after the previous visit's day 28"],
    ['a repeated visit day', (p: Protocol) => (p.visits[1].day = 0), "visits.1.day: day 0 must come after the previous visit's day 0"],
    ['a negative window', (p: Protocol) => (p.visits[1].windowBefore = -1), 'visits.1.windowBefore: a window is 0 days or more'],
    ['an outcome visit not in the schedule', (p: Protocol) => (p.outcomes.primary.visit = 'week 13'), 'outcomes.primary.visit: no visit "week 13" in the schedule'],
    [
      'an outcome visit that does not assess the measurement',
      (p: Protocol) => (p.visits[3].assessments = ['grip_kg']),
      'outcomes.primary.visit: visit "week 12" does not assess lean_mass_kg',
    ],
    [
      'a baseline visit after the outcome visit',
      (p: Protocol) => {
        Object.assign(p.outcomes.primary, { visit: 'week 4', baselineVisit: 'week 8' });
        p.decisionRule.visit = 'week 4';
      },
      'outcomes.primary.baselineVisit: the baseline visit must come before visit "week 4"',
    ],
    ['a covariate named like a fixed column', (p: Protocol) => (p.outcomes.primary.covariates = ['arm']), 'outcomes.primary.covariates.0: "arm" is already a column of the analysis data set'],
    ['a secondary outcome at an unknown visit', (p: Protocol) => p.outcomes.secondary.push({ ...p.outcomes.primary, visit: 'day 1' }), 'outcomes.secondary.0.visit: no visit "day 1" in the schedule'],
    ['an unknown covariance structure', (p: Protocol) => Object.assign(p.outcomes.primary, { covariance: 'un' }), `outcomes.primary.covariance: the covariance structure is one of ${covarianceStructures.join(', ')}`],
    ['a rule on another outcome', (p: Protocol) => (p.decisionRule.outcome = 'grip_kg'), 'decisionRule.outcome: the rule must judge the primary outcome, lean_mass_kg'],
    ['a rule comparing the control arm', (p: Protocol) => (p.decisionRule.arm = 'placebo'), 'decisionRule.arm: the rule compares an arm with the control arm, not the control arm with itself'],
    ['a rule at another visit', (p: Protocol) => (p.decisionRule.visit = 'week 8'), `decisionRule.visit: an MMRM is judged at the primary outcome's visit, "week 12"`],
    ['a confidence of 95', (p: Protocol) => (p.decisionRule.confidence = 95), 'decisionRule.confidence: the confidence level is between 0 and 1'],
    ['a non-inferiority rule without margin', (p: Protocol) => (p.decisionRule.hypothesis = 'non-inferiority'), 'decisionRule.margin: a non-inferiority rule needs a margin above 0'],
    ['a repeated criterion id', (p: Protocol) => (p.eligibility[1].id = 'I1'), 'eligibility.1.id: another criterion has this id'],
    ['a repeated block multiplier', (p: Protocol) => (p.randomisation = { method: 'permuted-blocks', blockSizeMultipliers: [2, 2] }), 'randomisation.blockSizeMultipliers.1: this multiplier is listed twice'],
    ['an unknown field', (p: Protocol) => Object.assign(p.arms[0], { dose: '25 g' }), 'arms.0: Unrecognized key: "dose"'],
  ])('refuses %s, naming the field', (_, change, message) => {
    expect(protocolProblems(variant(change))).toContain(message);
  });

  it('refuses minimisation without a weight for every factor, or with a weight for no factor', () => {
    const problems = protocolProblems(variant((p: Protocol) => (p.randomisation = { method: 'minimisation', probability: 0.8, imbalance: 'range', factorWeights: { unit: 1, rank: 2 } })));
    expect(problems).toEqual([
      'randomisation.factorWeights.sex: factor "sex" needs a weight',
      'randomisation.factorWeights.rank: "rank" is not a stratification factor',
    ]);
  });

  it('refuses a biased coin below one half', () => {
    const problems = protocolProblems(variant((p: Protocol) => (p.randomisation = { method: 'minimisation', probability: 0.4, imbalance: 'range', factorWeights: { unit: 1, sex: 1 } })));
    expect(problems).toEqual(['randomisation.probability: the biased coin probability is between 0.5 and 1']);
  });

  it('an ANCOVA rule names no visit', () => {
    const problems = protocolProblems(variant((p: Protocol) => (p.outcomes.primary = { measurement: 'lean_mass_kg', visit: 'week 12', baselineVisit: 'baseline', covariates: [], analysis: 'ancova' })));
    expect(problems).toEqual(['decisionRule.visit: an ANCOVA has no visit to judge at']);
  });
});

describe('the estimand and the sensitivity analyses (ICH E9(R1))', () => {
  const estimand: NonNullable<Protocol['estimand']> = {
    population: 'randomised participants',
    variable: 'lean mass at week 12',
    intercurrentEvents: [
      { event: 'withdrew', strategy: 'hypothetical' },
      { event: 'discontinued', strategy: 'treatment-policy', imputation: 'CIR' },
    ],
    summaryMeasure: 'difference in means',
  };
  const withEstimand = (patch: Partial<Protocol> = {}): Protocol => ({ ...makeProtocol(), estimand, ...patch });

  it('accepts an estimand and sensitivity analyses, and a protocol without either', () => {
    expect(protocolProblems(withEstimand({ sensitivityAnalyses: [{ name: 'JR', kind: 'rbmi', strategy: 'JR' }, { name: 'KR', kind: 'mmrm', ddfm: 'kr' }] }))).toEqual([]);
    expect(protocolProblems(makeProtocol())).toEqual([]);
  });

  it('maps each strategy to the imputations that carry it out, and refuses the rest', () => {
    const refused = (strategy: string, imputation: string) =>
      protocolProblems(withEstimand({ estimand: { ...estimand, intercurrentEvents: [{ event: 'withdrew', strategy, imputation } as never] } }));
    expect(refused('hypothetical', 'JR')).toEqual(['estimand.intercurrentEvents.0.imputation: a hypothetical strategy is imputed by MAR']);
    expect(refused('composite', 'MAR')).toEqual(['estimand.intercurrentEvents.0.imputation: a composite strategy has no imputation']);
    expect(refused('while-on-treatment', 'LMCF')).toEqual([]);
    expect(protocolProblems(withEstimand({ estimand: { ...estimand, intercurrentEvents: [estimand.intercurrentEvents[0], estimand.intercurrentEvents[0]] } }))).toEqual([
      'estimand.intercurrentEvents.1.event: this event is listed twice',
    ]);
  });

  it('refuses a sensitivity analysis naming an arm the trial does not have, or resamples without a bootstrap', () => {
    expect(protocolProblems(withEstimand({ sensitivityAnalyses: [{ name: 'JR', kind: 'rbmi', strategy: 'JR', reference: 'water', samples: 100 }] }))).toEqual([
      'sensitivityAnalyses.0.reference: no arm is labelled "water"',
      'sensitivityAnalyses.0.samples: resamples are for method "bootstrap"',
    ]);
  });
});

describe('protocol hash', () => {
  it('is the SHA-256 of the canonical JSON, whatever the key order', () => {
    const protocol = makeProtocol();
    const reordered = Object.fromEntries(Object.entries(protocol).reverse()) as Protocol;
    expect(canonicalProtocol(reordered)).toBe(canonicalProtocol(protocol));
    expect(protocolSha256(reordered)).toBe(protocolSha256(protocol));
    expect(protocolSha256(protocol)).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalProtocol(protocol).startsWith('{"arms":[{"description":"25 g whey protein a day","label":"whey","ratio":1}')).toBe(true);
  });

  it('changes with any change to the protocol', () => {
    expect(protocolSha256(makeProtocol({ title: 'Whey protein vs placebo on lean mass.' }))).not.toBe(protocolSha256(makeProtocol()));
  });
});

describe('schedule', () => {
  it("gives a visit's window from the day of randomisation", () => {
    const week12 = makeProtocol().visits[3];
    expect(visitWindow(week12, '2026-02-20')).toEqual({ due: '2026-05-15', earliest: '2026-05-12', latest: '2026-05-22' });
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => visitWindow(makeProtocol().visits[0], '20/02/2026')).toThrow('randomisedOn: "20/02/2026" is not a date YYYY-MM-DD');
  });

  it('analyses an MMRM at every visit after baseline up to its visit, an ANCOVA at its visit', () => {
    const protocol = makeProtocol();
    expect(analysedVisits(protocol, protocol.outcomes.primary)).toEqual(['week 4', 'week 8', 'week 12']);
    expect(analysedVisits(protocol, { ...protocol.outcomes.primary, visit: 'week 8' })).toEqual(['week 4', 'week 8']);
    expect(analysedVisits(protocol, { measurement: 'lean_mass_kg', visit: 'week 12', covariates: [], analysis: 'ancova' })).toEqual(['week 12']);
  });
});
