import { unitsAbove } from '../access/index.ts';
import type SQLite from 'better-sqlite3';
import { sql, type Selectable } from 'kysely';
import type { Writer } from '../store/write.ts';
import { participantsOf } from '../roster/index.ts';
import { badRequest, conflict, notFound } from '../shared/errors.ts';
import { instantToLocal, localDateOf } from '../shared/time.ts';
import { isUniqueViolation, sqliteConnectionOf, type Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { refreshLoadRatios } from './load-ratio.ts';
import { applyTallyChanges, attendanceTally, heldSessionDays, tallyChange, type TallyChange } from './attendance-tally.ts';
import { LiftBestKeeper, liftPairsOf, liftPairsOfSessions, refreshLiftBests, type NewSet } from './lift-best.ts';
import { sessionLoad } from './metrics.ts';
import {
  brzycki,
  checkLoadKg,
  epley,
  fromKilograms,
  JUST_STARTED_MINUTES,
  loadMissingReason,
  nameKey,
  toKilograms,
  type AttendanceStatus,
  type ExerciseCategory,
  type LoadUnit,
  type SessionStatus,
  type SetKind,
} from './model.ts';

// ---- exercise catalogue ----

export interface ExerciseView {
  id: number;
  name: string;
  category: ExerciseCategory;
  aliases: string[];
}

export async function listExercises(db: Db): Promise<ExerciseView[]> {
  const [rows, aliases] = await Promise.all([
    db.selectFrom('exercise').select(['id', 'name', 'category']).orderBy('name_key').execute(),
    db.selectFrom('exercise_alias').select(['alias_key', 'exercise_id']).orderBy('alias_key').execute(),
  ]);
  return rows.map((r) => ({ ...r, aliases: aliases.filter((a) => a.exercise_id === r.id).map((a) => a.alias_key) }));
}

/** Refuses names (as keys) that the catalogue already uses as a name or an alias: imports must match one exercise. */
async function requireNamesFree(w: Writer, keys: readonly string[], field: string): Promise<void> {
  const taken = await w.db
    .selectFrom('exercise')
    .select('name_key as key')
    .where('name_key', 'in', keys)
    .union(w.db.selectFrom('exercise_alias').select('alias_key as key').where('alias_key', 'in', keys))
    .executeTakeFirst();
  if (taken) throw conflict(`an exercise is already called '${taken.key}'`, field);
}

export async function createExercise(w: Writer, input: { name: string; category: ExerciseCategory; aliases: string[] }): Promise<ExerciseView> {
  const keys = [...new Set([input.name, ...input.aliases].map(nameKey))];
  await requireNamesFree(w, keys, 'name');
  const { id } = await w.db
    .insertInto('exercise')
    .values({ name: input.name.trim(), name_key: nameKey(input.name), category: input.category, created_at: w.now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const aliasKeys = keys.filter((k) => k !== nameKey(input.name));
  if (aliasKeys.length) await w.db.insertInto('exercise_alias').values(aliasKeys.map((alias_key) => ({ alias_key, exercise_id: id }))).execute();
  await w.record({ action: 'exercise.create', entity: 'exercise', entityId: id, after: input });
  return { id, name: input.name.trim(), category: input.category, aliases: aliasKeys };
}

/** Other names an import may use for an exercise (a typo in a coach's sheet, another app's name). */
export async function addExerciseAliases(w: Writer, id: number, aliases: readonly string[]): Promise<ExerciseView> {
  const before = (await listExercises(w.db)).find((e) => e.id === id);
  if (!before) throw notFound(`exercise ${id}`);
  const keys = [...new Set(aliases.map(nameKey))];
  await requireNamesFree(w, keys, 'aliases');
  await w.db.insertInto('exercise_alias').values(keys.map((alias_key) => ({ alias_key, exercise_id: id }))).execute();
  const after = { ...before, aliases: [...before.aliases, ...keys].sort() };
  await w.record({ action: 'exercise.alias', entity: 'exercise', entityId: id, before, after });
  return after;
}

/** Every name and alias of the catalogue, lower-cased, to the exercise id: what imports match against. */
export async function exerciseLookup(db: Db): Promise<Map<string, number>> {
  const [names, aliases] = await Promise.all([
    db.selectFrom('exercise').select(['name_key', 'id']).execute(),
    db.selectFrom('exercise_alias').select(['alias_key', 'exercise_id']).execute(),
  ]);
  return new Map([...aliases.map((a) => [a.alias_key, a.exercise_id] as const), ...names.map((n) => [n.name_key, n.id] as const)]);
}

// ---- preferences ----

export async function preferredLoadUnit(db: Db, accountId: number | null): Promise<LoadUnit> {
  if (accountId === null) return 'kg';
  const row = await db.selectFrom('training_preference').select('load_unit').where('account_id', '=', accountId).executeTakeFirst();
  return row?.load_unit ?? 'kg';
}

export async function setPreferredLoadUnit(w: Writer, accountId: number, loadUnit: LoadUnit): Promise<void> {
  const before = await preferredLoadUnit(w.db, accountId);
  await w.db
    .insertInto('training_preference')
    .values({ account_id: accountId, load_unit: loadUnit })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ load_unit: loadUnit }))
    .execute();
  await w.record({ action: 'training.preference', entity: 'account', entityId: accountId, before: { loadUnit: before }, after: { loadUnit } });
}

// ---- sessions ----

export interface LocalInstant {
  at: string;
  date: string;
  time: string;
  offset: string;
}

export const localInstant = (at: string, zone: string): LocalInstant => ({ at, ...instantToLocal(at, zone) });

export interface SessionInput {
  unitId: number;
  title: string;
  plannedStart: string;
  plannedMinutes: number | null;
  trainerId: number | null;
  notes: string;
}

