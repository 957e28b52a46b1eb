import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { write, type Writer } from '../store/write.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { addDays, localToInstant } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { allMigrations } from '../capabilities.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { ACWR_SD_FLOOR, baselineOf, ownRangeFlag } from '../stats/own-range.ts';
import { cohortLoadRatioFlags } from './cohort.ts';
import { acwrFlag, loadRatioStates, personLoads } from './load-ratio.ts';
import { dailyLoads, loadRatioState, workloadRatios } from './metrics.ts';
import { createSession, setAttendance, updateSession } from './store.ts';

const asSystem = <T>(db: Db, fn: (w: Writer) => Promise<T>) => write(db, systemActor('test'), fn, () => new Date('2026-04-01T12:00:00Z'));

/** A platoon far from UTC (Auckland), so that a session's local day is not its UTC day, with two participants. */
async function platoon(db: Db) {
  const unit = await makeUnit(db, { kind: 'platoon', timeZone: 'Pacific/Auckland' });
  const people = [(await makePerson(db, { unitId: unit.id })).id, (await makePerson(db, { unitId: unit.id })).id];
  const held = (w: Writer, date: string, time = '07:00', minutes = 60) =>
    createSession(w, { unitId: unit.id, title: 'PT', plannedStart: localToInstant(date, time, unit.timeZone), plannedMinutes: minutes, trainerId: null, notes: '' }).then(async (s) => {
      await updateSession(w, s.id, { status: 'held', actualMinutes: minutes });
      return s.id;
    });
  return { unit, people, held };
}

/** Every person's stored state is the one their whole history gives. */
async function expectCurrent(db: Db, personIds: readonly number[]) {
  const stored = await loadRatioStates(db, personIds);
  for (const id of personIds) expect(stored.get(id) ?? null, `person ${id}`).toEqual(loadRatioState(await personLoads(db, id)));
}

