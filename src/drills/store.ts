import type { ExpressionBuilder } from 'kysely';
import type { Writer } from '../store/write.ts';
import { badRequest, conflict, notFound } from '../shared/errors.ts';
import { isUniqueViolation, type Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { localInstant, type LocalInstant, type LoadView } from '../training/index.ts';
import { fromKilograms, nameKey, toKilograms, type LoadUnit } from '../training/index.ts';
import { bestPerSide, formatDuration, passes, type Side, type StrengthKind } from './model.ts';

// ---- drills ----

export interface DrillView {
  id: number;
  name: string;
  standardS: number;
  standard: string;
  description: string;
}

const toDrillView = (r: { id: number; name: string; standard_s: number; description: string }): DrillView => ({
  id: r.id,
  name: r.name,
  standardS: r.standard_s,
  standard: formatDuration(r.standard_s),
  description: r.description,
});

export async function listDrills(db: Db): Promise<DrillView[]> {
  return (await db.selectFrom('drill').select(['id', 'name', 'standard_s', 'description']).orderBy('name_key').execute()).map(toDrillView);
}

export async function getDrill(db: Db, id: number): Promise<DrillView> {
  const row = await db.selectFrom('drill').select(['id', 'name', 'standard_s', 'description']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`drill ${id}`);
  return toDrillView(row);
}

export async function createDrill(w: Writer, input: { name: string; standardS: number; description: string }): Promise<DrillView> {
  const key = nameKey(input.name);
  if (await w.db.selectFrom('drill').select('id').where('name_key', '=', key).executeTakeFirst()) throw conflict(`a drill is already called '${input.name}'`, 'name');
  const { id } = await w.db
    .insertInto('drill')
    .values({ name: input.name.trim(), name_key: key, standard_s: input.standardS, description: input.description, created_at: w.now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'drill.create', entity: 'drill', entityId: id, after: input });
  return getDrill(w.db, id);
}

export interface AttemptView {
  id: number;
  drill: { id: number; name: string; standard: string };
  at: LocalInstant;
  timeS: number;
  time: string;
  passed: boolean;
  notes: string;
}

export async function recordAttempt(w: Writer, input: { drillId: number; personId: number; performedAt: string; timeS: number; notes: string }): Promise<number> {
  const drill = await getDrill(w.db, input.drillId);
  try {
    const { id } = await w.db
      .insertInto('drill_attempt')
      .values({ drill_id: drill.id, person_id: input.personId, performed_at: input.performedAt, time_s: input.timeS, notes: input.notes, recorded_by: w.actor.label, created_at: w.now.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await w.record({ action: 'drill.attempt', entity: 'drill_attempt', entityId: id, after: { ...input, passed: passes(input.timeS, drill.standardS) } });
    return id;
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`an attempt at ${drill.name} by person ${input.personId} at ${input.performedAt} is already recorded`, 'time');
    throw e;
  }
}

export interface PersonDrills {
  attempts: AttemptView[];
  /** The fastest attempt at each drill. */
  bests: AttemptView[];
}

export async function personDrills(db: Db, personId: number): Promise<PersonDrills> {
  const rows = await db
    .selectFrom('drill_attempt')
    .innerJoin('drill', 'drill.id', 'drill_attempt.drill_id')
    .leftJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'drill_attempt.person_id').on('person_unit.effective_to', 'is', null))
    .leftJoin('unit', 'unit.id', 'person_unit.unit_id')
    .select(['drill_attempt.id', 'drill_attempt.performed_at', 'drill_attempt.time_s', 'drill_attempt.notes', 'drill.id as drill_id', 'drill.name', 'drill.standard_s', 'unit.time_zone'])
    .where('drill_attempt.person_id', '=', personId)
    .orderBy('drill_attempt.performed_at')
    .execute();
  const attempts = rows.map(
    (r): AttemptView => ({
      id: r.id,
      drill: { id: r.drill_id, name: r.name, standard: formatDuration(r.standard_s) },
      at: localInstant(r.performed_at, r.time_zone ?? 'UTC'),
      timeS: r.time_s,
      time: formatDuration(r.time_s),
      passed: passes(r.time_s, r.standard_s),
      notes: r.notes,
    }),
  );
  const bests = new Map<number, AttemptView>();
  for (const a of attempts) if (!bests.has(a.drill.id) || a.timeS < bests.get(a.drill.id)!.timeS) bests.set(a.drill.id, a);
  return { attempts, bests: [...bests.values()].sort((a, b) => a.drill.name.localeCompare(b.drill.name)) };
}