export interface SessionPatch {
  title?: string;
  plannedStart?: string;
  plannedMinutes?: number | null;
  actualStart?: string | null;
  actualMinutes?: number | null;
  status?: SessionStatus;
  trainerId?: number | null;
  notes?: string;
}

type PersonRef = { id: number; designation: string; name: string; rank: string };

export interface SessionView {
  id: number;
  unit: { id: number; name: string; timeZone: string };
  title: string;
  status: SessionStatus;
  planned: LocalInstant & { minutes: number | null };
  actual: (LocalInstant & { minutes: number | null }) | null;
  trainer: PersonRef | null;
  notes: string;
}

export interface AttendanceView {
  person: PersonRef;
  status: AttendanceStatus;
  rpe: number | null;
  minutes: number | null;
  /** Session-RPE load in AU; null until both the rating and the minutes are known. */
  load: number | null;
  /** Why the load is null for someone present (`loadMissingReason`), else null. */
  loadMissing: string | null;
}

async function requireTrainer(db: Db, personId: number) {
  const row = await db.selectFrom('person_role').select('person_id').where('person_id', '=', personId).where('role', '=', 'trainer').executeTakeFirst();
  if (!row) throw badRequest('trainerId', `person ${personId} does not exist or is not a trainer`);
}

/** A session's stored columns, as every write path gives them. */
export type SessionColumns = Omit<Selectable<Database['training_session']>, 'id' | 'created_at' | 'updated_at'>;

/**
 * The one write path of sessions, from a form (a batch of one), an import or the demo: inserts
 * them and records one `training.session.create` event naming their ids. A unit has one session
 * at a start (a unique constraint): a second is refused with a conflict. Returns the ids in the batch's order.
 */
export async function writeSessions(w: Writer, sessions: readonly SessionColumns[], source: RowSource): Promise<number[]> {
  if (sessions.length === 0) return [];
  const at = w.now.toISOString();
  const ids: number[] = [];
  try {
    for (let i = 0; i < sessions.length; i += 500) {
      const rows = await w.db
        .insertInto('training_session')
        .values(sessions.slice(i, i + 500).map((s) => ({ ...s, created_at: at, updated_at: at })))
        .returning('id')
        .execute();
      ids.push(...rows.map((r) => r.id));
    }
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(sessions.length === 1 ? `the unit already has a session starting at ${sessions[0].starts_at}` : 'a unit already has a session at one of these starts', 'plannedStart');
    throw e;
  }
  await w.record({ action: 'training.session.create', entity: 'training_session', entityId: ids[0], after: { source, ids } });
  return ids;
}

/** Plans a session from a form: a batch of one on the sessions' write path. */
export async function createSession(w: Writer, input: SessionInput): Promise<SessionView> {
  if (input.trainerId !== null) await requireTrainer(w.db, input.trainerId);
  const [id] = await writeSessions(
    w,
    [
      {
        unit_id: input.unitId,
        title: input.title,
        planned_start: input.plannedStart,
        planned_minutes: input.plannedMinutes,
        actual_start: null,
        actual_minutes: null,
        starts_at: input.plannedStart,
        status: 'planned',
        trainer_person_id: input.trainerId,
        notes: input.notes,
      },
    ],
    'form',
  );
  return getSession(w.db, id);
}

export async function updateSession(w: Writer, id: number, patch: SessionPatch): Promise<SessionView> {
  const before = await getSession(w.db, id);
  if (patch.trainerId != null) await requireTrainer(w.db, patch.trainerId);
  const plannedStart = patch.plannedStart ?? before.planned.at;
  const actualStart = patch.actualStart !== undefined ? patch.actualStart : (before.actual?.at ?? null);
  const recordedMinutes = patch.actualMinutes !== undefined ? patch.actualMinutes : (before.actual?.minutes ?? null);
  // Recording when it happened makes it held, unless the patch says otherwise.
  const status = patch.status ?? (actualStart !== null || recordedMinutes !== null ? 'held' : before.status);
  if (status !== 'held' && (actualStart !== null || recordedMinutes !== null)) throw badRequest('status', `a session with an actual start or minutes was held, not ${status}`);
  const plannedMinutes = patch.plannedMinutes !== undefined ? patch.plannedMinutes : before.planned.minutes;
  const actualMinutes = status === 'held' ? (recordedMinutes ?? heldMinutes(actualStart ?? plannedStart, plannedMinutes, w.now)) : recordedMinutes;
  try {
    await w.db
      .updateTable('training_session')
      .set({
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.plannedMinutes !== undefined && { planned_minutes: patch.plannedMinutes }),
        ...(patch.trainerId !== undefined && { trainer_person_id: patch.trainerId }),
        ...(patch.notes !== undefined && { notes: patch.notes }),
        planned_start: plannedStart,
        actual_start: actualStart,
        actual_minutes: actualMinutes,
        starts_at: actualStart ?? plannedStart,
        status,
        updated_at: w.now.toISOString(),
      })
      .where('id', '=', id)
      .execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`the unit already has a session starting at ${actualStart ?? plannedStart}`, 'actualStart');
    throw e;
  }
  const after = await getSession(w.db, id);
  await refreshAttendeeLoads(w, before, after);
  await retallyAttendees(w, before, after);
  // Its sets now come before or after others: the bests of its lifters' exercises follow.
  if ((after.actual?.at ?? after.planned.at) !== (before.actual?.at ?? before.planned.at)) await refreshLiftBests(w, await liftPairsOfSessions(w.db, [id]));
  await w.record({ action: 'training.session.update', entity: 'training_session', entityId: id, before, after });
  return after;
}

