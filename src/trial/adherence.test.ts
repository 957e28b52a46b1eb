import { describe, expect, it } from 'vitest';
import { adherence, pooledAdherence } from './adherence.ts';
import type { DosingRecord } from './adherence.ts';

const daily = (dates: string[], doses = 1) => dates.map((date) => ({ date, doses }));

describe('adherence', () => {
  const record: DosingRecord = {
    participant: 'JB-010',
    dispensedOn: '2026-03-01',
    dosesPerDay: 1,
    doses: daily(['2026-03-01', '2026-03-02', '2026-03-04', '2026-03-05']),
  };

  it('expects a dose a day from dispensing up to yesterday, and counts the doses taken', () => {
    // 1 to 5 March: five days expected, four doses; today's dose (6 March) may still come.
    expect(adherence({ ...record, doses: [...record.doses, { date: '2026-03-06', doses: 1 }] }, '2026-03-06')).toEqual({
      participant: 'JB-010',
      expected: 5,
      taken: 4,
      missed: 1,
      adherence: 0.8,
    });
  });

  it('stops counting on the day dosing stopped', () => {
    expect(adherence({ ...record, stoppedOn: '2026-03-03' }, '2026-03-20')).toMatchObject({ expected: 2, taken: 2, missed: 0, adherence: 1 });
  });

  it('does not let a double dose make up for a missed day, and ignores doses outside the period', () => {
    const doses = [...daily(['2026-02-28', '2026-03-01']), { date: '2026-03-02', doses: 2 }];
    expect(adherence({ ...record, doses }, '2026-03-04')).toMatchObject({ expected: 3, taken: 2, missed: 1 });
  });

  it('has no adherence before any dose is expected', () => {
    expect(adherence(record, '2026-03-01')).toMatchObject({ expected: 0, taken: 0, adherence: null });
    expect(adherence(record, '2026-02-20')).toMatchObject({ expected: 0, adherence: null });
  });

  it('counts several doses a day and several logs of one day', () => {
    const twice: DosingRecord = { ...record, dosesPerDay: 2, doses: [...daily(['2026-03-01', '2026-03-01', '2026-03-02'])] };
    expect(adherence(twice, '2026-03-03')).toMatchObject({ expected: 4, taken: 3, adherence: 0.75 });
  });

  it('refuses bad dates and dose counts, naming them', () => {
    expect(() => adherence({ ...record, dispensedOn: '1 March' }, '2026-03-06')).toThrow('dosing of JB-010: dispensedOn: "1 March" is not a date YYYY-MM-DD');
    expect(() => adherence({ ...record, doses: [{ date: '2026-03-02', doses: -1 }] }, '2026-03-06')).toThrow('dosing of JB-010: doses: -1 on 2026-03-02');
    expect(() => adherence({ ...record, dosesPerDay: 0 }, '2026-03-06')).toThrow('dosing of JB-010: dosesPerDay: must be a whole number above 0');
  });

  it('pools all doses, and the mean of participants beside it', () => {
    const pooled = pooledAdherence([
      { participant: 'a', expected: 10, taken: 10, missed: 0, adherence: 1 },
      { participant: 'b', expected: 30, taken: 15, missed: 15, adherence: 0.5 },
      { participant: 'c', expected: 0, taken: 0, missed: 0, adherence: null },
    ]);
    expect(pooled).toEqual({ participants: 3, expected: 40, taken: 25, missed: 15, adherence: 25 / 40, meanOfParticipants: 0.75 });
    expect(pooledAdherence([])).toMatchObject({ adherence: null, meanOfParticipants: null });
  });
});
