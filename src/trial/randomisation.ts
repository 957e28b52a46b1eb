/**
 * Allocation: a pure function of (protocol, seed, the ordered enrolments before) → the next
 * allocation. Nothing is stored between calls, so nothing outside this module holds the next
 * allocation (concealment), and `replay` re-derives every allocation from the seed and the
 * recorded order of enrolment (verification by commit and reveal, docs: trial-notes).
 *
 * Stratified permuted blocks: each stratum (a combination of the stratification factors' levels)
 * reads its own stream, named "permuted-blocks " + the stratum key, so its sequence depends on the
 * seed and the stratum alone. Each block draws its multiplier, then is shuffled by Fisher-Yates
 * (for i from size-1 down to 1, swap i with a draw in [0, i]).
 *
 * Minimisation (Pocock and Simon 1975): for each arm, the imbalance that would result in each of
 * the participant's factor levels if the participant joined that arm, measured on counts divided
 * by the arm's allocation ratio (range or variance over arms), weighted by factor and summed.
 * The arms with the least score share probability p, the others 1 - p (all arms share 1 when all
 * tie); one uniform draw of the stream "minimisation", the next unused index, picks the arm along
 * the cumulative probabilities in protocol order.
 */
import { badRequest } from '../shared/errors.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { Protocol, Randomisation } from './protocol.ts';
import { RandomStream } from './random-stream.ts';

export interface Enrolment {
  participant: string;
  /** The participant's level of every stratification factor, e.g. { unit: '2 Platoon', sex: 'female' }. */
  strata: Readonly<Record<string, string>>;
}

export interface RecordedAllocation extends Enrolment {
  arm: string;
}

/** How a permuted-blocks allocation was drawn. */
export interface BlockRecord {
  method: 'permuted-blocks';
  stratum: string;
  /** 1-based number of the block in its stratum, and the position in it. */
  block: number;
  blockSize: number;
  positionInBlock: number;
  /** The draws of the stream that made this block: its multiplier and shuffle. */
  stream: string;
  firstDrawIndex: number;
  drawCount: number;
}

/** Everything needed to replay one minimisation decision by hand. */
export interface MinimisationRecord {
  method: 'minimisation';
  /** The participant's level of each factor, and each arm's count in that level before. */
  totalsBefore: { factor: string; level: string; weight: number; counts: Record<string, number> }[];
  /** Weighted imbalance if the participant joined each arm. */
  scores: Record<string, number>;
  probabilities: Record<string, number>;
  stream: string;
  drawIndex: number;
  draw: number;
}

export interface Allocation {
  participant: string;
  arm: string;
  /** 0-based order of enrolment. */
  sequence: number;
  record: BlockRecord | MinimisationRecord;
}

export type VerifyResult =
  | { ok: true; count: number }
  | { ok: false; index: number; participant: string; expected: string; recorded: string };

/** The next allocation after `prior` (in order of enrolment). */
export function nextAllocation(protocol: Protocol, seed: string, prior: readonly Enrolment[], next: Enrolment): Allocation {
  if (prior.some((enrolment) => enrolment.participant === next.participant)) throw alreadyAllocated(next.participant);
  // A stratum's blocks depend on the seed and the stratum alone: enrolments in other strata need no replay.
  let replayed = prior;
  if (protocol.randomisation.method === 'permuted-blocks') {
    checkStrata(protocol, next);
    const stratum = stratumKey(protocol, next.strata);
    replayed = prior.filter((enrolment) => {
      checkStrata(protocol, enrolment);
      return stratumKey(protocol, enrolment.strata) === stratum;
    });
  }
  const allocator = createAllocator(protocol, seed);
  for (const enrolment of replayed) allocator.arm(enrolment);
  return { ...allocator.allocate(next), sequence: prior.length };
}

/** Every allocation, re-derived from the seed and the order of enrolment. */
export function replay(protocol: Protocol, seed: string, enrolments: readonly Enrolment[]): Allocation[] {
  const allocator = createAllocator(protocol, seed);
  return enrolments.map((enrolment) => allocator.allocate(enrolment));
}

/** Replays the recorded order and compares arms: the count, or the first allocation that differs. */
export function verify(protocol: Protocol, seed: string, recorded: readonly RecordedAllocation[]): VerifyResult {
  const allocator = createAllocator(protocol, seed);
  for (const [index, entry] of recorded.entries()) {
    const expected = allocator.arm(entry);
    if (expected !== entry.arm) return { ok: false, index, participant: entry.participant, expected, recorded: entry.arm };
  }
  return { ok: true, count: recorded.length };
}