/**
 * The minutes of a session marked held without them: its planned length, else the time from its
 * start to now (it finishes as it is marked). A held session always has its minutes, so its
 * attendees' session-RPE loads can be computed (docs/training.md, "Held sessions").
 */
function heldMinutes(start: string, plannedMinutes: number | null, now: Date): number {
  if (plannedMinutes !== null) return plannedMinutes;
  const minutes = Math.round((now.getTime() - Date.parse(start)) / 60_000);
  if (minutes < 1) throw badRequest('actualMinutes', 'a held session needs its minutes: the session has not started yet, so give them');
  if (minutes > 24 * 60) throw badRequest('actualMinutes', 'a held session needs its minutes: it started more than a day ago and has no planned length, so give them');
  return minutes;
}

export interface StartNowInput {
  unitId: number;
  title: string;
  plannedMinutes: number;
  trainerId: number | null;
}

/**
 * "Start a session now": the unit's session that started (or was planned to start) within
 * JUST_STARTED_MINUTES of now and is not cancelled, if there is one, else a new session starting
 * now (to the minute) with its planned length. A second tap, or a second trainer, gets the same session.
 */
export async function startSessionNow(w: Writer, input: StartNowInput): Promise<{ session: SessionView; created: boolean }> {
  const window = JUST_STARTED_MINUTES * 60_000;
  const now = w.now.getTime();
  const recent = await w.db
    .selectFrom('training_session')
    .select('id')
    .where('unit_id', '=', input.unitId)
    .where('status', '!=', 'cancelled')
    .where('starts_at', '>=', new Date(now - window).toISOString())
    .where('starts_at', '<=', new Date(now + window).toISOString())
    .orderBy('starts_at', 'desc')
    .executeTakeFirst();
  if (recent) return { session: await getSession(w.db, recent.id), created: false };
  const start = new Date(Math.floor(now / 60_000) * 60_000).toISOString();
  const session = await createSession(w, { unitId: input.unitId, title: input.title, plannedStart: start, plannedMinutes: input.plannedMinutes, trainerId: input.trainerId, notes: '' });
  return { session, created: true };
}

/** The local day a session's loads count on: its actual start's, else its planned start's. */
const sessionDay = (s: SessionView) => (s.actual ?? s.planned).date;

/** A session's status, day and minutes make its attendees' loads: their load-ratio states follow a change of any. */
async function refreshAttendeeLoads(w: Writer, before: SessionView, after: SessionView): Promise<void> {
  const counted = before.status === 'held' || after.status === 'held';
  const changed = before.status !== after.status || sessionDay(before) !== sessionDay(after) || before.actual?.minutes !== after.actual?.minutes;
  if (!counted || !changed) return;
  const rated = await w.db.selectFrom('session_attendance').select('person_id').where('session_id', '=', after.id).where('status', '=', 'present').where('rpe', 'is not', null).execute();
  const from = sessionDay(before) < sessionDay(after) ? sessionDay(before) : sessionDay(after);
  await refreshLoadRatios(w, rated.map((r) => r.person_id), from);
}

/** A session's status, day and minutes make its attendees' tallies (src/training/attendance-tally.ts): a change of any moves them. */
async function retallyAttendees(w: Writer, before: SessionView, after: SessionView): Promise<void> {
  const counted = before.status === 'held' || after.status === 'held';
  const changed = before.status !== after.status || sessionDay(before) !== sessionDay(after) || before.actual?.minutes !== after.actual?.minutes;
  if (!counted || !changed) return;
  const attendance = await w.db.selectFrom('session_attendance').select(['person_id', 'status', 'rpe', 'minutes']).where('session_id', '=', after.id).execute();
  const changes: TallyChange[] = [];
  for (const [session, sign] of [[before, -1], [after, 1]] as const) {
    if (session.status !== 'held') continue;
    for (const a of attendance) changes.push(tallyChange(a.person_id, sessionDay(session), attendanceTally(a, session.actual?.minutes ?? null), sign));
  }
  await applyTallyChanges(w, changes);
}

const sessionColumns = [
  'training_session.id',
  'training_session.title',
  'training_session.status',
  'training_session.planned_start',
  'training_session.planned_minutes',
  'training_session.actual_start',
  'training_session.actual_minutes',
  'training_session.notes',
  'unit.id as unit_id',
  'unit.name as unit_name',
  'unit.time_zone',
  'trainer.id as trainer_id',
  'trainer.designation as trainer_designation',
  'trainer.name as trainer_name',
  'trainer.rank as trainer_rank',
] as const;

