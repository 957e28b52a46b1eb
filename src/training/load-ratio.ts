import { endianness } from 'node:os';
import { addDays, dayNumber, localDateOf } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import type { Writer } from '../store/write.ts';
import { ACWR_SD_FLOOR, BASELINE_DAYS, baselineOf, ownRangeFlag, type RangeFlag } from '../stats/own-range.ts';
import { continueLoadRatioState, dailyLoads, loadRatioState, ratiosThrough, sessionLoad, type DayLoad, type LoadRatioState } from './metrics.ts';
import type { TrainingTables } from './model.ts';

/**
 * Each person's loads and their stored load-ratio state (docs/adr/0006): the state is rewritten
 * inside the transaction of every write that changes a load, so reading a cohort's ratios is one
 * row a person rather than their history.
 */

/** Enough people per statement to keep a query's parameters well under SQLite's limit. */
const PEOPLE_PER_QUERY = 1000;

function* inChunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += PEOPLE_PER_QUERY) yield items.slice(i, i + PEOPLE_PER_QUERY);
}

/**
 * The session-RPE loads of the given people (present, rated, at held sessions, with minutes),
 * each dated in the zone of the session's unit, in date order; `from` (an instant) cuts earlier
 * sessions off. People without a load have no entry.
 */
export async function loadsOf(db: Db, personIds: readonly number[], from?: string): Promise<Map<number, DayLoad[]>> {
  const loads = new Map<number, DayLoad[]>();
  // Many people attend each session: date each session once.
  const sessionDates = new Map<string, string>();
  const dateOf = (startsAt: string, zone: string) => {
    const key = `${zone} ${startsAt}`;
    let date = sessionDates.get(key);
    if (date === undefined) sessionDates.set(key, (date = localDateOf(startsAt, zone)));
    return date;
  };
  for (const chunk of inChunks(personIds)) {
    let query = db
      .selectFrom('session_attendance')
      .innerJoin('training_session', 'training_session.id', 'session_attendance.session_id')
      .innerJoin('unit', 'unit.id', 'training_session.unit_id')
      .select(['session_attendance.person_id', 'training_session.starts_at', 'unit.time_zone', 'session_attendance.rpe', 'session_attendance.minutes', 'training_session.actual_minutes'])
      .where('session_attendance.person_id', 'in', chunk)
      .where('session_attendance.status', '=', 'present')
      .where('session_attendance.rpe', 'is not', null)
      .where('training_session.status', '=', 'held')
      .orderBy('training_session.starts_at');
    if (from !== undefined) query = query.where('training_session.starts_at', '>=', from);
    for (const r of await query.execute()) {
      const minutes = r.minutes ?? r.actual_minutes;
      if (minutes === null) continue;
      let own = loads.get(r.person_id);
      if (!own) loads.set(r.person_id, (own = []));
      own.push({ date: dateOf(r.starts_at, r.time_zone), load: sessionLoad(r.rpe!, minutes) });
    }
  }
  // In date order, not start order: a unit above a person's may keep another time zone, where a later start can fall on an earlier day.
  for (const own of loads.values()) own.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return loads;
}

/** One person's loads, as `loadsOf` gives them. */
export async function personLoads(db: Db, personId: number): Promise<DayLoad[]> {
  return (await loadsOf(db, [personId])).get(personId) ?? [];
}

type StateRow = TrainingTables['load_ratio_state'];

/** The columns of a stored state, for queries that join other tables too. */
export const stateColumns = [
  'load_ratio_state.person_id',
  'load_ratio_state.first_date',
  'load_ratio_state.last_date',
  'load_ratio_state.last_load',
  'load_ratio_state.acute_before',
  'load_ratio_state.chronic_before',
  'load_ratio_state.ratios_before',
] as const;

// Ratios are stored as the bytes of a Float64Array, which is in the platform's byte order.
if (endianness() !== 'LE') throw new Error('load-ratio states are stored little-endian; this platform is big-endian');

