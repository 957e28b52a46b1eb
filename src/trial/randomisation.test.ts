import { describe, expect, it } from 'vitest';
import type { Protocol } from './protocol.ts';
import { RandomStream, deriveSeed, uniformDraw } from './random-stream.ts';
import { imbalance, nextAllocation, preferredArms, replay, stratumKey, verify } from './randomisation.ts';
import type { Allocation, BlockRecord, Enrolment, MinimisationRecord } from './randomisation.ts';
import { chiSquareP, makeProtocol, minimisation, testSeed } from './testing.ts';

const twoToOne = (randomisation: Protocol['randomisation']) =>
  makeProtocol({
    arms: [
      { label: 'whey', description: '', ratio: 2 },
      { label: 'placebo', description: '', ratio: 1 },
    ],
    randomisation,
  });

/** `n` participants from two units and two sexes (a third female), drawn from their own seeded stream. */
function cohort(n: number, name = 'cohort', levels = { unit: ['1 Platoon', '2 Platoon'], sex: ['female', 'male', 'male'] }): Enrolment[] {
  const stream = new RandomStream(testSeed, name);
  return Array.from({ length: n }, (_, i) => ({
    participant: `JB-${String(i + 1).padStart(3, '0')}`,
    strata: { unit: levels.unit[stream.integer(levels.unit.length)], sex: levels.sex[stream.integer(levels.sex.length)] },
  }));
}

/** For each allocation, the counts per arm within its stratum after it. */
function countsAfterEach(allocations: Allocation[], enrolments: Enrolment[], protocol: Protocol): Map<string, number>[] {
  const byStratum = new Map<string, Map<string, number>>();
  return allocations.map((allocation, i) => {
    const key = stratumKey(protocol, enrolments[i].strata);
    const counts = byStratum.get(key) ?? new Map(protocol.arms.map((arm) => [arm.label, 0]));
    byStratum.set(key, counts);
    counts.set(allocation.arm, (counts.get(allocation.arm) ?? 0) + 1);
    return new Map(counts);
  });
}

describe('stratified permuted blocks', () => {
  const protocol = twoToOne({ method: 'permuted-blocks', blockSizeMultipliers: [1, 2] });
  const enrolments = cohort(300);
  const allocations = replay(protocol, testSeed, enrolments);
  const records = allocations.map((a) => a.record as BlockRecord);

  it('is balanced exactly, in the 2:1 ratio, within each stratum at the end of every block', () => {
    const counts = countsAfterEach(allocations, enrolments, protocol);
    const blockEnds = records.flatMap((record, i) => (record.positionInBlock === record.blockSize ? [i] : []));
    expect(blockEnds.length).toBeGreaterThan(40);
    for (const i of blockEnds) expect(counts[i].get('whey')).toBe(2 * (counts[i].get('placebo') as number));
  });

  it('draws block sizes of 3 and 6 (multipliers 1 and 2 of 2 + 1), both occurring', () => {
    const sizes = new Set(records.map((record) => record.blockSize));
    expect([...sizes].sort()).toEqual([3, 6]);
  });

  it("gives a stratum the same sequence whatever the other strata's enrolments: a function of seed and stratum", () => {
    const stratum = stratumKey(protocol, enrolments[0].strata);
    const alone = enrolments.filter((e) => stratumKey(protocol, e.strata) === stratum);
    const inCohort = allocations.filter((_, i) => stratumKey(protocol, enrolments[i].strata) === stratum).map((a) => a.arm);
    expect(replay(protocol, testSeed, alone).map((a) => a.arm)).toEqual(inCohort);
    expect(replay(protocol, deriveSeed(testSeed, 'another trial'), alone).map((a) => a.arm)).not.toEqual(inCohort);
  });

  it('records where each allocation came from', () => {
    expect(records[0]).toMatchObject({ method: 'permuted-blocks', stratum: stratumKey(protocol, enrolments[0].strata), block: 1, positionInBlock: 1, firstDrawIndex: 0 });
    expect(records[0].stream).toBe(`permuted-blocks ${records[0].stratum}`);
    expect(allocations.map((a) => a.sequence)).toEqual(enrolments.map((_, i) => i));
  });

  it('follows the ratio at every position over many seeded runs (chi-square), and picks each size equally', () => {
    const runs = 1_500;
    const wheyAt = [0, 0, 0, 0];
    const firstBlockSizes = { 3: 0, 6: 0 };
    const oneStratum = cohort(4, 'one stratum', { unit: ['1 Platoon'], sex: ['female'] });
    for (let run = 0; run < runs; run++) {
      const result = replay(protocol, deriveSeed(testSeed, `run ${run}`), oneStratum);
      result.forEach((a, position) => (wheyAt[position] += a.arm === 'whey' ? 1 : 0));
      firstBlockSizes[(result[0].record as BlockRecord).blockSize as 3 | 6] += 1;
    }
    for (const whey of wheyAt) expect(chiSquareP([whey, runs - whey], [(runs * 2) / 3, runs / 3])).toBeGreaterThan(0.001);
    expect(chiSquareP([firstBlockSizes[3], firstBlockSizes[6]], [runs / 2, runs / 2])).toBeGreaterThan(0.001);
  });

  it('works without stratification factors: one stratum', () => {
    const unstratified = makeProtocol({ stratificationFactors: [] });
    const result = replay(unstratified, testSeed, cohort(10).map(({ participant }) => ({ participant, strata: {} })));
    expect((result[9].record as BlockRecord).stratum).toBe('{}');
  });
});

