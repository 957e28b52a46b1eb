import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { loadDemoRoster } from '../roster/demo.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { loadDemoTraining } from './demo.ts';
import { cohortLoadRatioFlags } from './cohort.ts';
import { loadRatioStates, personLoads, rebuildLoadRatios } from './load-ratio.ts';
import { loadRatioState } from './metrics.ts';

const clock = () => new Date('2026-11-26T12:00:00Z');

describeEachDatabase('training demo', (database) => {
  it('loads twelve weeks of training, the same every time, ending this week', async () => {
    const { db } = database();
    const result = await write(
      db,
      systemActor('demo'),
      async (w) => {
        const roster = await loadDemoRoster(w, 6);
        const training = await loadDemoTraining(w, { participants: 6, weeks: 12, zone: 'Europe/London', logins: [] });
        // The demo writes attendance in bulk; its derived state is built once, at the end (src/demo/load.ts).
        await rebuildLoadRatios(w);
        return { roster, training };
      },
      clock,
    );
    // Two platoons, four sessions a week for twelve weeks; Saturday 28 November is still planned.
    expect(result.training.sessions).toBe(96);
    const planned = await db.selectFrom('training_session').select('planned_start').where('status', '=', 'planned').execute();
    expect(planned.map((p) => p.planned_start)).toEqual(['2026-11-28T08:00:00.000Z', '2026-11-28T08:00:00.000Z']);
    const first = await db.selectFrom('training_session').select('starts_at').orderBy('starts_at').executeTakeFirstOrThrow();
    expect(first.starts_at).toBe('2026-09-07T05:30:00.000Z');
    const someone = result.roster.participantIds[0];
    const loads = await personLoads(db, someone);
    expect(loads.length).toBeGreaterThan(30);
    expect(Math.min(...loads.map((l) => l.load))).toBeGreaterThan(0);
    // Everyone's load-ratio state, built from the bulk attendance.
    expect((await loadRatioStates(db, [someone])).get(someone)).toEqual(loadRatioState(loads));
    const lb = await db.selectFrom('training_set').select('load_unit').where('load_unit', '=', 'lb').executeTakeFirst();
    expect(lb).toBeDefined();
    expect(Number((await db.selectFrom('drill_attempt').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(6 * 2 * 3);
    // Grip, jump and 1RM in week 1; week 12's tests fall on Friday 27 November, still to come.
    expect(Number((await db.selectFrom('strength_test').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(6 * 3);
    expect(result.training.sets).toBeGreaterThan(1000);
    // The second participant overreached in the last four days: flagged today, and no one else is.
    const flags = await cohortLoadRatioFlags(db, [result.roster.companyId, ...result.roster.platoonIds], '2026-11-26');
    expect([...flags.flagged.keys()]).toEqual([result.roster.participantIds[1]]);
    expect(flags.flagged.get(result.roster.participantIds[1])!.flag).toMatchObject({ state: 'flagged', z: expect.closeTo(2.5, 0) });
  });
});