export interface Allocator {
  allocate(enrolment: Enrolment): Allocation;
  /** Allocates as `allocate` does, without building the record: replaying the enrolments before the next one needs only their arms. */
  arm(enrolment: Enrolment): string;
}

/**
 * Allocates one enrolment after another, keeping the running state that replay needs (block
 * queues, minimisation counts). Internal to a single call of the functions above and of the
 * design report's simulation; never kept alive between requests.
 */
export function createAllocator(protocol: Protocol, seed: string): Allocator {
  const seen = new Set<string>();
  const randomisation = protocol.randomisation;
  const decide = randomisation.method === 'permuted-blocks' ? blockAllocator(protocol, randomisation, seed) : minimisationAllocator(protocol, randomisation, seed);
  const decideOnce = (enrolment: Enrolment) => {
    if (seen.has(enrolment.participant)) throw alreadyAllocated(enrolment.participant);
    checkStrata(protocol, enrolment);
    return decide(enrolment);
  };
  return {
    allocate(enrolment) {
      const decision = decideOnce(enrolment);
      const allocation = { participant: enrolment.participant, arm: decision.arm, sequence: seen.size, record: decision.describe() };
      decision.commit();
      seen.add(enrolment.participant);
      return allocation;
    },
    arm(enrolment) {
      const decision = decideOnce(enrolment);
      decision.commit();
      seen.add(enrolment.participant);
      return decision.arm;
    },
  };
}

/** The stratum of an enrolment: its factor levels as canonical JSON, e.g. {"sex":"female","unit":"2 Platoon"}. */
export function stratumKey(protocol: Protocol, strata: Readonly<Record<string, string>>): string {
  return canonicalJson(Object.fromEntries(protocol.stratificationFactors.map((factor) => [factor, strata[factor]])));
}

/**
 * Imbalance among arms of counts divided by the arms' allocation ratios (reduced by their common
 * divisor, so 1:1 and 2:2 measure alike): the range (for two arms 1:1, |difference|) or the
 * population variance. Zero exactly when the counts follow the ratios.
 */
export function imbalance(counts: readonly number[], ratios: readonly number[], measure: 'range' | 'variance'): number {
  const divisor = ratios.reduce(greatestCommonDivisor);
  const adjusted = counts.map((count, k) => (count * divisor) / ratios[k]);
  if (measure === 'range') return Math.max(...adjusted) - Math.min(...adjusted);
  const mean = adjusted.reduce((sum, x) => sum + x, 0) / adjusted.length;
  return adjusted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / adjusted.length;
}

const greatestCommonDivisor = (a: number, b: number): number => (b === 0 ? a : greatestCommonDivisor(b, a % b));

const alreadyAllocated = (participant: string) => badRequest('participant', `${participant} is already allocated`);

function checkStrata(protocol: Protocol, enrolment: Enrolment): void {
  const field = `strata of ${enrolment.participant}`;
  for (const factor of protocol.stratificationFactors) {
    const level = enrolment.strata[factor];
    if (typeof level !== 'string' || level.trim() === '') throw badRequest(field, `no level of factor "${factor}"`);
  }
  const stray = Object.keys(enrolment.strata).find((factor) => !protocol.stratificationFactors.includes(factor));
  if (stray !== undefined) throw badRequest(field, `"${stray}" is not a stratification factor of ${protocol.code}`);
}

type PermutedBlocks = Extract<Randomisation, { method: 'permuted-blocks' }>;
type Minimisation = Extract<Randomisation, { method: 'minimisation' }>;
/** The arm for an enrolment; `describe` reads the state before `commit` records the allocation in it. */
type Decide = (enrolment: Enrolment) => { arm: string; describe: () => BlockRecord | MinimisationRecord; commit: () => void };

