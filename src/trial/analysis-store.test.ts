import { expect, it } from 'vitest';
import { createAssessment } from '../assess/index.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { trialDataset } from './analysis-store.ts';
import { allocate, makeRecruitingTrial } from './conduct-testing.ts';
import { makeProtocol } from './testing.ts';

const primary = makeProtocol().outcomes.primary;

describeEachDatabase('trial analysis data set from the database', (database) => {
  it("matches DXA lean mass to the visits by their windows in the unit's zone, and leaves out those who refused the use of their data", async () => {
    const { db } = database();
    // Auckland is UTC+13 in March: 20:00 UTC on the 1st is the morning of the 2nd there.
    const unit = await makeUnit(db, { timeZone: 'Pacific/Auckland' });
    const trial = await makeRecruitingTrial(db, { outcomes: { primary: { ...primary, covariates: [] }, secondary: [] } });
    const people = [];
    for (let k = 0; k < 4; k++) {
      const person = await makePerson(db, { designation: `JB-10${k}`, unitId: unit.id });
      await allocate(db, trial, person.id, { arm: k % 2 ? 'placebo' : 'whey', kitCode: `K-${k}`, randomisedAt: '2025-03-01T21:00:00.000Z' });
      people.push(person.id);
    }
    // Lean mass = body mass x (1 - body fat % / 100): 80 kg at 25% is 60 kg.
    const scan = (personId: number, assessedAt: string, mass: number) =>
      write(db, systemActor('test'), (w) =>
        createAssessment(w, { personId, assessedAt, assessorId: null, method: 'dxa', device: 'DXA', fasted: true, notes: '', sites: { body_mass: [mass, mass], body_fat_percent: [25] } }),
      );
    for (const personId of people) await scan(personId, '2025-03-01T20:00:00.000Z', 80);
    // Week 4 is due on 30 March (local), window 27 March to 2 April: the nearest scan counts, one outside counts for nothing.
    await scan(people[0], '2025-03-28T20:00:00.000Z', 81);
    await scan(people[0], '2025-03-26T20:00:00.000Z', 82);
    await scan(people[1], '2025-04-02T20:00:00.000Z', 83);
    await scan(people[2], '2025-04-05T20:00:00.000Z', 84);
    await db
      .insertInto('trial_withdrawal')
      .values({ trial_id: trial.id, person_id: people[3], kind: 'withdrew', reason: 'test', data_may_be_used: 0, withdrawn_on: '2025-03-10', recorded_at: '2025-03-10T00:00:00.000Z', recorded_by_label: 'test' })
      .execute();

    const { dataset, personIds } = await trialDataset(db, trial);
    expect(personIds).toEqual(people.slice(0, 3));
    const week4 = dataset.rows.filter((row) => row[2] === 'week 4').map((row) => [row[0], row[1], row[3], row[4]]);
    expect(week4).toEqual([
      ['JB-100', 'whey', 81 * 0.75, 60],
      ['JB-101', 'placebo', null, 60],
      ['JB-102', 'whey', null, 60],
    ]);
  });

  it('keeps a withdrawn participant whose data may be used, with the visits they missed empty', async () => {
    const { db } = database();
    const trial = await makeRecruitingTrial(db, { outcomes: { primary: { ...primary, covariates: [] }, secondary: [] } });
    const person = await makePerson(db, { designation: 'JB-200' });
    await allocate(db, trial, person.id, { arm: 'whey', kitCode: 'K-1', randomisedAt: '2025-03-01T09:00:00.000Z' });
    await db
      .insertInto('trial_withdrawal')
      .values({ trial_id: trial.id, person_id: person.id, kind: 'withdrew', reason: 'test', data_may_be_used: 1, withdrawn_on: '2025-03-10', recorded_at: '2025-03-10T00:00:00.000Z', recorded_by_label: 'test' })
      .execute();
    const { dataset } = await trialDataset(db, trial);
    expect(dataset.rows).toEqual([
      ['JB-200', 'whey', 'week 4', null, null],
      ['JB-200', 'whey', 'week 8', null, null],
      ['JB-200', 'whey', 'week 12', null, null],
    ]);
  });
});
