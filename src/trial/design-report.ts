/**
 * The design report, read before launch: by seeded simulation of the protocol's own allocation,
 * how unbalanced the arms are expected to be after n participants, and how often someone who knows
 * every past allocation guesses the next one (Blackwell and Hodges' convergence strategy), each
 * beside simple randomisation (a fair coin weighted by the ratios) for comparison.
 *
 * Every run draws its participants' factor levels from the stream "design-report population r"
 * of the report's seed and allocates with the seed derived as "design-report run r", so the same
 * options always give the same report.
 */
import { badRequest } from '../shared/errors.ts';
import type { Protocol } from './protocol.ts';
import { RandomStream, deriveSeed } from './random-stream.ts';
import { createAllocator, imbalance, minimisationScores, preferredArms, stratumKey } from './randomisation.ts';
import type { Enrolment } from './randomisation.ts';

export interface DesignReportOptions {
  /** Participants per simulated trial. */
  participants: number;
  runs: number;
  seed: string;
  /** Relative frequency of each level of each stratification factor, e.g. { sex: { female: 1, male: 3 } }. */
  population: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** A quantity's distribution over the runs (and over strata or levels when it has one per stratum or level). */
export interface Spread {
  mean: number;
  /** 95th percentile, nearest rank. */
  p95: number;
  max: number;
}

export interface MethodAssessment {
  /**
   * Imbalance after all participants, as `imbalance` measures it (src/trial/randomisation.ts; for
   * two arms 1:1, |difference|): over the whole trial, within each stratum, within each factor level.
   */
  imbalance: { overall: Spread; withinStrata: Spread; withinFactorLevels: Spread };
  /** Share of allocations the convergence strategy guesses right; a tie among k arms counts 1/k when one of them is right. */
  correctGuesses: number;
}

export interface DesignReport {
  method: Protocol['randomisation']['method'];
  participants: number;
  runs: number;
  protocol: MethodAssessment;
  simpleRandomisation: MethodAssessment;
}

export function designReport(protocol: Protocol, options: DesignReportOptions): DesignReport {
  checkOptions(protocol, options);
  const protocolTally = new Tally(protocol);
  const simpleTally = new Tally(protocol);
  for (let run = 0; run < options.runs; run++) {
    const enrolments = simulatedCohort(protocol, options, run);
    const runSeed = deriveSeed(options.seed, `design-report run ${run}`);
    const allocator = createAllocator(protocol, runSeed);
    protocolTally.run(enrolments, (enrolment) => allocator.arm(enrolment));
    simpleTally.run(enrolments, simpleRandomisation(protocol, runSeed));
  }
  return {
    method: protocol.randomisation.method,
    participants: options.participants,
    runs: options.runs,
    protocol: protocolTally.assessment(),
    simpleRandomisation: simpleTally.assessment(),
  };
}

function checkOptions(protocol: Protocol, options: DesignReportOptions): void {
  if (!Number.isInteger(options.participants) || options.participants < 1) throw badRequest('participants', 'must be a whole number above 0');
  if (!Number.isInteger(options.runs) || options.runs < 1) throw badRequest('runs', 'must be a whole number above 0');
  for (const factor of protocol.stratificationFactors) {
    const levels = Object.values(options.population[factor] ?? {});
    if (levels.length === 0 || levels.some((weight) => !(weight >= 0)) || !levels.some((weight) => weight > 0)) {
      throw badRequest(`population.${factor}`, 'give each level of the factor a frequency of 0 or more, at least one above 0');
    }
  }
}

/** Participants of one run, each level drawn with its relative frequency. */
function simulatedCohort(protocol: Protocol, options: DesignReportOptions, run: number): Enrolment[] {
  const stream = new RandomStream(options.seed, `design-report population ${run}`);
  const pick = (frequencies: Readonly<Record<string, number>>) => {
    const entries = Object.entries(frequencies);
    let remaining = stream.uniform().value * entries.reduce((sum, [, weight]) => sum + weight, 0);
    return (entries.find(([, weight]) => (remaining -= weight) < 0) ?? entries.findLast(([, weight]) => weight > 0) ?? entries[0])[0];
  };
  return Array.from({ length: options.participants }, (_, i) => ({
    participant: `S${i + 1}`,
    strata: Object.fromEntries(protocol.stratificationFactors.map((factor) => [factor, pick(options.population[factor])])),
  }));
}

/** Each arm with probability ratio / (sum of ratios), independently of everything before. */
function simpleRandomisation(protocol: Protocol, seed: string): (enrolment: Enrolment) => string {
  const stream = new RandomStream(seed, 'simple randomisation');
  const tickets = protocol.arms.flatMap((arm) => Array<string>(arm.ratio).fill(arm.label));
  return () => tickets[stream.integer(tickets.length)];
}

/** Counts of one method over all runs: the guesses as they happen, the imbalances at each run's end. */
class Tally {
  private readonly ratios: number[];
  private readonly overall: number[] = [];
  private readonly withinStrata: number[] = [];
  private readonly withinFactorLevels: number[] = [];
  private guesses = 0;
  private correct = 0;

