import { sql, type Kysely } from 'kysely';
import { addDays, localDateOf, weekStart } from '../shared/time.ts';
import { dialectOf, type Db } from '../store/db.ts';
import { addToTally } from '../store/tally.ts';
import type { Writer } from '../store/write.ts';
import { countedMembers, countedUnitsOf } from '../roster/index.ts';
import type { AttendanceStatus } from './model.ts';

/**
 * The cohort's attendance and weekly load, kept as tallies in the transaction of every write that
 * changes them (docs/adr/0008), so the dashboard reads a row a unit and day, not the attendance.
 *
 * - `attendance_person_day`: each person's records, those present and their session-RPE load at the
 *   held sessions of one local day (the session unit's zone, as the load ratio dates a session).
 * - `attendance_unit_day`: the same summed over the participants now in a unit (its own members).
 * - `training_unit_week`: a unit's own members' load in an ISO week and how many were present at a
 *   session or more (`trained`: distinct people, so it is kept from each person's week, not summed by day).
 *
 * A person's numbers count for the unit they are in now: a roster move carries their tallies from
 * the old unit to the new (`moveAttendanceTallies`, told by the roster). Rows that fall to zero are deleted.
 */
export interface AttendanceTallyTables {
  attendance_person_day: { person_id: number; local_date: string; week_start: string; recorded: number; present: number; load: number };
  attendance_unit_day: { unit_id: number; local_date: string; recorded: number; present: number };
  training_unit_week: { unit_id: number; week_start: string; load: number; trained: number };
}

/** What one attendance record adds to its person's day. */
export interface DayTally {
  recorded: number;
  present: number;
  load: number;
}

/** A change to one person's tally of one day. */
export interface TallyChange extends DayTally {
  personId: number;
  date: string;
}

/** One attendance at a held session: a record, present or not, and the session-RPE load (RPE × the person's minutes, else the session's) when both are known. */
export function attendanceTally(a: { status: AttendanceStatus; rpe: number | null; minutes: number | null }, sessionMinutes: number | null): DayTally {
  const present = a.status === 'present';
  const minutes = a.minutes ?? sessionMinutes;
  return { recorded: 1, present: present ? 1 : 0, load: present && a.rpe !== null && minutes !== null ? a.rpe * minutes : 0 };
}

/** `sign` × a tally, dated. */
export const tallyChange = (personId: number, date: string, tally: DayTally, sign: 1 | -1): TallyChange => ({
  personId,
  date,
  recorded: sign * tally.recorded,
  present: sign * tally.present,
  load: sign * tally.load,
});

