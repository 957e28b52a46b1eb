import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/random.ts';
import { addDays } from '../shared/time.ts';
import { continueLoadRatioState, dailyLoads, loadRatioState, ratiosThrough, RATIO_HISTORY_DAYS, sessionLoad, weeklySummaries, workloadRatios, type DayLoad } from './metrics.ts';
import { brzycki, epley, fromKilograms, toKilograms } from './model.ts';

describe('loads in kg and lb', () => {
  it('stores pounds as the exact decimal of kilograms', () => {
    expect(toKilograms(225, 'lb')).toBe(102.05828325);
    expect(String(toKilograms(1.25, 'lb'))).toBe('0.5669904625');
    expect(toKilograms(0.001, 'lb')).toBe(0.00045359237);
    expect(toKilograms(102.5, 'kg')).toBe(102.5);
    expect(() => toKilograms(1.2345, 'lb')).toThrow(/three decimals/);
  });

  it('shows a load exactly in the unit it was typed in, and to two decimals in the other', () => {
    expect(fromKilograms(102.05828325, 'lb', 'lb')).toBe(225);
    expect(fromKilograms(toKilograms(1.25, 'lb'), 'lb', 'lb')).toBe(1.25);
    expect(fromKilograms(102.05828325, 'kg', 'lb')).toBe(102.06);
    expect(fromKilograms(100, 'lb', 'kg')).toBe(220.46);
    expect(fromKilograms(100, 'kg', 'kg')).toBe(100);
  });
});

describe('estimated 1RM', () => {
  it('follows Epley and Brzycki', () => {
    // 100 kg x 5: Epley 100 x (1 + 5/30) = 116.67; Brzycki 100 x 36/32 = 112.5.
    expect(epley(100, 5)).toBeCloseTo(116.6667, 4);
    expect(brzycki(100, 5)).toBe(112.5);
    expect(epley(80, 10)).toBeCloseTo(106.6667, 4);
    expect(brzycki(80, 10)).toBeCloseTo(106.6667, 4);
  });

  it('takes a single as its own 1RM and gives no estimate beyond 12 reps', () => {
    expect(epley(140, 1)).toBe(140);
    expect(brzycki(140, 1)).toBe(140);
    expect(epley(50, 13)).toBeNull();
    expect(brzycki(50, 0)).toBeNull();
  });
});

describe('session-RPE load, monotony and strain', () => {
  it('multiplies CR-10 rating by minutes', () => {
    expect(sessionLoad(7, 60)).toBe(420);
    expect(sessionLoad(6.5, 45)).toBe(292.5);
  });

  it('sums each day and fills days without sessions with 0', () => {
    const days = dailyLoads(
      [
        { date: '2026-03-02', load: 300 },
        { date: '2026-03-02', load: 100 },
        { date: '2026-03-04', load: 50 },
      ],
      '2026-03-01',
      '2026-03-04',
    );
    expect(days).toEqual([
      { date: '2026-03-01', load: 0 },
      { date: '2026-03-02', load: 400 },
      { date: '2026-03-03', load: 0 },
      { date: '2026-03-04', load: 50 },
    ]);
  });

  it('computes weekly load, monotony (mean / sample SD) and strain over Monday-Sunday', () => {
    const loads = [300, 0, 400, 0, 500, 0, 200];
    const days = dailyLoads(
      loads.map((load, i) => ({ date: `2026-03-0${i + 2}`, load })),
      '2026-03-01',
      '2026-03-08',
    );
    // Sunday 1 March is not a whole week, so only the week of Monday 2 March is summarised.
    const [week, ...rest] = weeklySummaries(days);
    expect(rest).toEqual([]);
    // Mean 200; squared deviations 10000+40000+40000+40000+90000+40000+0 = 260000; SD = sqrt(260000/6) = 208.1666.
    expect(week.weekStart).toBe('2026-03-02');
    expect(week.load).toBe(1400);
    expect(week.monotony).toBeCloseTo(0.960769, 5);
    expect(week.strain).toBeCloseTo(1345.076, 2);
  });

  it('gives no monotony when every day is the same', () => {
    const days = dailyLoads([], '2026-03-02', '2026-03-08');
    expect(weeklySummaries(days)[0]).toEqual({ weekStart: '2026-03-02', days: 7, load: 0, monotony: null, strain: null });
  });

  it('summarises the current week so far when asked, its load only', () => {
    const days = dailyLoads([{ date: '2026-03-10', load: 300 }], '2026-03-02', '2026-03-11');
    expect(weeklySummaries(days).map((w) => w.weekStart)).toEqual(['2026-03-02']);
    expect(weeklySummaries(days, true)[1]).toEqual({ weekStart: '2026-03-09', days: 3, load: 300, monotony: null, strain: null });
  });
});

