import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { verifyAudit } from '../audit/index.ts';
import { capabilities } from '../capabilities.ts';
import { DEMO_HISTORY_DAYS } from '../roster/demo.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { systemActor } from '../shared/actor.ts';
import type { Capability } from '../shared/capability.ts';
import { addDays, localDateOf, weekStart } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { write } from '../store/write.ts';
import { refreshBaselines } from '../wellness/store.ts';
import { loadDemo } from './load.ts';

const now = new Date('2026-11-26T12:00:00Z');
const clock = () => now;
/** Loading 60 participants takes seconds alone and minutes on a busy machine. */
const LOAD_TIMEOUT = 300_000;

/**
 * The demo's rows at 60 participants on 26 November 2026, as the row-by-row demo wrote them before
 * it loaded in bulk (compared table by table then), with two deliberate changes (issue 15): first
 * names follow the recorded sex, and memberships start when the demo's history does. Leaves out
 * what is random on every load (kit codes, password hashes) and what other capabilities' own rows
 * change (the audit trail, the catalogues).
 */
const expectedRows: Record<string, number> = {
  person: 70,
  person_role: 70,
  person_unit: 66,
  unit: 3,
  unit_trainer: 3,
  training_session: 96,
  session_attendance: 2820,
  training_set: 16314,
  drill_attempt: 360,
  strength_test: 180,
  strength_trial: 780,
  leaderboard_opt_out: 1,
  load_ratio_state: 60,
  wellness_report: 4517,
  assessment: 390,
  assessment_site: 2760,
  trial_consent: 60,
  trial_screening: 55,
  trial_dose: 4083,
  trial_withdrawal: 1,
  adverse_event: 4,
  appointment: 73,
  appointment_event: 272,
  check_in: 58,
  badge: 60,
};

/** The tables whose content is compared, each in a stable order, and the columns compared. */
const hashed: Record<string, { columns: string[]; order: string[] }> = {
  person: { columns: ['id', 'designation', 'name', 'sex', 'date_of_birth', 'rank', 'status'], order: ['id'] },
  person_unit: { columns: ['id', 'person_id', 'unit_id', 'effective_from', 'effective_to'], order: ['id'] },
  session_attendance: { columns: ['session_id', 'person_id', 'status', 'rpe', 'minutes'], order: ['session_id', 'person_id'] },
  training_set: { columns: ['id', 'session_id', 'person_id', 'exercise_id', 'set_number', 'target_reps', 'target_load_kg', 'target_rpe', 'reps', 'load_kg', 'load_unit', 'rpe', 'duration_s', 'distance_m'], order: ['id'] },
  strength_trial: { columns: ['test_id', 'side', 'trial', 'value', 'success', 'load_unit'], order: ['test_id', 'side', 'trial'] },
  drill_attempt: { columns: ['id', 'drill_id', 'person_id', 'performed_at', 'time_s'], order: ['id'] },
  wellness_report: { columns: ['id', 'person_id', 'local_date', 'sleep_quality', 'fatigue', 'stress', 'soreness', 'hours_slept', 'baseline_count', 'baseline_sum', 'baseline_sum_of_squares', 'flagged'], order: ['id'] },
  assessment: { columns: ['id', 'person_id', 'assessed_at', 'method', 'notes'], order: ['id'] },
  assessment_site: { columns: ['assessment_id', 'site', 'trial_1', 'trial_2', 'trial_3'], order: ['assessment_id', 'site'] },
  trial_dose: { columns: ['id', 'person_id', 'taken_on', 'source', 'recorded_at'], order: ['id'] },
};

const raw = (db: Db) => db as unknown as Kysely<Record<string, Record<string, unknown>>>;