function sessionQuery(db: Db) {
  return db
    .selectFrom('training_session')
    .innerJoin('unit', 'unit.id', 'training_session.unit_id')
    .leftJoin('person as trainer', 'trainer.id', 'training_session.trainer_person_id')
    .select(sessionColumns);
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionQuery>['executeTakeFirstOrThrow']>>;

function toSessionView(r: SessionRow): SessionView {
  const zone = r.time_zone;
  return {
    id: r.id,
    unit: { id: r.unit_id, name: r.unit_name, timeZone: zone },
    title: r.title,
    status: r.status,
    planned: { ...localInstant(r.planned_start, zone), minutes: r.planned_minutes },
    actual: r.actual_start === null && r.actual_minutes === null ? null : { ...localInstant(r.actual_start ?? r.planned_start, zone), minutes: r.actual_minutes },
    trainer: r.trainer_id === null ? null : { id: r.trainer_id, designation: r.trainer_designation!, name: r.trainer_name!, rank: r.trainer_rank! },
    notes: r.notes,
  };
}

export async function getSession(db: Db, id: number): Promise<SessionView> {
  const row = await sessionQuery(db).where('training_session.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`training session ${id}`);
  return toSessionView(row);
}

export async function listSessions(db: Db, filter: { unitIds?: readonly number[]; from?: string; to?: string }): Promise<SessionView[]> {
  if (filter.unitIds?.length === 0) return [];
  let q = sessionQuery(db).orderBy('training_session.starts_at');
  if (filter.unitIds) q = q.where('training_session.unit_id', 'in', filter.unitIds);
  if (filter.from) q = q.where('training_session.starts_at', '>=', filter.from);
  if (filter.to) q = q.where('training_session.starts_at', '<', filter.to);
  return (await q.limit(5000).execute()).map(toSessionView);
}

export async function listAttendance(db: Db, sessionId: number): Promise<AttendanceView[]> {
  const rows = await db
    .selectFrom('session_attendance')
    .innerJoin('training_session', 'training_session.id', 'session_attendance.session_id')
    .innerJoin('person', 'person.id', 'session_attendance.person_id')
    .select(['person.id', 'person.designation', 'person.name', 'person.rank', 'session_attendance.status', 'session_attendance.rpe', 'session_attendance.minutes', 'training_session.actual_minutes', 'training_session.status as session_status'])
    .where('session_attendance.session_id', '=', sessionId)
    .orderBy('person.designation_key')
    .execute();
  return rows.map((r) => {
    const minutes = r.minutes ?? r.actual_minutes;
    const loadMissing = loadMissingReason({ status: r.status, rpe: r.rpe, minutes }, r.session_status);
    return {
      person: { id: r.id, designation: r.designation, name: r.name, rank: r.rank },
      status: r.status,
      rpe: r.rpe,
      minutes: r.minutes,
      load: r.status === 'present' && r.rpe !== null && minutes !== null ? sessionLoad(r.rpe, minutes) : null,
      loadMissing,
    };
  });
}

/** A person's attendance at the sessions of a time range, newest first, each with its load or why it has none. */
export async function personAttendance(db: Db, personId: number, range: { start: string; end: string }): Promise<(Omit<AttendanceView, 'person'> & { session: SessionView })[]> {
  const rows = await sessionQuery(db)
    .innerJoin('session_attendance', 'session_attendance.session_id', 'training_session.id')
    .select(['session_attendance.status as attendance_status', 'session_attendance.rpe', 'session_attendance.minutes'])
    .where('session_attendance.person_id', '=', personId)
    .where('training_session.starts_at', '>=', range.start)
    .where('training_session.starts_at', '<', range.end)
    .orderBy('training_session.starts_at', 'desc')
    .limit(1000)
    .execute();
  return rows.map((r) => {
    const minutes = r.minutes ?? r.actual_minutes;
    return {
      session: toSessionView(r),
      status: r.attendance_status,
      rpe: r.rpe,
      minutes: r.minutes,
      load: r.attendance_status === 'present' && r.rpe !== null && minutes !== null ? sessionLoad(r.rpe, minutes) : null,
      loadMissing: loadMissingReason({ status: r.attendance_status, rpe: r.rpe, minutes }, r.status),
    };
  });
}

/** One person's attendance status at each of the given sessions where it is recorded. */
export async function attendanceOf(db: Db, personId: number, sessionIds: readonly number[]): Promise<Map<number, AttendanceStatus>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await db.selectFrom('session_attendance').select(['session_id', 'status']).where('person_id', '=', personId).where('session_id', 'in', sessionIds).execute();
  return new Map(rows.map((r) => [r.session_id, r.status]));
}

export interface AttendanceInput {
  status: AttendanceStatus;
  rpe: number | null;
  minutes: number | null;
}

export async function setAttendance(w: Writer, sessionId: number, personId: number, input: AttendanceInput): Promise<void> {
  if (input.status !== 'present' && input.rpe !== null) throw badRequest('rpe', `only someone present rates the session (status is ${input.status})`);
  const before = await w.db.selectFrom('session_attendance').select(['status', 'rpe', 'minutes']).where('session_id', '=', sessionId).where('person_id', '=', personId).executeTakeFirst();
  await w.db
    .insertInto('session_attendance')
    .values({ session_id: sessionId, person_id: personId, ...input })
    .onConflict((oc) => oc.columns(['session_id', 'person_id']).doUpdateSet(input))
    .execute();
  const carriesLoad = (a: { status: AttendanceStatus; rpe: number | null } | undefined) => a?.status === 'present' && a.rpe !== null;
  const session = await getSession(w.db, sessionId);
  if (session.status === 'held') {
    if (carriesLoad(before) || carriesLoad(input)) await refreshLoadRatios(w, [personId], sessionDay(session));
    const minutes = session.actual?.minutes ?? null;
    await applyTallyChanges(w, [
      ...(before ? [tallyChange(personId, sessionDay(session), attendanceTally(before, minutes), -1)] : []),
      tallyChange(personId, sessionDay(session), attendanceTally(input, minutes), 1),
    ]);
  }
  await w.record({ action: 'training.attendance', entity: 'training_session', entityId: sessionId, before: before && { personId, ...before }, after: { personId, ...input } });
}

/**
 * "All present": marks present everyone in `personIds` whose attendance at the session is not
 * recorded yet (a recorded absence or rating is left as it is), each through setAttendance.
 * Returns how many were marked.
 */
export async function markAllPresent(w: Writer, sessionId: number, personIds: readonly number[]): Promise<number> {
  if (personIds.length === 0) return 0;
  const recorded = new Set((await w.db.selectFrom('session_attendance').select('person_id').where('session_id', '=', sessionId).execute()).map((r) => r.person_id));
  const unmarked = personIds.filter((id) => !recorded.has(id));
  for (const personId of unmarked) await setAttendance(w, sessionId, personId, { status: 'present', rpe: null, minutes: null });
  return unmarked.length;
}

// ---- sets ----

export interface SetValues {
  reps: number | null;
  load: number | null;
  rpe: number | null;
  rir: number | null;
  durationS: number | null;
  distanceM: number | null;
}

export interface SetInput {
  sessionId: number;
  personId: number;
  exerciseId: number;
  setNumber: number;
  /** Normal unless said otherwise (a warm-up, drop or failure set). */
  kind?: SetKind;
  loadUnit: LoadUnit;
  target: SetValues;
  actual: SetValues;
  notes: string;
}

export type SetRow = Selectable<Database['training_set']>;
export type SetColumns = Omit<SetRow, 'id' | 'created_at' | 'updated_at' | 'self_reported'>;

function loadKg(amount: number | null, unit: LoadUnit, field: string): number | null {
  if (amount === null) return null;
  const kg = toKilograms(amount, unit);
  const problem = checkLoadKg(kg);
  if (problem) throw badRequest(field, problem);
  return kg;
}

function checkEffort(values: SetValues, field: string) {
  if (values.rpe !== null && values.rir !== null) throw badRequest(`${field}.rir`, 'give RPE or RIR, not both');
}

/** The stored columns of a set: loads in exact kilograms, with the unit they were typed in. */
export function setColumns(input: SetInput): SetColumns {
  checkEffort(input.target, 'target');
  checkEffort(input.actual, 'actual');
  const load = loadKg(input.actual.load, input.loadUnit, 'actual.load');
  const targetLoad = loadKg(input.target.load, input.loadUnit, 'target.load');
  return {
    session_id: input.sessionId,
    person_id: input.personId,
    exercise_id: input.exerciseId,
    set_number: input.setNumber,
    kind: input.kind ?? 'normal',
    target_reps: input.target.reps,
    target_load_kg: targetLoad,
    target_rpe: input.target.rpe,
    target_rir: input.target.rir,
    target_duration_s: input.target.durationS,
    target_distance_m: input.target.distanceM,
    reps: input.actual.reps,
    load_kg: load,
    load_unit: load === null && targetLoad === null ? null : input.loadUnit,
    rpe: input.actual.rpe,
    rir: input.actual.rir,
    duration_s: input.actual.durationS,
    distance_m: input.actual.distanceM,
    notes: input.notes,
  };
}

async function requireExercise(db: Db, id: number) {
  const row = await db.selectFrom('exercise').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw badRequest('exerciseId', `exercise ${id} is not in the catalogue`);
}

/** Who wrote a batch of rows: the audit event of every write path says so (docs/architecture.md, "Writes"). */
export type RowSource = 'form' | 'import' | 'demo';

/** A set's stored columns in the order of `setInsertColumns`, for the prepared and JSON inserts. */
const setInsertColumns: [name: keyof SetColumns | 'self_reported' | 'created_at' | 'updated_at', pgType: string][] = [
  ['session_id', 'integer'],
  ['person_id', 'integer'],
  ['exercise_id', 'integer'],
  ['set_number', 'integer'],
  ['kind', 'text'],
  ['target_reps', 'integer'],
  ['target_load_kg', 'double precision'],
  ['target_rpe', 'double precision'],
  ['target_rir', 'integer'],
  ['target_duration_s', 'double precision'],
  ['target_distance_m', 'double precision'],
  ['reps', 'integer'],
  ['load_kg', 'double precision'],
  ['load_unit', 'text'],
  ['rpe', 'double precision'],
  ['rir', 'integer'],
  ['duration_s', 'double precision'],
  ['distance_m', 'double precision'],
  ['notes', 'text'],
  ['self_reported', 'integer'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];
const setInsertNames = setInsertColumns.map(([name]) => name).join(', ');
const setConflict = 'on conflict (person_id, session_id, exercise_id, set_number) do nothing';

/** The SQLite statements of the set write path, prepared once per connection. */
const preparedSets = new WeakMap<SQLite.Database, { keep: SQLite.Statement; refuse: SQLite.Statement; present: SQLite.Statement }>();
function setStatements(connection: SQLite.Database) {
  let statements = preparedSets.get(connection);
  if (!statements) {
    const insert = `insert into training_set (${setInsertNames}) values (${setInsertColumns.map(() => '?').join(', ')})`;
    statements = {
      keep: connection.prepare(`${insert} ${setConflict}`),
      refuse: connection.prepare(insert),
      present: connection.prepare("insert into session_attendance (session_id, person_id, status, rpe, minutes) values (?, ?, 'present', null, null) on conflict do nothing"),
    };
    preparedSets.set(connection, statements);
  }
  return statements;
}

export interface WriteSetsOptions {
  source: RowSource;
  /** Logged by the participant themselves (kept as logged when staff later change the values). */
  selfReported: boolean;
  /** A set already stored (same person, session, exercise, set number): refused with a conflict, or kept as stored and skipped (imports). */
  duplicates: 'refuse' | 'keep';
  /**
   * Given, what the batch changes in the state kept on write is gathered in it for the caller to
   * apply once after many batches (an import); else it is applied before writeSets returns.
   */
  effects?: SetWriteEffects;
}

/**
 * Tally changes held before they are applied: enough that an import's batches share their reads
 * and writes of the same people's days, few enough that its memory stays flat (held to its end,
 * a million-row import's 200,000 changes grew its peak memory past 300 MB in some runs).
 */
const HELD_TALLIES = 20_000;

/**
 * What sets written change in the state kept on write: the attendance tallies of the people
 * they mark present at held sessions, and the lift bests; gathered over one batch or many and
 * applied by `apply`, so that an import's batches do not each read and write the same people's
 * rows again.
 */
export class SetWriteEffects {
  private tallies: TallyChange[] = [];
  /** Held sessions' local days, null for a session not held: read once however many batches meet them (a write's sessions keep their state until it commits). */
  private readonly sessionDays = new Map<number, { date: string } | null>();
  readonly liftBests: LiftBestKeeper;

  constructor(private readonly w: Writer) {
    this.liftBests = new LiftBestKeeper(w);
  }

  /** People newly marked present (pairs of session and person): each counts in their day's tally if the session was held. */
  async markedPresent(marked: readonly (readonly [number, number])[]): Promise<void> {
    const unknown = [...new Set(marked.map(([sessionId]) => sessionId))].filter((id) => !this.sessionDays.has(id));
    if (unknown.length > 0) {
      const held = await heldSessionDays(this.w.db, unknown);
      for (const id of unknown) this.sessionDays.set(id, held.get(id) ?? null);
    }
    const present = attendanceTally({ status: 'present', rpe: null, minutes: null }, null);
    for (const [sessionId, personId] of marked) {
      const day = this.sessionDays.get(sessionId);
      if (day) this.tallies.push(tallyChange(personId, day.date, present, 1));
    }
    if (this.tallies.length >= HELD_TALLIES) await this.applyTallies();
  }

  async apply(): Promise<void> {
    await this.applyTallies();
    await this.liftBests.flush();
  }

  private async applyTallies(): Promise<void> {
    await applyTallyChanges(this.w, this.tallies);
    this.tallies = [];
  }
}

/**
 * The one write path of sets, from a form (a batch of one), an import or the demo: marks each
 * person present at the session unless their attendance says otherwise, inserts the sets, and
 * records one `training.set.create` event naming the new sets' ids. On SQLite through statements
 * prepared once on the transaction's connection, on PostgreSQL as one INSERT of a JSON array, so
 * an import of a million sets runs close to a plain prepared INSERT (docs/training.md, "Importing sets").
 * Returns the ids of the sets added, in the batch's order (a kept duplicate adds none).
 */
export async function writeSets(w: Writer, sets: readonly SetColumns[], options: WriteSetsOptions): Promise<number[]> {
  if (sets.length === 0) return [];
  const at = w.now.toISOString();
  const selfReported = options.selfReported ? 1 : 0;
  // A person's sets of a session are usually consecutive: each pair is marked present once.
  const present: [number, number][] = [];
  for (const s of sets) {
    const last = present[present.length - 1];
    if (last?.[0] !== s.session_id || last[1] !== s.person_id) present.push([s.session_id, s.person_id]);
  }
  const values = (s: SetColumns) => [s.session_id, s.person_id, s.exercise_id, s.set_number, s.kind, s.target_reps, s.target_load_kg, s.target_rpe, s.target_rir, s.target_duration_s, s.target_distance_m, s.reps, s.load_kg, s.load_unit, s.rpe, s.rir, s.duration_s, s.distance_m, s.notes, selfReported, at, at];
  const effects = options.effects ?? new SetWriteEffects(w);
  // The sets that went in and their ids, in step (a stored one kept is not among them): their lift bests follow.
  const added: NewSet[] = [];
  const ids: number[] = [];
  // The attendance this batch marked present: it joins its people's tallies if the session was held.
  const marked: [number, number][] = [];
  try {
    const connection = sqliteConnectionOf(w.db);
    if (connection) {
      const statements = setStatements(connection);
      for (const [sessionId, personId] of present) if (statements.present.run(sessionId, personId).changes > 0) marked.push([sessionId, personId]);
      const insert = options.duplicates === 'keep' ? statements.keep : statements.refuse;
      for (const s of sets) {
        // Spread: better-sqlite3 binds separate arguments about a tenth faster than one array.
        const result = insert.run(...values(s));
        // The row itself, not a copy of its columns: an import does this a million times.
        if (result.changes > 0) {
          added.push(s);
          ids.push(Number(result.lastInsertRowid));
        }
      }
    } else {
      // As the sets below, a JSON array: a demo's or an import's pairs would pass PostgreSQL's 65,535 parameters as rows.
      const inserted = await sql<{ session_id: number; person_id: number }>`insert into session_attendance (session_id, person_id, status, rpe, minutes) select (r->>0)::integer, (r->>1)::integer, 'present', null, null from json_array_elements(${JSON.stringify(present)}::json) as e(r) on conflict do nothing returning session_id, person_id`.execute(w.db);
      for (const r of inserted.rows) marked.push([r.session_id, r.person_id]);
      // One short statement whose only parameter is the JSON array of rows: the same text for every batch, one round trip.
      const json = JSON.stringify(sets.map(values));
      const select = setInsertColumns.map(([, type], i) => `(r->>${i})::${type}`).join(', ');
      const result = await sql<NewSet & { id: number }>`insert into training_set (${sql.raw(setInsertNames)}) select ${sql.raw(select)} from json_array_elements(${json}::json) with ordinality as e(r, n) order by n ${sql.raw(options.duplicates === 'keep' ? setConflict : '')} returning id, session_id, person_id, exercise_id, reps, load_kg, kind`.execute(w.db);
      // One push a row: spreading a million rows as arguments overflows the stack (the demo's sets on PostgreSQL).
      for (const r of result.rows) {
        added.push(r);
        ids.push(r.id);
      }
    }
  } catch (e) {
    if (isUniqueViolation(e)) {
      const s = sets.length === 1 ? sets[0] : undefined;
      throw conflict(s ? `set ${s.set_number} of exercise ${s.exercise_id} is already recorded for person ${s.person_id} in session ${s.session_id}; change it instead` : 'a set in the batch is already recorded; change it instead', 'setNumber');
    }
    throw e;
  }
  await effects.markedPresent(marked);
  await effects.liftBests.add(added, ids);
  if (!options.effects) await effects.apply();
  if (ids.length > 0) await w.record({ action: 'training.set.create', entity: 'training_set', entityId: ids[0], after: { source: options.source, ids, self_reported: options.selfReported } });
  return ids;
}

/** Adds a set from a form: a batch of one on the sets' write path. `selfReported` when the participant logs it themselves. */
export async function addSet(w: Writer, input: SetInput, selfReported: boolean): Promise<number> {
  await requireExercise(w.db, input.exerciseId);
  const [id] = await writeSets(w, [setColumns(input)], { source: 'form', selfReported, duplicates: 'refuse' });
  return id;
}

export async function getSetRow(db: Db, id: number): Promise<SetRow> {
  const row = await db.selectFrom('training_set').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`training set ${id}`);
  return row;
}

/** Replaces a set's values; 1RM estimates are computed on read, and the lift bests of its pairs before and after are computed again. */
export async function replaceSet(w: Writer, id: number, input: SetInput): Promise<void> {
  const before = await getSetRow(w.db, id);
  await requireExercise(w.db, input.exerciseId);
  const columns = setColumns(input);
  try {
    await w.db.updateTable('training_set').set({ ...columns, updated_at: w.now.toISOString() }).where('id', '=', id).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`set ${input.setNumber} of exercise ${input.exerciseId} is already recorded for this person in this session`, 'setNumber');
    throw e;
  }
  await refreshLiftBests(w, liftPairsOf([before, columns]));
  await w.record({ action: 'training.set.update', entity: 'training_set', entityId: id, before, after: columns });
}