describeEachDatabase('stored load-ratio state', (database) => {
  it('stays equal to the state built from all of a person’s loads through every write that changes a load', async () => {
    const { db } = database();
    const { people, held } = await platoon(db);
    const [p1, p2] = people;
    const sessions: number[] = [];
    // Five weeks of sessions every other day, written in date order: each write walks on from the stored state.
    for (let day = 0; day < 35; day += 2) {
      await asSystem(db, async (w) => {
        const id = await held(w, addDays('2026-02-01', day));
        sessions.push(id);
        await setAttendance(w, id, p1, { status: 'present', rpe: 4 + (day % 5), minutes: null });
        await setAttendance(w, id, p2, { status: 'present', rpe: 6, minutes: day % 3 === 0 ? 45 : null });
      });
      await expectCurrent(db, people);
    }
    const last = sessions[sessions.length - 1];
    const changes: [string, (w: Writer) => Promise<unknown>][] = [
      ['a second session on the last day', async (w) => setAttendance(w, await held(w, '2026-03-07', '18:00', 30), p1, { status: 'present', rpe: 8, minutes: null })],
      ['a session back-dated into the history', async (w) => setAttendance(w, await held(w, '2026-02-04', '18:00'), p2, { status: 'present', rpe: 9, minutes: null })],
      ['an earlier rating changed', (w) => setAttendance(w, sessions[3], p1, { status: 'present', rpe: 10, minutes: 90 })],
      ['the last day’s only load removed (absent)', (w) => setAttendance(w, last, p2, { status: 'absent', rpe: null, minutes: null })],
      ['the last session’s minutes changed', (w) => updateSession(w, last, { actualMinutes: 75 })],
      ['a session moved to another day', (w) => updateSession(w, sessions[5], { actualStart: localToInstant('2026-02-14', '12:00', 'Pacific/Auckland') })],
      ['a session cancelled', (w) => updateSession(w, sessions[8], { status: 'cancelled', actualStart: null, actualMinutes: null })],
      ['a new last day after a gap', async (w) => setAttendance(w, await held(w, '2026-03-20'), p2, { status: 'present', rpe: 5, minutes: null })],
    ];
    for (const [what, change] of changes) {
      await asSystem(db, change);
      await expectCurrent(db, people).catch((e) => {
        throw new Error(`after ${what}: ${e.message}`);
      });
    }
  });

  it('takes a later start on an earlier local day in its stride (a unit above in another time zone)', async () => {
    const { db } = database();
    const company = await makeUnit(db, { kind: 'company', timeZone: 'Europe/London' });
    const unit = await makeUnit(db, { kind: 'platoon', parentId: company.id, timeZone: 'Pacific/Auckland' });
    const person = (await makePerson(db, { unitId: unit.id })).id;
    const session = async (w: Writer, unitId: number, at: string) => {
      const { id } = await createSession(w, { unitId, title: 'PT', plannedStart: at, plannedMinutes: 60, trainerId: null, notes: '' });
      await updateSession(w, id, { status: 'held', actualMinutes: 60 });
      await setAttendance(w, id, person, { status: 'present', rpe: 6, minutes: null });
    };
    // Auckland is 13 hours ahead in March: 20:00Z is the next morning there.
    await asSystem(db, (w) => session(w, unit.id, '2026-03-10T20:00:00.000Z')); // Auckland, 11 March
    await asSystem(db, (w) => session(w, company.id, '2026-03-11T22:00:00.000Z')); // London, 11 March
    await asSystem(db, (w) => session(w, unit.id, '2026-03-11T20:00:00.000Z')); // Auckland, 12 March: earlier than the London session, a day later
    expect((await loadRatioStates(db, [person])).get(person)).toMatchObject({ lastDate: '2026-03-12', lastLoad: 360 });
    await expectCurrent(db, [person]);
  });

  it('counts a cohort’s flags from the stored days ahead as each person’s own flag does: later, long after, and looking back', async () => {
    const { db } = database();
    const { unit, people, held } = await platoon(db);
    const [steady, stopped] = people;
    const [shortHistory, later] = [(await makePerson(db, { unitId: unit.id })).id, (await makePerson(db, { unitId: unit.id })).id];
    await asSystem(db, async (w) => {
      for (let day = 0; day < 60; day++) {
        const date = addDays('2026-01-01', day);
        const id = await held(w, date);
        await setAttendance(w, id, steady, { status: 'present', rpe: day >= 55 ? 9 : 4 + (day % 3), minutes: null });
        if (day < 40) await setAttendance(w, id, stopped, { status: 'present', rpe: day >= 36 ? 10 : 5, minutes: null });
        if (day >= 50) await setAttendance(w, id, shortHistory, { status: 'present', rpe: 6, minutes: null });
        if (day % 2 === 0) await setAttendance(w, id, later, { status: 'present', rpe: 3 + (day % 5), minutes: null });
      }
      await setAttendance(w, await held(w, '2026-04-20'), later, { status: 'present', rpe: 9, minutes: null });
    });
    const everyone = [steady, stopped, shortHistory, later];
    // From the last loads (1 March) to well past the 63 stored days (the last one 2 May), and days before the later load of 20 April.
    for (const date of ['2026-02-10', '2026-03-01', '2026-03-02', '2026-03-15', '2026-04-12', '2026-05-02', '2026-05-03', '2026-05-04', '2026-07-01']) {
      const own = new Map(await Promise.all(everyone.map(async (id) => [id, await acwrFlag(db, id, date)] as const)));
      const rated = [...own.values()].filter((f) => f && f.state !== 'too-little-history');
      const cohort = await cohortLoadRatioFlags(db, [unit.id], date);
      expect(cohort.byUnit.get(unit.id) ?? { rated: 0, flagged: 0 }, date).toEqual({ rated: rated.length, flagged: rated.filter((f) => f!.state === 'flagged').length });
      expect(new Map([...cohort.flagged].map(([id, { flag }]) => [id, flag])), date).toEqual(new Map([...own].filter(([, f]) => f?.state === 'flagged')));
    }
    expect((await cohortLoadRatioFlags(db, [unit.id], '2026-03-01')).flagged.has(steady)).toBe(true);
  });

  it('removes the state of a person left without a load', async () => {
    const { db } = database();
    const { people, held } = await platoon(db);
    const id = await asSystem(db, async (w) => {
      const session = await held(w, '2026-03-01');
      await setAttendance(w, session, people[0], { status: 'present', rpe: 5, minutes: null });
      return session;
    });
    expect((await loadRatioStates(db, people)).size).toBe(1);
    await asSystem(db, (w) => setAttendance(w, id, people[0], { status: 'excused', rpe: null, minutes: null }));
    expect((await loadRatioStates(db, people)).size).toBe(0);
  });

  it('is built for everyone with loads by the migration that adds it', async () => {
    const { db } = database();
    const { people, held } = await platoon(db);
    await asSystem(db, async (w) => {
      for (let day = 0; day < 40; day += 3) {
        const id = await held(w, addDays('2026-01-10', day));
        for (const [i, person] of people.entries()) await setAttendance(w, id, person, { status: 'present', rpe: 3 + i + (day % 4), minutes: null });
      }
    });
    const before = await loadRatioStates(db, people);
    await db.schema.dropTable('load_ratio_state').execute();
    await allMigrations['0014_training_load_ratio_state'].up(db);
    expect(await loadRatioStates(db, people)).toEqual(before);
    await expectCurrent(db, people);
  });

  it('gives the load-ratio flag of the whole history on the last day, later, and on a day looked back to', async () => {
    const { db } = database();
    const { people, held } = await platoon(db);
    const [p1] = people;
    await asSystem(db, async (w) => {
      // Six weeks of daily RPE 5, then a hard week.
      for (let day = 0; day < 49; day++) {
        const id = await held(w, addDays('2026-01-01', day));
        await setAttendance(w, id, p1, { status: 'present', rpe: day < 42 ? 5 + (day % 2) : 9, minutes: null });
      }
    });
    const loads = await personLoads(db, p1);
    /** The flag from `workloadRatios` over every load up to `date`: the oracle. */
    const oracle = (date: string) => {
      const ratios = workloadRatios(dailyLoads(loads.filter((l) => l.date <= date), loads[0].date, date)).slice(-29).map((d) => d.acwrEwma);
      const today = ratios[ratios.length - 1];
      return today === null ? null : ownRangeFlag(today, baselineOf(ratios.slice(0, -1).filter((r) => r !== null)), 'high', ACWR_SD_FLOOR);
    };
    // Equal to ten significant digits: the closed-form decay over a long gap rounds differently from the day-by-day walk.
    const rounded = (flag: unknown) => JSON.parse(JSON.stringify(flag, (_, v) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v)));
    for (const date of ['2026-02-15', '2026-02-18', '2026-02-25', '2026-03-10', '2026-06-01', '2026-02-10', '2026-01-20']) expect(rounded(await acwrFlag(db, p1, date)), date).toEqual(rounded(oracle(date)));
    expect((await acwrFlag(db, p1, '2026-02-15'))?.state).toBe('flagged');
    expect(await acwrFlag(db, p1, '2025-12-31')).toBeNull();
  });
});
