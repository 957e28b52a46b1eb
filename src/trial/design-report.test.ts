import { describe, expect, it } from 'vitest';
import { designReport } from './design-report.ts';
import { makeProtocol, minimisation, testSeed } from './testing.ts';

const population = { unit: { '1 Platoon': 1, '2 Platoon': 1, '3 Platoon': 2 }, sex: { female: 1, male: 3 } };
const options = { participants: 40, runs: 300, seed: testSeed, population };

describe('design report', () => {
  const blocks = designReport(makeProtocol(), options);

  it('permuted blocks: guessable above chance, and far better balanced than a coin', () => {
    expect(blocks).toMatchObject({ method: 'permuted-blocks', participants: 40, runs: 300 });
    expect(blocks.protocol.correctGuesses).toBeGreaterThan(0.6);
    // Every stratum is at most half a block (3) away from balance; a coin strays much further.
    expect(blocks.protocol.imbalance.withinStrata.max).toBeLessThanOrEqual(3);
    expect(blocks.protocol.imbalance.overall.mean).toBeLessThan(blocks.simpleRandomisation.imbalance.overall.mean / 2);
  });

  it('simple randomisation: the convergence strategy guesses right about half the time', () => {
    // 12,000 guesses: the standard error of a fair guess rate is under 0.005.
    expect(Math.abs(blocks.simpleRandomisation.correctGuesses - 0.5)).toBeLessThan(0.02);
    // For 40 coin flips E|difference| is about sqrt(2 x 40 / pi) = 5.0.
    expect(blocks.simpleRandomisation.imbalance.overall.mean).toBeGreaterThan(4);
    expect(blocks.simpleRandomisation.imbalance.overall.mean).toBeLessThan(6);
  });

  it('minimisation: balanced factor levels, and more predictable with a stronger coin', () => {
    const weak = designReport(makeProtocol({ randomisation: minimisation(0.7) }), options);
    const strong = designReport(makeProtocol({ randomisation: minimisation(0.95) }), options);
    expect(strong.method).toBe('minimisation');
    expect(strong.protocol.correctGuesses).toBeGreaterThan(weak.protocol.correctGuesses);
    expect(weak.protocol.correctGuesses).toBeGreaterThan(0.55);
    expect(strong.protocol.imbalance.withinFactorLevels.p95).toBeLessThan(strong.simpleRandomisation.imbalance.withinFactorLevels.p95);
  });

  it('is the same report from the same options, and orders its spreads', () => {
    const again = designReport(makeProtocol(), options);
    expect(again).toEqual(blocks);
    const { overall } = blocks.protocol.imbalance;
    expect(overall.mean).toBeLessThanOrEqual(overall.p95);
    expect(overall.p95).toBeLessThanOrEqual(overall.max);
  });

  it('refuses a population without a factor, and impossible sizes', () => {
    expect(() => designReport(makeProtocol(), { ...options, population: { unit: population.unit } })).toThrow('population.sex:');
    expect(() => designReport(makeProtocol(), { ...options, runs: 0 })).toThrow('runs: must be a whole number above 0');
  });
});