export function toState(r: Omit<StateRow, 'last_day' | 'flags_ahead'>): LoadRatioState {
  const bytes = r.ratios_before;
  // better-sqlite3 gives each blob its own buffer; pg may hand out a slice of a shared one, at any offset.
  const ratiosBefore = bytes.byteOffset % 8 === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8) : new Float64Array(new Uint8Array(bytes).buffer);
  return { firstDate: r.first_date, lastDate: r.last_date, lastLoad: r.last_load, acuteBefore: r.acute_before, chronicBefore: r.chronic_before, ratiosBefore };
}

function toRow(personId: number, s: LoadRatioState): StateRow {
  const ratios = Buffer.from(s.ratiosBefore.buffer, s.ratiosBefore.byteOffset, s.ratiosBefore.byteLength);
  return {
    person_id: personId,
    first_date: s.firstDate,
    last_date: s.lastDate,
    last_load: s.lastLoad,
    acute_before: s.acuteBefore,
    chronic_before: s.chronicBefore,
    ratios_before: ratios,
    last_day: dayNumber(s.lastDate),
    flags_ahead: Array.from({ length: FLAG_DAYS_AHEAD }, (_, k) => flagCode(loadRatioFlagFrom(s, addDays(s.lastDate, k))!)).join(''),
  };
}

/** The stored states of the given people; people without a load have none. */
export async function loadRatioStates(db: Db, personIds: readonly number[]): Promise<Map<number, LoadRatioState>> {
  const states = new Map<number, LoadRatioState>();
  for (const chunk of inChunks(personIds)) {
    for (const r of await db.selectFrom('load_ratio_state').select(stateColumns).where('person_id', 'in', chunk).execute()) states.set(r.person_id, toState(r));
  }
  return states;
}

/**
 * Brings the stored states of `personIds` up to date after their loads changed on the local day
 * `from` or later; the writer calls it inside its transaction. A change on or after a person's
 * last day with a load walks on from the stored state (the usual case: sessions are recorded in
 * date order); an earlier change, or the loss of the last day's load, rebuilds the person's state
 * from all their loads.
 */
export async function refreshLoadRatios(w: Writer, personIds: readonly number[], from: string): Promise<void> {
  const db = w.db;
  for (const chunk of inChunks([...new Set(personIds)])) {
    const stored = await loadRatioStates(db, chunk);
    const next = new Map<number, LoadRatioState | null>();
    const onward = chunk.filter((id) => {
      const state = stored.get(id);
      return state !== undefined && from >= state.lastDate;
    });
    if (onward.length > 0) {
      const earliest = onward.map((id) => stored.get(id)!.lastDate).reduce((a, b) => (a < b ? a : b));
      // A day's sessions start at most 14 hours either side of its UTC midnight.
      const later = await loadsOf(db, onward, `${addDays(earliest, -1)}T00:00:00.000Z`);
      for (const id of onward) {
        const before = stored.get(id)!;
        const own = (later.get(id) ?? []).filter((l) => l.date >= before.lastDate);
        if (own.length > 0) next.set(id, continueLoadRatioState(before, dailyLoads(own, before.lastDate, own[own.length - 1].date)));
      }
    }
    const rebuilt = chunk.filter((id) => !next.has(id));
    const all = await loadsOf(db, rebuilt);
    for (const id of rebuilt) next.set(id, loadRatioState(all.get(id) ?? []));
    await saveStates(db, next);
  }
}

/**
 * Rebuilds every person's stored state from all their loads (part of the capability's
 * `rebuildDerived`): after a bulk load that wrote attendance without keeping the states, and in
 * the tests that compare kept with rebuilt. Everyone with attendance or a state is rebuilt.
 */
