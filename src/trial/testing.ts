/** Test factories for the trial model: a valid two-arm protocol to vary per test. */
import { chiSquareUpper } from '../stats/distributions.ts';
import { demoProtocol } from './demo.ts';
import { protocolSchema } from './protocol.ts';
import type { Protocol, Randomisation } from './protocol.ts';

export const testSeed = 'a'.repeat(64);

/**
 * The demo's trial design (whey vs placebo 1:1, stratified by unit and sex, assessed at weeks 0, 4,
 * 8 and 12) without its estimand and sensitivity analyses, to vary per test.
 */
export function makeProtocol(overrides: Partial<Protocol> = {}): Protocol {
  const { estimand: _estimand, sensitivityAnalyses: _sensitivity, ...design } = demoProtocol;
  return protocolSchema.parse({ ...design, title: 'Whey protein vs placebo on lean mass', decisionRule: { ...design.decisionRule, labels: undefined }, ...overrides });
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
