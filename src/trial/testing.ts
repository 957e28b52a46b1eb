/** Test factories for the trial model: a valid two-arm protocol to vary per test. */
import { chiSquareUpper } from '../stats/distributions.ts';
import { protocolSchema } from './protocol.ts';
import type { Protocol, Randomisation } from './protocol.ts';

export const testSeed = 'a'.repeat(64);

/** The demo's kind of trial: whey vs placebo 1:1, stratified by unit and sex, assessed at weeks 0, 4, 8 and 12. */
export function makeProtocol(overrides: Partial<Protocol> = {}): Protocol {
  return protocolSchema.parse({
    code: 'WHEY-01',
    title: 'Whey protein vs placebo on lean mass',
    arms: [
      { label: 'whey', description: '25 g whey protein a day', ratio: 1 },
      { label: 'placebo', description: 'maltodextrin, same look and taste', ratio: 1 },
    ],
    controlArm: 'placebo',
    blinding: 'double',
    stratificationFactors: ['unit', 'sex'],
    randomisation: { method: 'permuted-blocks', blockSizeMultipliers: [2, 3] },
    visits: [
      { name: 'baseline', day: 0, windowBefore: 0, windowAfter: 0, assessments: ['lean_mass_kg'] },
      { name: 'week 4', day: 28, windowBefore: 3, windowAfter: 3, assessments: ['lean_mass_kg'] },
      { name: 'week 8', day: 56, windowBefore: 3, windowAfter: 3, assessments: ['lean_mass_kg'] },
      { name: 'week 12', day: 84, windowBefore: 3, windowAfter: 7, assessments: ['lean_mass_kg'] },
    ],
    eligibility: [
      { id: 'I1', text: 'Serving member aged 18 to 40', kind: 'inclusion' },
      { id: 'E1', text: 'Milk protein allergy', kind: 'exclusion' },
    ],
    outcomes: {
      primary: { measurement: 'lean_mass_kg', visit: 'week 12', baselineVisit: 'baseline', covariates: ['sex'], analysis: 'mmrm', covariance: 'us', method: 'reml' },
      secondary: [],
    },
    decisionRule: { outcome: 'lean_mass_kg', visit: 'week 12', arm: 'whey', direction: 'higher', margin: 0, confidence: 0.95, hypothesis: 'superiority' },
    ...overrides,
  });
}

export const minimisation = (probability: number, weights: Record<string, number> = { unit: 1, sex: 1 }): Randomisation => ({
  method: 'minimisation',
  probability,
  imbalance: 'range',
  factorWeights: weights,
});

/** Pearson's chi-square goodness of fit: the upper-tail p of observed against expected counts. */
export function chiSquareP(observed: readonly number[], expected: readonly number[]): number {
  const statistic = observed.reduce((sum, o, k) => sum + (o - expected[k]) ** 2 / expected[k], 0);
  return chiSquareUpper(statistic, observed.length - 1);
}