async function count(db: Db, table: string): Promise<number> {
  const row = await raw(db).selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A table's content as a short hash: its rows in order, numbers rounded to what float columns keep on both databases. */
async function contentHash(db: Db, table: string): Promise<string> {
  const { columns, order } = hashed[table];
  let query = raw(db).selectFrom(table).select(columns);
  for (const column of order) query = query.orderBy(column);
  const rows = await query.execute();
  const text = JSON.stringify(rows.map((r) => columns.map((c) => (typeof r[c] === 'number' ? Number((r[c] as number).toPrecision(6)) : r[c]))));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

async function derivedState(db: Db) {
  return {
    loadRatios: await db.selectFrom('load_ratio_state').selectAll().orderBy('person_id').execute(),
    baselines: await db.selectFrom('wellness_report').select(['id', 'baseline_count', 'baseline_sum', 'baseline_sum_of_squares', 'flagged']).orderBy('id').execute(),
    liftBests: await db.selectFrom('lift_best').selectAll().orderBy('set_id').execute(),
    liftPairs: await db.selectFrom('lift_pair').selectAll().orderBy('person_id').orderBy('exercise_id').execute(),
  };
}

/** Everyone joined their unit `historyDays` before today, and every participant's earliest record of any kind falls after that. */
async function expectMembershipsBeforeData(db: Db, historyDays: number) {
  const memberships = await db.selectFrom('person_unit').select(['person_id', 'effective_from']).execute();
  const since = memberships.map((m) => m.effective_from).reduce((a, b) => (a > b ? a : b));
  expect(localDateOf(since, 'Europe/London')).toBe(addDays(localDateOf(now, 'Europe/London'), -historyDays));
  const earliest = [
    await db.selectFrom('trial_consent').select((eb) => eb.fn.min('recorded_at').as('at')).executeTakeFirstOrThrow(),
    await db.selectFrom('training_session').select((eb) => eb.fn.min('starts_at').as('at')).executeTakeFirstOrThrow(),
    await db.selectFrom('assessment').select((eb) => eb.fn.min('assessed_at').as('at')).executeTakeFirstOrThrow(),
  ].map((r) => String(r.at));
  const firstReport = await db.selectFrom('wellness_report').select((eb) => eb.fn.min('local_date').as('date')).executeTakeFirstOrThrow();
  for (const at of earliest) expect(at > since, `${at} is before ${since}`).toBe(true);
  expect(String(firstReport.date) >= localDateOf(since, 'Europe/London')).toBe(true);
  expect(memberships.every((m) => m.effective_from === since)).toBe(true);
}

describeEachDatabase('the demo, loaded in bulk', (database) => {
  it('writes the same rows as the row-by-row demo did, in one audit trail that verifies, with its derived state current', async () => {
    const { db } = database();
    await loadDemo(db, { participants: 60, clock });

    const counts = Object.fromEntries(await Promise.all(Object.keys(expectedRows).map(async (t) => [t, await count(db, t)] as const)));
    expect(counts).toEqual(expectedRows);
    const hashes = Object.fromEntries(await Promise.all(Object.keys(hashed).map(async (t) => [t, await contentHash(db, t)] as const)));
    expect(hashes).toMatchInlineSnapshot(`
      {
        "assessment": "917ce1d9f7cfce37",
        "assessment_site": "ef21f662cf609992",
        "drill_attempt": "441f3a1865acb3ce",
        "person": "74be07b27a68a3a8",
        "person_unit": "0768272b981df4e3",
        "session_attendance": "a7f014ebe3738033",
        "strength_trial": "3c939cfae01d19a3",
        "training_set": "199da46a18aef634",
        "trial_dose": "47243288ad4ffbcd",
        "wellness_report": "2d73a70f9a6d53a3",
      }
    `);

    expect(await verifyAudit(db)).toMatchObject({ ok: true });

    // What each capability keeps on write, as the bulk load left it, equals a rebuild from the rows
    // and the wellness write path's own refresh of every person's reports.
    const loaded = await derivedState(db);
    expect(loaded.loadRatios).toHaveLength(60);
    expect(loaded.baselines.filter((b) => b.flagged === 1).length).toBeGreaterThan(0);
    expect(loaded.liftBests.length).toBeGreaterThan(100);
    await write(db, systemActor('test'), async (w) => {
      for (const capability of capabilities as readonly Capability[]) await capability.rebuildDerived?.(w);
      const spans = await w.db.selectFrom('wellness_report').select(['person_id', (eb) => eb.fn.min('local_date').as('from'), (eb) => eb.fn.max('local_date').as('to')]).groupBy('person_id').execute();
      await refreshBaselines(w, new Map(spans.map((s) => [s.person_id, { from: String(s.from), to: String(s.to) }])));
    }, clock);
    expect(await derivedState(db)).toEqual(loaded);
  }, LOAD_TIMEOUT);

  it('names participants by their recorded sex and has them in their unit before any of their data (issue 15)', async () => {
    const { db } = database();
    await loadDemo(db, { participants: 60, clock });
    const participants = await db
      .selectFrom('person')
      .innerJoin('person_role', 'person_role.person_id', 'person.id')
      .select(['person.id', 'person.name', 'person.sex'])
      .where('person_role.role', '=', 'participant')
      .execute();
    // No first name is given to both a man and a woman: each is drawn from the list for the recorded sex.
    const sexesOfName = new Map<string, Set<string | null>>();
    for (const p of participants) {
      const first = p.name.split(' ')[0];
      sexesOfName.set(first, (sexesOfName.get(first) ?? new Set()).add(p.sex));
    }
    expect([...sexesOfName].filter(([, sexes]) => sexes.size > 1).map(([name]) => name)).toEqual([]);

    await expectMembershipsBeforeData(db, DEMO_HISTORY_DAYS);
  }, LOAD_TIMEOUT);

  it('loads a year of training and wellness with --weeks 52, the hard weeks and tests following it, memberships a week before', async () => {
    const { db } = database();
    await loadDemo(db, { participants: 8, weeks: 52, clock });
    const today = localDateOf(now, 'Europe/London');
    // Two platoons, four sessions a week for 52 weeks; Saturday's march (28 November) is still to come.
    expect(await count(db, 'training_session')).toBe(2 * 4 * 52);
    const first = await db.selectFrom('training_session').select((eb) => eb.fn.min('starts_at').as('at')).executeTakeFirstOrThrow();
    expect(localDateOf(String(first.at), 'Europe/London')).toBe(addDays(weekStart(today), -51 * 7));
    const hard = await db.selectFrom('training_session').select('starts_at').where('notes', '=', 'Hard week').execute();
    expect(hard).toHaveLength(2 * 4 * 13);
    // Drill attempts in weeks 2, 6, ..., 50 (13 weeks, two drills each); strength tests in week 1 (week 52's fall on Friday, to come).
    expect(await count(db, 'drill_attempt')).toBe(8 * 2 * 13);
    expect(await count(db, 'strength_test')).toBe(8 * 3);
    const reports = await db.selectFrom('wellness_report').select((eb) => [eb.fn.min('local_date').as('from'), eb.fn.max('local_date').as('to')]).executeTakeFirstOrThrow();
    expect([String(reports.from), String(reports.to)]).toEqual([addDays(today, -363), today]);
    await expectMembershipsBeforeData(db, 53 * 7);
    expect(await verifyAudit(db)).toMatchObject({ ok: true });
  }, LOAD_TIMEOUT);

  it('loads the longest history, --weeks 104, with gains that level off after the first 12 weeks', async () => {
    const { db } = database();
    // At 1% a week the drill times of week 102 were below zero, which the attempts' check refuses.
    await loadDemo(db, { participants: 8, weeks: 104, clock });
    expect(await count(db, 'drill_attempt')).toBe(8 * 2 * 26);
    // Each lifter's heaviest deadlift against their first: 1.2% a week for 12 weeks, 0.3% after
    // (about x1.42, x1.49 in a hard week), not the x2.24 of 1.2% for two years.
    const deadlifts = await db
      .selectFrom('training_set')
      .innerJoin('exercise', 'exercise.id', 'training_set.exercise_id')
      .innerJoin('training_session', 'training_session.id', 'training_set.session_id')
      .select(['training_set.person_id', 'training_set.load_kg', 'training_session.starts_at'])
      .where('exercise.name', '=', 'Deadlift')
      .orderBy('training_session.starts_at')
      .execute();
    const firstAndHeaviest = new Map<number, { first: number; heaviest: number }>();
    for (const d of deadlifts) {
      const own = firstAndHeaviest.get(d.person_id) ?? { first: d.load_kg!, heaviest: 0 };
      own.heaviest = Math.max(own.heaviest, d.load_kg!);
      firstAndHeaviest.set(d.person_id, own);
    }
    expect(firstAndHeaviest.size).toBe(8);
    for (const { first, heaviest } of firstAndHeaviest.values()) {
      expect(heaviest / first).toBeGreaterThan(1.3);
      expect(heaviest / first).toBeLessThan(1.6);
    }
  }, LOAD_TIMEOUT);
});
