import { expect, it } from 'vitest';
import { makePerson } from '../roster/testing.ts';
import { describeEachDatabase } from '../store/testing.ts';
import { backfillBaselines } from './migrations.ts';
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
});
