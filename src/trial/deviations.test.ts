import { describe, expect, it } from 'vitest';
import { assignVisits, lowAdherenceDeviations, missedDoseDeviations, visitWindowDeviations } from './deviations.ts';
import { makeProtocol } from './testing.ts';

const protocol = makeProtocol();

describe('visit window deviations', () => {
  // Randomised 1 March: week 4 is due 29 March, window 26 March to 1 April.
  const at = (visit: string, date: string) => ({ participant: 'JB-010', randomisedOn: '2026-03-01', visit, date });

  it('passes assessments inside the window, its edges included', () => {
    expect(visitWindowDeviations(protocol, [at('week 4', '2026-03-26'), at('week 4', '2026-03-29'), at('week 4', '2026-04-01'), at('baseline', '2026-03-01')])).toEqual([]);
  });

  it('finds assessments before or after the window, by how many days', () => {
    expect(visitWindowDeviations(protocol, [at('week 4', '2026-03-25'), at('week 4', '2026-04-03'), at('baseline', '2026-03-02')])).toEqual([
      { kind: 'visit-window', participant: 'JB-010', visit: 'week 4', date: '2026-03-25', due: '2026-03-29', earliest: '2026-03-26', latest: '2026-04-01', daysOutside: -1 },
      { kind: 'visit-window', participant: 'JB-010', visit: 'week 4', date: '2026-04-03', due: '2026-03-29', earliest: '2026-03-26', latest: '2026-04-01', daysOutside: 2 },
      { kind: 'visit-window', participant: 'JB-010', visit: 'baseline', date: '2026-03-02', due: '2026-03-01', earliest: '2026-03-01', latest: '2026-03-01', daysOutside: 1 },
    ]);
  });

  it('refuses an unknown visit and a bad date', () => {
    expect(() => visitWindowDeviations(protocol, [at('week 5', '2026-04-05')])).toThrow('visit of JB-010: no visit "week 5" in the schedule of WHEY-01');
    expect(() => visitWindowDeviations(protocol, [at('week 4', '29/03/2026')])).toThrow('date of JB-010: "29/03/2026" is not a date YYYY-MM-DD');
  });
});

describe('missed dose deviations', () => {
  it('finds participants past the threshold, not at it', () => {
    const adherences = [
      { participant: 'a', expected: 20, taken: 17, missed: 3, adherence: 0.85 },
      { participant: 'b', expected: 20, taken: 16, missed: 4, adherence: 0.8 },
    ];
    expect(missedDoseDeviations(adherences, 3)).toEqual([{ kind: 'missed-doses', participant: 'b', missed: 4, threshold: 3, expected: 20, taken: 16 }]);
    expect(() => missedDoseDeviations(adherences, -1)).toThrow('threshold: must be a whole number of doses, 0 or more');
  });
});

describe('low adherence deviations', () => {
  const at = (participant: string, expected: number, taken: number) => ({ participant, expected, taken, missed: expected - taken, adherence: taken / expected });

  it('finds adherence below 80% once 14 doses were expected, not at 80% nor earlier', () => {
    expect(lowAdherenceDeviations([at('early', 13, 0), at('at-80', 20, 16), at('below', 20, 15), at('fourteen', 14, 11)])).toEqual([
      { kind: 'missed-doses', participant: 'below', missed: 5, threshold: 4, expected: 20, taken: 15 },
      { kind: 'missed-doses', participant: 'fourteen', missed: 3, threshold: 2, expected: 14, taken: 11 },
    ]);
  });
});

describe('which visit an assessment was for', () => {
  // Randomised 1 March: visits due 1 March, 29 March, 26 April and 24 May.
  it('takes the nearest visit, and of several days for one visit the nearest to its due day', () => {
    expect(assignVisits(protocol, '2026-03-01', ['2026-03-27', '2026-02-26', '2026-03-03', '2026-05-30', '2026-03-30'])).toEqual([
      { visit: 'baseline', date: '2026-03-03' },
      { visit: 'week 4', date: '2026-03-30' },
      { visit: 'week 12', date: '2026-05-30' },
    ]);
  });

  it('takes the earlier visit and the earlier day on a tie', () => {
    expect(assignVisits(protocol, '2026-03-01', ['2026-03-15', '2026-03-27', '2026-03-31'])).toEqual([
      { visit: 'baseline', date: '2026-03-15' },
      { visit: 'week 4', date: '2026-03-27' },
    ]);
  });
});