  constructor(private readonly protocol: Protocol) {
    this.ratios = protocol.arms.map((arm) => arm.ratio);
  }

  run(enrolments: readonly Enrolment[], allocate: (enrolment: Enrolment) => string): void {
    const arms = this.protocol.arms.map((arm) => arm.label);
    const zeros = () => arms.map(() => 0);
    const totals = zeros();
    const strata = new Map<string, number[]>();
    const levels = new Map<string, number[]>();
    for (const enrolment of enrolments) {
      const stratum = stratumKey(this.protocol, enrolment.strata);
      if (!strata.has(stratum)) strata.set(stratum, zeros());
      const levelCounts = this.protocol.stratificationFactors.map((factor) => {
        const key = `${factor}\u0000${enrolment.strata[factor]}`;
        if (!levels.has(key)) levels.set(key, zeros());
        return { factor, counts: levels.get(key) as number[] };
      });
      const guessed = this.convergenceGuess(strata.get(stratum) as number[], levelCounts);
      const k = arms.indexOf(allocate(enrolment));
      this.guesses += 1;
      if (guessed.includes(k)) this.correct += 1 / guessed.length;
      for (const counts of [totals, strata.get(stratum) as number[], ...levelCounts.map((level) => level.counts)]) counts[k] += 1;
    }
    this.overall.push(imbalance(totals, this.ratios, 'range'));
    for (const counts of strata.values()) this.withinStrata.push(imbalance(counts, this.ratios, 'range'));
    for (const counts of levels.values()) this.withinFactorLevels.push(imbalance(counts, this.ratios, 'range'));
  }

  /**
   * The arms a guesser who knows every past allocation bets on: under minimisation the arms the
   * algorithm prefers (computable from the past); otherwise the arms furthest behind their share
   * in the participant's stratum.
   */
  private convergenceGuess(stratumCounts: readonly number[], levelCounts: readonly { factor: string; counts: readonly number[] }[]): number[] {
    const randomisation = this.protocol.randomisation;
    if (randomisation.method === 'minimisation') {
      const weighted = levelCounts.map(({ factor, counts }) => ({ weight: randomisation.factorWeights[factor], counts }));
      return preferredArms(minimisationScores(weighted, this.ratios, randomisation.imbalance));
    }
    return preferredArms(stratumCounts.map((count, k) => count / this.ratios[k]));
  }

  assessment(): MethodAssessment {
    return {
      imbalance: { overall: spread(this.overall), withinStrata: spread(this.withinStrata), withinFactorLevels: spread(this.withinFactorLevels) },
      correctGuesses: this.correct / this.guesses,
    };
  }
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
    p95: sorted[Math.ceil(0.95 * sorted.length) - 1],
    max: sorted[sorted.length - 1],
  };
}