describe('minimisation', () => {
  it('with p = 1 and one factor, keeps every level within 1 of balance after every allocation', () => {
    const protocol = makeProtocol({ stratificationFactors: ['unit'], randomisation: minimisation(1, { unit: 1 }) });
    const enrolments = cohort(200, 'units', { unit: ['A', 'B', 'C'], sex: ['x'] }).map(({ participant, strata }) => ({ participant, strata: { unit: strata.unit } }));
    const counts = countsAfterEach(replay(protocol, testSeed, enrolments), enrolments, protocol);
    for (const c of counts) expect(Math.abs((c.get('whey') as number) - (c.get('placebo') as number))).toBeLessThanOrEqual(1);
  });

  it("with p = 1, keeps every level of a factor whose weight exceeds the others' together within 1", () => {
    const protocol = makeProtocol({ randomisation: minimisation(1, { unit: 3, sex: 1 }) });
    for (let run = 0; run < 20; run++) {
      const enrolments = cohort(150, `run ${run}`);
      const allocations = replay(protocol, deriveSeed(testSeed, `run ${run}`), enrolments);
      const unitDifference = new Map<string, number>();
      allocations.forEach((a, i) => {
        const unit = enrolments[i].strata.unit;
        unitDifference.set(unit, (unitDifference.get(unit) ?? 0) + (a.arm === 'whey' ? 1 : -1));
        expect(Math.abs(unitDifference.get(unit) as number)).toBeLessThanOrEqual(1);
      });
    }
  });

  it('with p = 1, always allocates to an arm of least score', () => {
    const protocol = makeProtocol({ randomisation: minimisation(1) });
    for (const allocation of replay(protocol, testSeed, cohort(100))) {
      const record = allocation.record as MinimisationRecord;
      const arms = Object.keys(record.scores);
      expect(preferredArms(Object.values(record.scores)).map((k) => arms[k])).toContain(allocation.arm);
    }
  });

  it('keeps a replayable record of each decision', () => {
    const protocol = twoToOne(minimisation(0.8));
    const enrolments = cohort(30);
    const allocations = replay(protocol, testSeed, enrolments);
    const record = allocations[29].record as MinimisationRecord;
    expect(record.drawIndex).toBe(29);
    expect(record.draw).toBe(uniformDraw(testSeed, 'minimisation', 29));
    expect(record.totalsBefore.map((t) => [t.factor, t.level])).toEqual([
      ['unit', enrolments[29].strata.unit],
      ['sex', enrolments[29].strata.sex],
    ]);
    const before = allocations.slice(0, 29).filter((_, i) => enrolments[i].strata.unit === enrolments[29].strata.unit);
    expect(record.totalsBefore[0].counts).toEqual({ whey: before.filter((a) => a.arm === 'whey').length, placebo: before.filter((a) => a.arm === 'placebo').length });
    expect(Object.values(record.probabilities).reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    // Replay by hand: the arm is the first whose cumulative probability exceeds the draw.
    const [pWhey] = Object.values(record.probabilities);
    expect(allocations[29].arm).toBe(record.draw < pWhey ? 'whey' : 'placebo');
  });

  it('picks the first allocation at random and the preferred arm with probability p (chi-square over seeded runs)', () => {
    const protocol = makeProtocol({ randomisation: minimisation(0.8) });
    let firstWhey = 0;
    let preferred = 0;
    let decisions = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) {
      const allocations = replay(protocol, deriveSeed(testSeed, `run ${run}`), cohort(20, `cohort ${run}`));
      firstWhey += allocations[0].arm === 'whey' ? 1 : 0;
      for (const allocation of allocations) {
        const record = allocation.record as MinimisationRecord;
        const best = preferredArms(Object.values(record.scores));
        if (best.length !== 1) continue;
        decisions += 1;
        preferred += Object.keys(record.scores)[best[0]] === allocation.arm ? 1 : 0;
      }
    }
    expect(chiSquareP([firstWhey, runs - firstWhey], [runs / 2, runs / 2])).toBeGreaterThan(0.001);
    expect(decisions).toBeGreaterThan(2_000);
    expect(chiSquareP([preferred, decisions - preferred], [0.8 * decisions, 0.2 * decisions])).toBeGreaterThan(0.001);
  });
});

