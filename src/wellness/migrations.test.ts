import { expect, it } from 'vitest';
import { makePerson } from '../roster/testing.ts';
import { addDays } from '../shared/time.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { backfillBaselines, backfillFlags } from './migrations.ts';
import { reportOn } from './testing.ts';

describeEachDatabase('wellness migrations', (database) => {
  it('0026 fills the baselines of reports stored before it', async () => {
    const { db } = database();
    const person = await makePerson(db);
    for (const [date, sleepQuality] of [['2026-03-01', 5], ['2026-03-02', 7], ['2026-04-15', 6]] as const) await reportOn(db, person.id, date, { sleepQuality });
    const stored = async () => db.selectFrom('wellness_report').select(['local_date', 'baseline_count', 'baseline_sum', 'baseline_sum_of_squares']).orderBy('local_date').execute();
    const current = await stored();
    await db.updateTable('wellness_report').set({ baseline_count: 0, baseline_sum: 0, baseline_sum_of_squares: 0 }).execute();
    await backfillBaselines(db);
    expect(await stored()).toEqual(current);
    // scores 20, 22, 21: the second report's baseline is the first; 15 April is more than 28 days on
    expect(current.map((r) => [r.baseline_count, r.baseline_sum, r.baseline_sum_of_squares])).toEqual([
      [0, 0, 0],
      [1, 20, 400],
      [0, 0, 0],
    ]);
  });

  it('0027 sets the flag of reports stored before it from their stored baselines', async () => {
    const { db } = database();
    const person = await makePerson(db);
    // Scores 20 21 19 20 22 18 20 and then 16 (flagged: z -3.1) and 22 (usual).
    for (const [i, sleepQuality] of [5, 6, 4, 5, 7, 3, 5, 1, 7].entries()) await reportOn(db, person.id, addDays('2026-03-01', i), { sleepQuality });
    const stored = async () => (await db.selectFrom('wellness_report').select('flagged').orderBy('local_date').execute()).map((r) => r.flagged);
    expect(await stored()).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0]);
    await db.updateTable('wellness_report').set({ flagged: 0 }).execute();
    await backfillFlags(db);
    expect(await stored()).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0]);
  });
});