export async function setLeaderboardOptOut(w: Writer, personId: number, optOut: boolean): Promise<void> {
  if (optOut) await w.db.insertInto('leaderboard_opt_out').values({ person_id: personId, since: w.now.toISOString() }).onConflict((oc) => oc.doNothing()).execute();
  else await w.db.deleteFrom('leaderboard_opt_out').where('person_id', '=', personId).execute();
  await w.record({ action: 'drill.leaderboard.opt-out', entity: 'person', entityId: personId, after: { optOut } });
}

export async function isOptedOut(db: Db, personId: number): Promise<boolean> {
  return !!(await db.selectFrom('leaderboard_opt_out').select('person_id').where('person_id', '=', personId).executeTakeFirst());
}

export interface LeaderboardEntry {
  rank: number;
  /** Null for a participant who opted out (unless it is the viewer themself). */
  person: { id: number; designation: string; name: string; rank: string } | null;
  you: boolean;
  timeS: number;
  time: string;
  passed: boolean;
  date: string;
}

/** Each participant's best time at a drill among the people now in `unitIds`, fastest first; ties share a rank. */
export async function leaderboard(db: Db, drill: DrillView, unitIds: readonly number[], zone: string, viewerId: number | null): Promise<LeaderboardEntry[]> {
  if (unitIds.length === 0) return [];
  const best = db
    .selectFrom('drill_attempt')
    .select((eb) => ['drill_attempt.person_id', eb.fn.min('drill_attempt.time_s').as('best')])
    .where('drill_attempt.drill_id', '=', drill.id)
    .groupBy('drill_attempt.person_id')
    .as('best');
  const rows = await db
    .selectFrom(best)
    .innerJoin('person', 'person.id', 'best.person_id')
    .innerJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'person.id').on('person_unit.effective_to', 'is', null))
    .leftJoin('leaderboard_opt_out', 'leaderboard_opt_out.person_id', 'person.id')
    .select((eb) => [
      'person.id',
      'person.designation',
      'person.name',
      'person.rank',
      'best.best',
      'leaderboard_opt_out.person_id as opted_out',
      // The date of the person's first attempt at their best time.
      eb
        .selectFrom('drill_attempt as a')
        .select((e) => e.fn.min('a.performed_at').as('at'))
        .whereRef('a.person_id', '=', 'person.id')
        .where('a.drill_id', '=', drill.id)
        .whereRef('a.time_s', '=', 'best.best')
        .as('performed_at'),
    ])
    .where('person_unit.unit_id', 'in', unitIds)
    .orderBy('best.best')
    .orderBy('person.designation_key')
    .execute();
  let previous: number | undefined;
  let rank = 0;
  return rows.map((r, i) => {
    const time = Number(r.best);
    if (time !== previous) rank = i + 1;
    previous = time;
    const you = r.id === viewerId;
    return {
      rank,
      person: r.opted_out !== null && !you ? null : { id: r.id, designation: r.designation, name: r.name, rank: r.rank },
      you,
      timeS: time,
      time: formatDuration(time),
      passed: passes(time, drill.standardS),
      date: localInstant(String(r.performed_at), zone).date,
    };
  });
}

// ---- strength tests ----

export interface ProtocolView {
  id: number;
  key: string;
  name: string;
  kind: StrengthKind;
  unit: string;
  sided: boolean;
  trials: number;
  protocol: string;
}

export async function listProtocols(db: Db): Promise<ProtocolView[]> {
  const rows = await db.selectFrom('strength_protocol').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ ...r, sided: r.sided === 1 }));
}

async function getProtocol(db: Db, id: number): Promise<ProtocolView> {
  const found = (await listProtocols(db)).find((p) => p.id === id);
  if (!found) throw badRequest('protocolId', `strength protocol ${id} does not exist`);
  return found;
}