describe('imbalance', () => {
  it('is |difference| for two arms 1:1, zero when counts follow the ratios, and the variance on request', () => {
    expect(imbalance([5, 8], [1, 1], 'range')).toBe(3);
    expect(imbalance([5, 8], [2, 2], 'range')).toBe(3);
    expect(imbalance([10, 5], [2, 1], 'range')).toBe(0);
    expect(imbalance([2, 4, 6], [1, 1, 1], 'variance')).toBeCloseTo(8 / 3, 12);
  });
});

describe.each([
  ['permuted blocks', makeProtocol()],
  ['minimisation', makeProtocol({ randomisation: minimisation(0.8) })],
])('%s: allocation, replay and verification', (_, protocol) => {
  const enrolments = cohort(60);
  const allocations = replay(protocol, testSeed, enrolments);
  const recorded = enrolments.map((e, i) => ({ ...e, arm: allocations[i].arm }));

  it('allocates the next participant as a pure function of the enrolments before', () => {
    for (const n of [0, 1, 17, 40, 59]) expect(nextAllocation(protocol, testSeed, enrolments.slice(0, n), enrolments[n])).toEqual(allocations[n]);
    expect(() => nextAllocation(protocol, testSeed, enrolments.slice(0, 40), enrolments[3])).toThrow('participant: JB-004 is already allocated');
    const malformed = [{ participant: 'JB-900', strata: { unit: 'A' } }, ...enrolments.slice(0, 5)];
    expect(() => nextAllocation(protocol, testSeed, malformed, enrolments[5])).toThrow('strata of JB-900: no level of factor "sex"');
  });

  it('replays to the same allocations', () => {
    expect(replay(protocol, testSeed, enrolments)).toEqual(allocations);
  });

  it('verifies the recorded allocations, and names the first one changed', () => {
    expect(verify(protocol, testSeed, recorded)).toEqual({ ok: true, count: 60 });
    const changed = recorded.map((r) => ({ ...r }));
    changed[37].arm = changed[37].arm === 'whey' ? 'placebo' : 'whey';
    expect(verify(protocol, testSeed, changed)).toEqual({ ok: false, index: 37, participant: 'JB-038', expected: recorded[37].arm, recorded: changed[37].arm });
  });

  it('fails verification with another seed', () => {
    expect(verify(protocol, deriveSeed(testSeed, 'wrong'), recorded).ok).toBe(false);
  });

  it('refuses a participant twice, a missing factor level and an unknown factor', () => {
    expect(() => replay(protocol, testSeed, [enrolments[0], enrolments[0]])).toThrow('participant: JB-001 is already allocated');
    expect(() => replay(protocol, testSeed, [{ participant: 'JB-900', strata: { unit: 'A' } }])).toThrow('strata of JB-900: no level of factor "sex"');
    expect(() => replay(protocol, testSeed, [{ participant: 'JB-900', strata: { unit: 'A', sex: 'male', rank: 'Pte' } }])).toThrow(
      'strata of JB-900: "rank" is not a stratification factor of WHEY-01',
    );
  });
});