describe('acute:chronic workload ratio', () => {
  const series = (loads: number[]) => loads.map((load, i) => ({ date: `d${String(i).padStart(3, '0')}`, load }));

  it('rolling: mean of the last 7 over the mean of the last 28 days, null before 28 days of history', () => {
    const days = workloadRatios(series([...Array(21).fill(100), ...Array(7).fill(200)]));
    expect(days[26].acwrRolling).toBeNull();
    // Acute 200; chronic (21 x 100 + 7 x 200) / 28 = 125; ratio 1.6.
    expect(days[27].acuteRolling).toBe(200);
    expect(days[27].chronicRolling).toBe(125);
    expect(days[27].acwrRolling).toBe(1.6);
  });

  it('EWMA: lambda = 2/(N+1), starting from 0', () => {
    const days = workloadRatios(series([100, 100, 0]));
    // Acute lambda 0.25: 25, then 100 x 0.25 + 0.75 x 25 = 43.75, then 0.75 x 43.75 = 32.8125.
    expect(days.map((d) => d.acuteEwma)).toEqual([25, 43.75, 32.8125]);
    // Chronic lambda 2/29.
    expect(days[0].chronicEwma).toBeCloseTo(6.896552, 6);
    expect(days[2].acwrEwma).toBeNull();
  });

  it('takes configurable windows', () => {
    const days = workloadRatios(series([...Array(14).fill(50), 150, 150, 150]), { acuteDays: 3, chronicDays: 14 });
    // Day 17: acute (150 x 3)/3 = 150; chronic (11 x 50 + 3 x 150)/14 = 1000/14.
    const last = days[16];
    expect(last.acuteRolling).toBe(150);
    expect(last.chronicRolling).toBeCloseTo(1000 / 14, 10);
    expect(last.acwrRolling).toBeCloseTo(2.1, 10);
    expect(last.acwrEwma).toBeGreaterThan(1);
  });
});

describe('stored load-ratio state (docs/adr/0006)', () => {
  // Three months of sessions on random days, some days twice, with gaps of up to a week.
  const random = seededRandom(11);
  const loads: DayLoad[] = [];
  for (let date = '2026-01-05'; date <= '2026-04-05'; date = addDays(date, 1 + Math.floor(random() * random() * 7))) {
    for (let session = random() < 0.2 ? 2 : 1; session > 0; session--) loads.push({ date, load: Math.round(200 + random() * 500) });
  }
  const first = loads[0].date;
  /** The oracle: `workloadRatios` over the whole history, to `date`. */
  const wholeHistory = (upTo: readonly DayLoad[], date: string, count: number) => workloadRatios(dailyLoads(upTo, upTo[0].date, date)).slice(-count).map((d) => d.acwrEwma);
  /** Withheld ratios are NaN in a state and null in `workloadRatios`. */
  const expectClose = (actual: Float64Array, expected: (number | null)[]) => {
    expect(Array.from(actual, Number.isNaN)).toEqual(expected.map((r) => r === null));
    actual.forEach((r, i) => !Number.isNaN(r) && expect(r).toBeCloseTo(expected[i]!, 12));
  };

  it('gives the ratios of the last day and any later day as the whole history does', () => {
    const state = loadRatioState(loads)!;
    expect(state).toMatchObject({ firstDate: first, lastDate: loads[loads.length - 1].date });
    expect(state.ratiosBefore).toHaveLength(RATIO_HISTORY_DAYS);
    for (const gap of [0, 1, 5, 28, 29, 30, 200]) {
      const date = addDays(state.lastDate, gap);
      expectClose(ratiosThrough(state, date, RATIO_HISTORY_DAYS + 1), wholeHistory(loads, date, RATIO_HISTORY_DAYS + 1));
    }
    expect(() => ratiosThrough(state, addDays(state.lastDate, -1), 1)).toThrow(RangeError);
  });

  it('walks on from a stored state exactly as from the start, a day or a second session at a time', () => {
    let state = null;
    for (let i = 0; i < loads.length; i++) {
      const before = state;
      const day = before?.lastDate ?? loads[i].date;
      // The caller recomputes the state's last day from all its loads, then the days after it.
      const recent = loads.slice(0, i + 1).filter((l) => l.date >= day);
      state = continueLoadRatioState(before, dailyLoads(recent, day, loads[i].date));
      expect(state).toEqual(loadRatioState(loads.slice(0, i + 1)));
    }
  });

  it('withholds ratios for the first 27 days, and stores the days before a short history as null', () => {
    const short = loadRatioState([{ date: '2026-01-01', load: 300 }, { date: '2026-01-10', load: 300 }])!;
    expect(short.ratiosBefore.every(Number.isNaN)).toBe(true);
    expect(short).toMatchObject({ firstDate: '2026-01-01', lastDate: '2026-01-10', lastLoad: 300 });
    expect(ratiosThrough(short, '2026-01-27', 1)[0]).toBeNaN();
    // Day 28 has a ratio: acute over chronic after 300 AU on days 1 and 10 and nothing since.
    const [day27, day28] = ratiosThrough(short, '2026-01-28', 2);
    expect(day27).toBeNaN();
    const decayed = (lambda: number) => 300 * lambda * ((1 - lambda) ** 27 + (1 - lambda) ** 18);
    expect(day28).toBeCloseTo(decayed(2 / 8) / decayed(2 / 29), 12);
    expect(loadRatioState([])).toBeNull();
  });
});