export interface TrialInput {
  side: Side | null;
  value: number;
  success: boolean;
}

export interface StrengthTestInput {
  protocolId: number;
  personId: number;
  exerciseId: number | null;
  performedAt: string;
  loadUnit: LoadUnit;
  trials: TrialInput[];
  notes: string;
}

/** Checks the trials against the protocol: the sides it takes, at most its number of trials per side, an exercise for a 1RM. */
export async function recordStrengthTest(w: Writer, input: StrengthTestInput): Promise<number> {
  const protocol = await getProtocol(w.db, input.protocolId);
  if (protocol.kind === 'one_rm') {
    if (input.exerciseId === null) throw badRequest('exerciseId', 'a 1RM test names the exercise lifted');
    const exercise = await w.db.selectFrom('exercise').select('category').where('id', '=', input.exerciseId).executeTakeFirst();
    if (!exercise) throw badRequest('exerciseId', `exercise ${input.exerciseId} is not in the catalogue`);
  } else if (input.exerciseId !== null) throw badRequest('exerciseId', `a ${protocol.name} test takes no exercise`);
  const counts = new Map<Side, number>();
  const trials = input.trials.map((t, i) => {
    const side: Side = t.side ?? (protocol.sided ? ('' as Side) : 'both');
    if (protocol.sided && side !== 'left' && side !== 'right') throw badRequest(`trials.${i}.side`, `${protocol.name} is taken per hand: left or right`);
    if (!protocol.sided && side !== 'both') throw badRequest(`trials.${i}.side`, `${protocol.name} is not taken per side`);
    if (protocol.kind !== 'one_rm' && !t.success) throw badRequest(`trials.${i}.success`, `every ${protocol.name} trial counts; only 1RM attempts can be missed`);
    const trial = (counts.get(side) ?? 0) + 1;
    counts.set(side, trial);
    if (trial > protocol.trials) throw badRequest('trials', `${protocol.name} allows at most ${protocol.trials} trials${protocol.sided ? ' per hand' : ''}`);
    const value = protocol.kind === 'one_rm' ? toKilograms(t.value, input.loadUnit) : t.value;
    return { side, trial, value, load_unit: protocol.kind === 'one_rm' ? input.loadUnit : null, success: t.success ? 1 : 0 };
  });
  const { id } = await w.db
    .insertInto('strength_test')
    .values({ protocol_id: protocol.id, person_id: input.personId, exercise_id: input.exerciseId, performed_at: input.performedAt, notes: input.notes, recorded_by: w.actor.label, created_at: w.now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.db.insertInto('strength_trial').values(trials.map((t) => ({ ...t, test_id: id }))).execute();
  await w.record({ action: 'strength.test', entity: 'strength_test', entityId: id, after: { ...input, trials } });
  return id;
}

export interface StrengthTestView {
  id: number;
  protocol: { id: number; key: string; name: string; kind: StrengthKind };
  exercise: { id: number; name: string } | null;
  at: LocalInstant;
  trials: { side: Side; trial: number; value: number; load: LoadView | null; success: boolean }[];
  /** Best made trial per side, in the protocol's unit (loads in the viewer's unit). */
  results: { side: Side; best: number; unit: string }[];
  notes: string;
}

export async function personStrengthTests(db: Db, personId: number, viewerUnit: LoadUnit): Promise<StrengthTestView[]> {
  const tests = await db
    .selectFrom('strength_test')
    .innerJoin('strength_protocol', 'strength_protocol.id', 'strength_test.protocol_id')
    .leftJoin('exercise', 'exercise.id', 'strength_test.exercise_id')
    .leftJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'strength_test.person_id').on('person_unit.effective_to', 'is', null))
    .leftJoin('unit', 'unit.id', 'person_unit.unit_id')
    .select(['strength_test.id', 'strength_test.performed_at', 'strength_test.notes', 'strength_protocol.id as protocol_id', 'strength_protocol.key', 'strength_protocol.name', 'strength_protocol.kind', 'strength_protocol.unit', 'exercise.id as exercise_id', 'exercise.name as exercise_name', 'unit.time_zone'])
    .where('strength_test.person_id', '=', personId)
    .orderBy('strength_test.performed_at')
    .execute();
  if (tests.length === 0) return [];
  const trials = await db.selectFrom('strength_trial').selectAll().where('test_id', 'in', tests.map((t) => t.id)).orderBy('side').orderBy('trial').execute();
  return tests.map((t) => {
    const own = trials.filter((x) => x.test_id === t.id);
    const isLoad = t.kind === 'one_rm';
    const shown = (kg: number) => (isLoad ? fromKilograms(kg, viewerUnit, own[0]?.load_unit ?? 'kg') : kg);
    return {
      id: t.id,
      protocol: { id: t.protocol_id, key: t.key, name: t.name, kind: t.kind },
      exercise: t.exercise_id === null ? null : { id: t.exercise_id, name: t.exercise_name! },
      at: localInstant(t.performed_at, t.time_zone ?? 'UTC'),
      trials: own.map((x) => ({
        side: x.side,
        trial: x.trial,
        value: x.value,
        load: isLoad ? { value: shown(x.value), unit: viewerUnit, kg: x.value, enteredUnit: x.load_unit ?? 'kg' } : null,
        success: x.success === 1,
      })),
      results: bestPerSide(own.map((x) => ({ ...x, success: x.success === 1 }))).map((r) => ({ side: r.side, best: shown(r.best), unit: isLoad ? viewerUnit : t.unit })),
      notes: t.notes,
    };
  });
}