function blockAllocator(protocol: Protocol, randomisation: PermutedBlocks, seed: string): Decide {
  const multipliers = randomisation.blockSizeMultipliers;
  const strata = new Map<string, { stream: RandomStream; queue: string[]; block: number; blockSize: number; firstDrawIndex: number; drawCount: number }>();

  return (enrolment) => {
    const stratum = stratumKey(protocol, enrolment.strata);
    let state = strata.get(stratum);
    if (!state) strata.set(stratum, (state = { stream: new RandomStream(seed, `permuted-blocks ${stratum}`), queue: [], block: 0, blockSize: 0, firstDrawIndex: 0, drawCount: 0 }));
    if (state.queue.length === 0) {
      const firstDrawIndex = state.stream.position;
      const multiplier = multipliers[state.stream.integer(multipliers.length)];
      const block = protocol.arms.flatMap((arm) => Array<string>(multiplier * arm.ratio).fill(arm.label));
      for (let i = block.length - 1; i > 0; i--) {
        const j = state.stream.integer(i + 1);
        [block[i], block[j]] = [block[j], block[i]];
      }
      Object.assign(state, { queue: block, block: state.block + 1, blockSize: block.length, firstDrawIndex, drawCount: state.stream.position - firstDrawIndex });
    }
    const current = state;
    return {
      arm: current.queue[0],
      describe: () => ({
        method: 'permuted-blocks',
        stratum,
        block: current.block,
        blockSize: current.blockSize,
        positionInBlock: current.blockSize - current.queue.length + 1,
        stream: current.stream.name,
        firstDrawIndex: current.firstDrawIndex,
        drawCount: current.drawCount,
      }),
      commit: () => current.queue.shift(),
    };
  };
}

/** Scores within this relative distance of the least count as tied, so rounding never breaks a tie. */
const TIE_TOLERANCE = 1e-9;

function minimisationAllocator(protocol: Protocol, randomisation: Minimisation, seed: string): Decide {
  const arms = protocol.arms.map((arm) => arm.label);
  const ratios = protocol.arms.map((arm) => arm.ratio);
  const stream = new RandomStream(seed, 'minimisation');
  // counts.get(factor).get(level)[k]: participants of that level allocated to arm k so far.
  const counts = new Map(protocol.stratificationFactors.map((factor) => [factor, new Map<string, number[]>()]));

  return (enrolment) => {
    const levels = protocol.stratificationFactors.map((factor) => {
      const byLevel = counts.get(factor) as Map<string, number[]>;
      const level = enrolment.strata[factor];
      let levelCounts = byLevel.get(level);
      if (!levelCounts) byLevel.set(level, (levelCounts = arms.map(() => 0)));
      return { factor, level, weight: randomisation.factorWeights[factor], counts: levelCounts };
    });
    const scores = minimisationScores(levels, ratios, randomisation.imbalance);
    const probabilities = biasedCoin(scores, randomisation.probability);
    const { index: drawIndex, value: draw } = stream.uniform();
    const chosen = pickByProbability(probabilities, draw);
    return {
      arm: arms[chosen],
      describe: () => ({
        method: 'minimisation',
        totalsBefore: levels.map(({ factor, level, weight, counts: c }) => ({ factor, level, weight, counts: byArm(arms, c) })),
        scores: byArm(arms, scores),
        probabilities: byArm(arms, probabilities),
        stream: stream.name,
        drawIndex,
        draw,
      }),
      commit: () => levels.forEach((level) => (level.counts[chosen] += 1)),
    };
  };
}

/** For each arm k: the weighted imbalance over the given factor levels if the next participant joined arm k. */
export function minimisationScores(levels: readonly { weight: number; counts: readonly number[] }[], ratios: readonly number[], measure: 'range' | 'variance'): number[] {
  return ratios.map((_, k) =>
    levels.reduce((sum, { weight, counts }) => sum + weight * imbalance(counts.map((count, j) => count + (j === k ? 1 : 0)), ratios, measure), 0),
  );
}

/** Indices of the arms with the least score (ties within TIE_TOLERANCE). Loops, not spreads: every allocation replays every one before it. */
export function preferredArms(scores: readonly number[]): number[] {
  let least = Infinity;
  for (const score of scores) if (score < least) least = score;
  const tolerance = TIE_TOLERANCE * Math.max(1, Math.abs(least));
  const preferred: number[] = [];
  for (let k = 0; k < scores.length; k++) if (scores[k] - least <= tolerance) preferred.push(k);
  return preferred;
}

function biasedCoin(scores: readonly number[], probability: number): number[] {
  const preferred = preferredArms(scores);
  if (preferred.length === scores.length) return scores.map(() => 1 / scores.length);
  const others = scores.length - preferred.length;
  return scores.map((_, k) => (preferred.includes(k) ? probability / preferred.length : (1 - probability) / others));
}

/** The first arm whose cumulative probability exceeds the draw; rounding at the top falls to the last arm with any chance. */
function pickByProbability(probabilities: readonly number[], draw: number): number {
  let cumulative = 0;
  for (const [k, probability] of probabilities.entries()) {
    cumulative += probability;
    if (draw < cumulative && probability > 0) return k;
  }
  return probabilities.findLastIndex((probability) => probability > 0);
}

const byArm = <T>(arms: readonly string[], values: readonly T[]): Record<string, T> => Object.fromEntries(arms.map((arm, k) => [arm, values[k]]));
