import { describe, expect, it } from 'vitest';
import { baselinesOf, checkWellnessRow, itemScore, wellnessFlag, wellnessScore } from './model.ts';
import { baselineOf, ownRangeFlag } from '../stats/own-range.ts';

describe('wellness score', () => {
  it('turns every item so 7 is the good end before adding', () => {
    expect(itemScore('sleep_quality', 6)).toBe(6);
    expect(itemScore('fatigue', 2)).toBe(6);
    expect(itemScore('stress', 7)).toBe(1);
    // 6 + (8 − 2) + (8 − 3) + (8 − 4) = 21
    expect(wellnessScore({ sleep_quality: 6, fatigue: 2, stress: 3, soreness: 4 })).toBe(21);
    expect(wellnessScore({ sleep_quality: 7, fatigue: 1, stress: 1, soreness: 1 })).toBe(28);
    expect(wellnessScore({ sleep_quality: 1, fatigue: 7, stress: 7, soreness: 7 })).toBe(4);
  });
});

describe('own-range flag', () => {
  // scores 20 21 19 20 22 18 20: mean 20, squared deviations 0+1+1+0+4+4+0 = 10, SD = √(10/6) = 1.29099
  const week = baselineOf([20, 21, 19, 20, 22, 18, 20]);

  it('flags a score 1.5 SD or more below the person’s own mean', () => {
    const low = wellnessFlag(17, week);
    expect(low.state).toBe('flagged');
    if (low.state === 'too-little-history') throw new Error('unexpected');
    expect(low.mean).toBe(20);
    expect(low.sd).toBeCloseTo(1.29099, 5);
    expect(low.z).toBeCloseTo(-2.32379, 5); // (17 − 20) / 1.29099
    expect(wellnessFlag(19, week).state).toBe('usual'); // z = −0.775
    expect(wellnessFlag(26, week).state).toBe('usual'); // high wellness is never a concern
  });

  it('uses the SD floor when someone always answers the same', () => {
    const same = baselineOf([20, 20, 20, 20, 20, 20, 20]);
    expect(wellnessFlag(19, same)).toMatchObject({ state: 'usual', z: -1 });
    expect(wellnessFlag(18, same)).toMatchObject({ state: 'flagged', z: -2 });
  });

  it('needs seven reports of history', () => {
    expect(wellnessFlag(5, baselineOf([20, 20, 20, 20, 20, 20]))).toEqual({ state: 'too-little-history', value: 5, count: 6 });
  });

  it('flags a load ratio on the high side', () => {
    // ratios 1.0 ×7: SD 0, floor 0.1; 1.2 → z = 2
    const ratios = baselineOf([1, 1, 1, 1, 1, 1, 1]);
    expect(ownRangeFlag(1.2, ratios, 'high', 0.1)).toMatchObject({ state: 'flagged' });
    expect(ownRangeFlag(0.7, ratios, 'high', 0.1)).toMatchObject({ state: 'usual' });
  });
});

describe('a wellness CSV row', () => {
  const good = { designation: 'JB-001', date: '2026-03-01', sleep_quality: '6', fatigue: '2', stress: '3', soreness: '4', hours_slept: '7.5' };

  it('is read into items and hours', () => {
    expect(checkWellnessRow(good, 2)).toEqual({ line: 2, designation: 'JB-001', date: '2026-03-01', items: { sleep_quality: 6, fatigue: 2, stress: 3, soreness: 4 }, hoursSlept: 7.5 });
  });

  it('names every bad cell', () => {
    expect(checkWellnessRow({ ...good, designation: '', date: '2026-02-30', fatigue: '8', stress: '2.5', hours_slept: '25' }, 9)).toEqual([
      { line: 9, column: 'designation', reason: 'is required' },
      { line: 9, column: 'date', reason: "'2026-02-30' is not a date YYYY-MM-DD" },
      { line: 9, column: 'fatigue', reason: "'8' is not a whole number from 1 to 7" },
      { line: 9, column: 'stress', reason: "'2.5' is not a whole number from 1 to 7" },
      { line: 9, column: 'hours_slept', reason: "'25' is not a number of hours from 0 to 24" },
    ]);
  });
});

describe('stored baselines', () => {
  it('sum the scores of the 28 days before each report, in one pass', () => {
    const sums = baselinesOf([
      { date: '2026-01-01', score: 20 },
      { date: '2026-01-02', score: 22 },
      { date: '2026-01-10', score: 18 },
      // 28 days after 10 January: the 10th is still in its window, the 1st and 2nd are not
      { date: '2026-02-07', score: 25 },
      { date: '2026-02-08', score: 24 },
    ]);
    expect(sums).toEqual([
      { count: 0, sum: 0, sumOfSquares: 0 },
      { count: 1, sum: 20, sumOfSquares: 400 },
      { count: 2, sum: 42, sumOfSquares: 884 },
      { count: 1, sum: 18, sumOfSquares: 324 },
      { count: 1, sum: 25, sumOfSquares: 625 },
    ]);
  });
});