export interface RecentDrillBest {
  personId: number;
  drill: string;
  attemptId: number;
  at: string;
  date: string;
  timeS: number;
  previousS: number;
}

/**
 * The newest attempts (at most `limit`) between two instants by participants now in `unitIds`
 * that beat their earlier best time at the drill: `personDrills`' rule (fastest time), counted only
 * when there was an earlier attempt to beat. Dated in the zone of the person's unit. The rule and
 * the limit are in the statement, so it reads the window newest first (drill_attempt_performed) and
 * stops at `limit` bests; each check is a seek in the natural key for the earlier attempts.
 */
export async function recentDrillBests(db: Db, unitIds: readonly number[], from: string, to: string, limit: number): Promise<RecentDrillBest[]> {
  if (unitIds.length === 0) return [];
  const previousBest = (eb: ExpressionBuilder<Database, 'drill_attempt'>) =>
    eb
      .selectFrom('drill_attempt as earlier')
      .select((e) => e.fn.min('earlier.time_s').as('s'))
      .whereRef('earlier.person_id', '=', 'drill_attempt.person_id')
      .whereRef('earlier.drill_id', '=', 'drill_attempt.drill_id')
      .whereRef('earlier.performed_at', '<', 'drill_attempt.performed_at');
  // CROSS JOIN keeps drill_attempt the outer loop on SQLite (its documented join-order hint; on
  // PostgreSQL it is an inner join), so the window is read newest first and the read stops at `limit`.
  const rows = await db
    .selectFrom('drill_attempt')
    .crossJoin('person_unit')
    .where((e) => e.and([e('person_unit.person_id', '=', e.ref('drill_attempt.person_id')), e('person_unit.effective_to', 'is', null)]))
    .innerJoin('drill', 'drill.id', 'drill_attempt.drill_id')
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'drill_attempt.person_id').on('person_role.role', '=', 'participant'))
    .innerJoin('unit', 'unit.id', 'person_unit.unit_id')
    .select((eb) => ['drill_attempt.id', 'drill_attempt.person_id', 'drill_attempt.performed_at', 'drill_attempt.time_s', 'drill.name', 'unit.time_zone', previousBest(eb).as('previous_s')])
    .where('person_unit.unit_id', 'in', unitIds)
    .where('drill_attempt.performed_at', '>=', from)
    .where('drill_attempt.performed_at', '<', to)
    // Faster than the earlier best; with no earlier attempt the minimum is null and nothing passes.
    .where((eb) => eb('drill_attempt.time_s', '<', previousBest(eb)))
    .orderBy('drill_attempt.performed_at', 'desc')
    .orderBy('drill_attempt.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ personId: r.person_id, drill: r.name, attemptId: r.id, at: r.performed_at, date: localInstant(r.performed_at, r.time_zone).date, timeS: r.time_s, previousS: Number(r.previous_s) }));
}