export async function rebuildLoadRatios(w: Writer): Promise<void> {
  const attended = await w.db.selectFrom('session_attendance').select('person_id').distinct().execute();
  const stated = await w.db.selectFrom('load_ratio_state').select('person_id').execute();
  // No day comes before '': every state is rebuilt from all its loads rather than walked on.
  await refreshLoadRatios(w, [...attended, ...stated].map((r) => r.person_id), '');
}

/**
 * How many days from a person's last day with a load the stored flags run. Until their next load
 * their state is fixed, so so are these flags: a cohort counts them in SQL without reading the
 * states; a person last loaded longer ago than this is computed from the state.
 */
export const FLAG_DAYS_AHEAD = 63;

/** A stored flag, a character a day: no ratio that day, too little history, usual, flagged. */
export const flagCodes = { none: '-', 'too-little-history': 't', usual: 'u', flagged: 'f' } as const;
const flagCode = (flag: RangeFlag | null) => flagCodes[flag?.state ?? 'none'];

async function saveStates(db: Db, states: ReadonlyMap<number, LoadRatioState | null>): Promise<void> {
  const gone = [...states].filter(([, s]) => s === null).map(([id]) => id);
  if (gone.length > 0) await db.deleteFrom('load_ratio_state').where('person_id', 'in', gone).execute();
  const rows = [...states].flatMap(([id, s]) => (s ? [toRow(id, s)] : []));
  if (rows.length === 0) return;
  await db
    .insertInto('load_ratio_state')
    .values(rows)
    .onConflict((oc) =>
      oc.column('person_id').doUpdateSet((eb) => ({
        first_date: eb.ref('excluded.first_date'),
        last_date: eb.ref('excluded.last_date'),
        last_load: eb.ref('excluded.last_load'),
        acute_before: eb.ref('excluded.acute_before'),
        chronic_before: eb.ref('excluded.chronic_before'),
        ratios_before: eb.ref('excluded.ratios_before'),
        last_day: eb.ref('excluded.last_day'),
        flags_ahead: eb.ref('excluded.flags_ahead'),
      })),
    )
    .execute();
}

// ---- the load-ratio flag (docs/wellness.md, "Flags") ----

/**
 * The load-ratio flag from the EWMA ratios (7:28 days) of BASELINE_DAYS days and then the day
 * itself: that day's ratio against the person's own before it, by the wellness capability's
 * own-range rule; high is the bad side.
 */
function loadRatioFlag(ratios: Float64Array): RangeFlag | null {
  const today = ratios[ratios.length - 1];
  if (Number.isNaN(today)) return null;
  return ownRangeFlag(today, baselineOf(ratios.subarray(0, -1)), 'high', ACWR_SD_FLOOR);
}

/** The flag on `date` from a stored state; undefined for a day before the state's last day, which needs the loads. */
export function loadRatioFlagFrom(state: LoadRatioState, date: string): RangeFlag | null | undefined {
  if (date < state.firstDate) return null;
  if (date < state.lastDate) return undefined;
  return loadRatioFlag(ratiosThrough(state, date, BASELINE_DAYS + 1));
}

/**
 * A person's load-ratio flag on their local `date` from their stored state (docs/adr/0006); a day
 * before their last load (a look back) takes their loads up to that day instead.
 */
export async function loadRatioFlagOn(db: Db, personId: number, state: LoadRatioState | undefined, date: string): Promise<RangeFlag | null> {
  if (!state) return null;
  const flag = loadRatioFlagFrom(state, date);
  if (flag !== undefined) return flag;
  const asOf = loadRatioState((await personLoads(db, personId)).filter((l) => l.date <= date))!;
  return loadRatioFlag(ratiosThrough(asOf, date, BASELINE_DAYS + 1));
}

/** One person's load-ratio flag on their local `date`. */
export async function acwrFlag(db: Db, personId: number, date: string): Promise<RangeFlag | null> {
  return loadRatioFlagOn(db, personId, (await loadRatioStates(db, [personId])).get(personId), date);
}