const CHUNK = 500;
function* chunks<T>(items: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

const key = (...parts: (string | number)[]) => parts.join('|');

/**
 * Applies changes to people's day tallies and to their units' day and week tallies: a fixed
 * number of statements a batch of 500 changes, whatever the write (one record, a session's
 * attendees, an import). A unit's `trained` moves when a person's presence in a week goes from
 * none to some, or back.
 */
export async function applyTallyChanges(w: Writer, changes: readonly TallyChange[]): Promise<void> {
  const merged = new Map<string, TallyChange>();
  for (const c of changes) {
    const k = key(c.personId, c.date);
    const m = merged.get(k);
    if (m) Object.assign(m, { recorded: m.recorded + c.recorded, present: m.present + c.present, load: m.load + c.load });
    else merged.set(k, { ...c });
  }
  const all = [...merged.values()].filter((c) => c.recorded !== 0 || c.present !== 0 || c.load !== 0);
  for (const batch of chunks(all)) await applyBatch(w.db, batch);
}

async function applyBatch(db: Db, changes: readonly TallyChange[]): Promise<void> {
  // Each date's week once: an import's batch has hundreds of changes on a few days.
  const weekOf = new Map<string, string>();
  const weekStartOf = (date: string) => weekOf.get(date) ?? weekOf.set(date, weekStart(date)).get(date)!;
  const people = [...new Set(changes.map((c) => c.personId))];
  const weeks = [...new Set(changes.map((c) => weekStartOf(c.date)))].sort();
  const presentBefore = new Map<string, number>();
  const rows = await db
    .selectFrom('attendance_person_day')
    .select((e) => ['person_id', 'week_start', e.fn.sum<number>('present').as('present')])
    .where('person_id', 'in', people)
    // The weeks' days as a range of the key (person, day) too: else each person's whole history is read.
    .where('local_date', '>=', weeks[0])
    .where('local_date', '<=', addDays(weeks[weeks.length - 1], 6))
    .where('week_start', 'in', weeks)
    .groupBy(['person_id', 'week_start'])
    .execute();
  for (const r of rows) presentBefore.set(key(r.person_id, r.week_start), Number(r.present));
  await addToTally(
    db,
    'attendance_person_day',
    { key: ['person_id', 'local_date'], fixed: ['week_start'] },
    changes.map((c) => ({ person_id: c.personId, local_date: c.date, week_start: weekStartOf(c.date), recorded: c.recorded, present: c.present, load: c.load })),
  );

  const units = await countedUnitsOf(db, people);
  const unitDays = new Map<string, { unit_id: number; local_date: string; recorded: number; present: number }>();
  const unitWeeks = new Map<string, { unit_id: number; week_start: string; load: number; trained: number }>();
  const presentChange = new Map<string, number>();
  for (const c of changes) {
    const unitId = units.get(c.personId);
    if (unitId === undefined) continue;
    const day = unitDays.get(key(unitId, c.date)) ?? { unit_id: unitId, local_date: c.date, recorded: 0, present: 0 };
    day.recorded += c.recorded;
    day.present += c.present;
    unitDays.set(key(unitId, c.date), day);
    const week = unitWeeks.get(key(unitId, weekStartOf(c.date))) ?? { unit_id: unitId, week_start: weekStartOf(c.date), load: 0, trained: 0 };
    week.load += c.load;
    unitWeeks.set(key(unitId, week.week_start), week);
    const personWeek = key(c.personId, week.week_start);
    presentChange.set(personWeek, (presentChange.get(personWeek) ?? 0) + c.present);
  }
  for (const [personWeek, change] of presentChange) {
    const [personId, week] = personWeek.split('|');
    const before = presentBefore.get(personWeek) ?? 0;
    const trained = Number(before + change > 0) - Number(before > 0);
    if (trained !== 0) unitWeeks.get(key(units.get(Number(personId))!, week))!.trained += trained;
  }
  await addToUnitTallies(db, [...unitDays.values()], [...unitWeeks.values()]);
}

/** Adds to units' day and week tallies; those that fall to zero are deleted. */
async function addToUnitTallies(db: Db, days: readonly AttendanceTallyTables['attendance_unit_day'][], weeks: readonly AttendanceTallyTables['training_unit_week'][]): Promise<void> {
  await addToTally(db, 'attendance_unit_day', { key: ['unit_id', 'local_date'] }, days);
  await addToTally(db, 'training_unit_week', { key: ['unit_id', 'week_start'] }, weeks);
}

/**
 * A person now counts for another unit (a move, a participant role gained or lost; null: none):
 * their day and week tallies leave the old unit's and join the new one's, a statement or two each.
 */
export async function moveAttendanceTallies(w: Writer, personId: number, from: number | null, to: number | null): Promise<void> {
  if (from === to) return;
  const days = await w.db.selectFrom('attendance_person_day').select(['local_date', 'week_start', 'recorded', 'present', 'load']).where('person_id', '=', personId).execute();
  if (days.length === 0) return;
  const weeks = new Map<string, { load: number; present: number }>();
  for (const d of days) {
    const week = weeks.get(d.week_start) ?? { load: 0, present: 0 };
    week.load += d.load;
    week.present += d.present;
    weeks.set(d.week_start, week);
  }
  for (const [unitId, sign] of [[from, -1], [to, 1]] as const) {
    if (unitId === null) continue;
    await addToUnitTallies(
      w.db,
      days.map((d) => ({ unit_id: unitId, local_date: d.local_date, recorded: sign * d.recorded, present: sign * d.present })),
      [...weeks].map(([week_start, week]) => ({ unit_id: unitId, week_start, load: sign * week.load, trained: sign * Number(week.present > 0) })),
    );
  }
}

/** The local day (its unit's zone) and minutes of each held session among `sessionIds`. */
export async function heldSessionDays(db: Db, sessionIds: readonly number[]): Promise<Map<number, { date: string; minutes: number | null }>> {
  const days = new Map<number, { date: string; minutes: number | null }>();
  for (const chunk of chunks([...new Set(sessionIds)], 1000)) {
    const rows = await db
      .selectFrom('training_session')
      .innerJoin('unit', 'unit.id', 'training_session.unit_id')
      .select(['training_session.id', 'training_session.starts_at', 'training_session.actual_minutes', 'unit.time_zone'])
      .where('training_session.id', 'in', chunk)
      .where('training_session.status', '=', 'held')
      .execute();
    for (const r of rows) days.set(r.id, { date: localDateOf(r.starts_at, r.time_zone), minutes: r.actual_minutes });
  }
  return days;
}

/**
 * Rebuilds the three tallies from the attendance, the sessions and the roster (the capability's
 * `rebuildDerived`): set-based, a few statements whatever the size. Sessions are dated in
 * JavaScript (SQLite knows no time zones), each distinct start and zone once, into a temporary
 * table the grouping joins.
 */
export async function rebuildAttendanceTallies(w: Writer): Promise<void> {
  const db = w.db;
  const sessions = await db
    .selectFrom('training_session')
    .innerJoin('unit', 'unit.id', 'training_session.unit_id')
    .select(['training_session.id', 'training_session.starts_at', 'unit.time_zone'])
    .where('training_session.status', '=', 'held')
    .execute();
  const dates = new Map<string, string>();
  const dateOf = (startsAt: string, zone: string) => {
    const k = `${zone} ${startsAt}`;
    let date = dates.get(k);
    if (date === undefined) dates.set(k, (date = localDateOf(startsAt, zone)));
    return date;
  };
  const raw = db as unknown as Kysely<unknown>;
  await sql`drop table if exists held_session_day`.execute(raw);
  await sql`create temporary table held_session_day (session_id integer primary key, local_date ${sql.raw(dialectOf(db) === 'postgres' ? 'date' : 'text')} not null, week_start ${sql.raw(dialectOf(db) === 'postgres' ? 'date' : 'text')} not null)`.execute(raw);
  for (const batch of chunks(sessions, 1000)) {
    const values = batch.map((s) => {
      const date = dateOf(s.starts_at, s.time_zone);
      return sql`(${s.id}, ${date}, ${weekStart(date)})`;
    });
    await sql`insert into held_session_day (session_id, local_date, week_start) values ${sql.join(values)}`.execute(raw);
  }
  await db.deleteFrom('attendance_person_day').execute();
  await db.deleteFrom('attendance_unit_day').execute();
  await db.deleteFrom('training_unit_week').execute();
  await sql`
    insert into attendance_person_day (person_id, local_date, week_start, recorded, present, load)
    select a.person_id, d.local_date, d.week_start, count(*),
      sum(case when a.status = 'present' then 1 else 0 end),
      coalesce(sum(case when a.status = 'present' then a.rpe * coalesce(a.minutes, s.actual_minutes) end), 0)
    from session_attendance a
    join held_session_day d on d.session_id = a.session_id
    join training_session s on s.id = a.session_id
    group by a.person_id, d.local_date, d.week_start`.execute(raw);
  await sql`drop table held_session_day`.execute(raw);
  const members = sql`(${countedMembers(db)})`;
  await sql`
    insert into attendance_unit_day (unit_id, local_date, recorded, present)
    select m.unit_id, p.local_date, sum(p.recorded), sum(p.present)
    from attendance_person_day p join ${members} m on m.person_id = p.person_id
    group by m.unit_id, p.local_date`.execute(raw);
  await sql`
    insert into training_unit_week (unit_id, week_start, load, trained)
    select m.unit_id, pw.week_start, sum(pw.load), sum(case when pw.present > 0 then 1 else 0 end)
    from (select person_id, week_start, sum(load) as load, sum(present) as present from attendance_person_day group by person_id, week_start) pw
    join ${members} m on m.person_id = pw.person_id
    group by m.unit_id, pw.week_start
    having sum(pw.load) <> 0 or sum(case when pw.present > 0 then 1 else 0 end) > 0`.execute(raw);
}