export async function deleteSet(w: Writer, id: number, reason?: string): Promise<void> {
  const before = await getSetRow(w.db, id);
  await w.db.deleteFrom('training_set').where('id', '=', id).execute();
  await refreshLiftBests(w, liftPairsOf([before]));
  await w.record({ action: 'training.set.delete', entity: 'training_set', entityId: id, before, reason });
}

/** A load as a viewer sees it: in their unit, with the stored kilograms and the unit it was typed in. */
export interface LoadView {
  value: number;
  unit: LoadUnit;
  kg: number;
  enteredUnit: LoadUnit;
}

const loadView = (kg: number | null, entered: LoadUnit | null, unit: LoadUnit): LoadView | null =>
  kg === null ? null : { value: fromKilograms(kg, unit, entered), unit, kg, enteredUnit: entered ?? 'kg' };

export interface SetView {
  id: number;
  sessionId: number;
  personId: number;
  exercise: { id: number; name: string };
  setNumber: number;
  kind: SetKind;
  at: LocalInstant;
  target: { reps: number | null; load: LoadView | null; rpe: number | null; rir: number | null; durationS: number | null; distanceM: number | null };
  actual: { reps: number | null; load: LoadView | null; rpe: number | null; rir: number | null; durationS: number | null; distanceM: number | null };
  /** Estimated one-repetition maximum of the actual set, in the viewer's unit (reps 1-12 only). */
  estimated1rm: { epley: number; brzycki: number; unit: LoadUnit } | null;
  notes: string;
  /** Logged by the participant themselves rather than by staff. */
  selfReported: boolean;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function estimate(kg: number | null, reps: number | null, unit: LoadUnit) {
  if (kg === null || reps === null || kg === 0) return null;
  const e = epley(kg, reps);
  const b = brzycki(kg, reps);
  if (e === null || b === null) return null;
  return { epley: round1(fromKilograms(e, unit)), brzycki: round1(fromKilograms(b, unit)), unit };
}

function setsQuery(db: Db) {
  return db
    .selectFrom('training_set')
    .innerJoin('training_session', 'training_session.id', 'training_set.session_id')
    .innerJoin('unit', 'unit.id', 'training_session.unit_id')
    .innerJoin('exercise', 'exercise.id', 'training_set.exercise_id')
    .selectAll('training_set')
    .select(['training_session.starts_at', 'unit.time_zone', 'exercise.name as exercise_name']);
}

type SetQueryRow = SetRow & { starts_at: string; time_zone: string; exercise_name: string };

function toSetView(r: SetQueryRow, unit: LoadUnit): SetView {
  return {
    id: r.id,
    sessionId: r.session_id,
    personId: r.person_id,
    exercise: { id: r.exercise_id, name: r.exercise_name },
    setNumber: r.set_number,
    kind: r.kind,
    at: localInstant(r.starts_at, r.time_zone),
    target: { reps: r.target_reps, load: loadView(r.target_load_kg, r.load_unit, unit), rpe: r.target_rpe, rir: r.target_rir, durationS: r.target_duration_s, distanceM: r.target_distance_m },
    actual: { reps: r.reps, load: loadView(r.load_kg, r.load_unit, unit), rpe: r.rpe, rir: r.rir, durationS: r.duration_s, distanceM: r.distance_m },
    estimated1rm: estimate(r.load_kg, r.reps, unit),
    notes: r.notes,
    selfReported: r.self_reported === 1,
  };
}

export async function getSet(db: Db, id: number, unit: LoadUnit): Promise<SetView> {
  const row = await setsQuery(db).where('training_set.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`training set ${id}`);
  return toSetView(row, unit);
}

export async function listSets(db: Db, filter: { personId?: number; sessionId?: number; from?: string; to?: string }, unit: LoadUnit): Promise<SetView[]> {
  let q = setsQuery(db).orderBy('training_session.starts_at').orderBy('exercise.name_key').orderBy('training_set.set_number').orderBy('training_set.person_id');
  if (filter.personId !== undefined) q = q.where('training_set.person_id', '=', filter.personId);
  if (filter.sessionId !== undefined) q = q.where('training_set.session_id', '=', filter.sessionId);
  if (filter.from) q = q.where('training_session.starts_at', '>=', filter.from);
  if (filter.to) q = q.where('training_session.starts_at', '<', filter.to);
  return (await q.limit(10_000).execute()).map((r) => toSetView(r, unit));
}

export interface ExerciseBest {
  exercise: { id: number; name: string };
  /** The heaviest load lifted for at least one rep. */
  heaviest: { load: LoadView; reps: number; setId: number; date: string };
  /** The best Epley estimate over sets of 1-12 reps, with its Brzycki estimate beside it. */
  bestEstimated1rm: { epley: number; brzycki: number; unit: LoadUnit; setId: number; date: string } | null;
  mostReps: { reps: number; setId: number; date: string };
}

/**
 * Personal bests per exercise, computed from the sets as they are now: a changed or deleted set
 * changes them at once. Warm-up sets count only when `includeWarmups` (the API's ?warmups=include).
 */
export async function personalBests(db: Db, personId: number, unit: LoadUnit, includeWarmups = false): Promise<ExerciseBest[]> {
  let q = setsQuery(db).where('training_set.person_id', '=', personId).where('training_set.reps', '>=', 1);
  if (!includeWarmups) q = q.where('training_set.kind', '!=', 'warmup');
  const rows = await q.orderBy('training_session.starts_at').orderBy('training_set.id').execute();
  const best = new Map<number, ExerciseBest & { e1rmKg: number }>();
  for (const r of rows) {
    const reps = r.reps!;
    const date = localDateOf(r.starts_at, r.time_zone);
    const kg = r.load_kg ?? 0;
    const e = epley(kg, reps);
    const current = best.get(r.exercise_id);
    const candidateE1rm = e !== null && kg > 0 ? { epley: round1(fromKilograms(e, unit)), brzycki: round1(fromKilograms(brzycki(kg, reps)!, unit)), unit, setId: r.id, date } : null;
    if (!current) {
      best.set(r.exercise_id, {
        exercise: { id: r.exercise_id, name: r.exercise_name },
        heaviest: { load: loadView(kg, r.load_unit, unit)!, reps, setId: r.id, date },
        bestEstimated1rm: candidateE1rm,
        mostReps: { reps, setId: r.id, date },
        e1rmKg: candidateE1rm ? e! : 0,
      });
      continue;
    }
    if (kg > current.heaviest.load.kg) current.heaviest = { load: loadView(kg, r.load_unit, unit)!, reps, setId: r.id, date };
    if (candidateE1rm && e! > current.e1rmKg) Object.assign(current, { bestEstimated1rm: candidateE1rm, e1rmKg: e! });
    if (reps > current.mostReps.reps) current.mostReps = { reps, setId: r.id, date };
  }
  return [...best.values()].map(({ e1rmKg: _e, ...b }) => b).sort((a, b) => a.exercise.name.localeCompare(b.exercise.name));
}

// ---- load ----


/**
 * Why some of a participant's sessions carry no load: how many lacked a session RPE and how many
 * their minutes. Null when every session's load was computed.
 */
export function weekLoadMissing(unrated: number, untimed: number): string | null {
  const parts = [unrated && `${unrated} session${unrated === 1 ? '' : 's'} without a session RPE`, untimed && `${untimed} session${untimed === 1 ? '' : 's'} without minutes`].filter(Boolean);
  return parts.length ? parts.join('; ') : null;
}

/**
 * The dashboard's query: each participant now in one of `unitIds` (a unit and those below) with
 * their session-RPE load from the sessions held between two instants by those units and the
 * units above them. It reads only the week's sessions of those units (index on unit and start).
 * A load is null, never 0, when they attended sessions whose loads could not be computed and no
 * other; `loadMissing` says why (docs/training.md, "Missing loads").
 */
export async function unitLoad(db: Db, unitIds: readonly number[], from: string, to: string) {
  if (unitIds.length === 0) return [];
  const sessionUnits = [...new Set([...unitIds, ...(await unitsAbove(db, unitIds))])];
  const [people, loads] = await Promise.all([
    participantsOf(db, unitIds),
    db
      .selectFrom('training_session')
      .innerJoin('session_attendance', 'session_attendance.session_id', 'training_session.id')
      .select((e) => {
        const minutes = e.fn.coalesce('session_attendance.minutes', 'training_session.actual_minutes');
        return [
          'session_attendance.person_id',
          e.fn.sum<number | null>(e(e.ref('session_attendance.rpe'), '*', minutes)).as('load'),
          e.fn.countAll<number>().as('sessions'),
          e.fn.sum<number>(e.case().when('session_attendance.rpe', 'is', null).then(1).else(0).end()).as('unrated'),
          e.fn.sum<number>(e.case().when(minutes, 'is', null).then(1).else(0).end()).as('untimed'),
        ];
      })
      .where('training_session.unit_id', 'in', sessionUnits)
      .where('training_session.starts_at', '>=', from)
      .where('training_session.starts_at', '<', to)
      .where('training_session.status', '=', 'held')
      .where('session_attendance.status', '=', 'present')
      .groupBy('session_attendance.person_id')
      .execute(),
  ]);
  const byPerson = new Map(loads.map((l) => [l.person_id, l]));
  return people.map((r) => {
    const l = byPerson.get(r.id);
    const sessions = Number(l?.sessions ?? 0);
    return {
      person: { id: r.id, designation: r.designation, name: r.name, rank: r.rank },
      unitId: r.unit_id,
      load: l?.load == null ? (sessions > 0 ? null : 0) : Number(l.load),
      sessions,
      loadMissing: weekLoadMissing(Number(l?.unrated ?? 0), Number(l?.untimed ?? 0)),
    };
  });
}
