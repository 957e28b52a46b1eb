import { sql, type Kysely } from 'kysely';
import { countedMembers, countedUnitsOf } from '../roster/index.ts';
import type { Db } from '../store/db.ts';
import { addToTally } from '../store/tally.ts';
import type { Writer } from '../store/write.ts';

/**
 * Each unit's wellness reports and flagged reports of a day, counted over the participants now in
 * it (its own members) and kept in the transaction of every write that changes them (docs/adr/0008):
 * a report written, a flag its baseline's change turned, a roster move. The dashboard reads a row a
 * unit instead of the day's 10,000 reports. Rows that fall to zero are deleted (both counts: within a write, a flag may be counted before its report).
 */
export interface WellnessTallyTables {
  wellness_unit_day: { unit_id: number; local_date: string; reported: number; flagged: number };
}

/** A change to one person's count of one day: a report added (reported 1), a flag set (1) or cleared (-1). */
export interface ReportCountChange {
  personId: number;
  date: string;
  reported: number;
  flagged: number;
}

type UnitDay = WellnessTallyTables['wellness_unit_day'];

/** Adds to units' day counts; those that fall to zero are deleted. */
async function addToUnitDays(db: Db, days: readonly UnitDay[]): Promise<void> {
  await addToTally(db, 'wellness_unit_day', { key: ['unit_id', 'local_date'] }, days);
}

/** Applies changes to people's counts to the units they count for now. */
export async function countReportChanges(w: Writer, changes: readonly ReportCountChange[]): Promise<void> {
  const relevant = changes.filter((c) => c.reported !== 0 || c.flagged !== 0);
  if (relevant.length === 0) return;
  const units = await countedUnitsOf(w.db, relevant.map((c) => c.personId));
  const days = new Map<string, UnitDay>();
  for (const c of relevant) {
    const unitId = units.get(c.personId);
    if (unitId === undefined) continue;
    const key = `${unitId}|${c.date}`;
    const day = days.get(key) ?? { unit_id: unitId, local_date: c.date, reported: 0, flagged: 0 };
    day.reported += c.reported;
    day.flagged += c.flagged;
    days.set(key, day);
  }
  await addToUnitDays(w.db, [...days.values()]);
}

/** A person now counts for another unit (null: none): their reports leave the old unit's counts and join the new one's. */
export async function moveReportCounts(w: Writer, personId: number, from: number | null, to: number | null): Promise<void> {
  if (from === to) return;
  const reports = await w.db.selectFrom('wellness_report').select(['local_date', 'flagged']).where('person_id', '=', personId).execute();
  for (const [unitId, sign] of [[from, -1], [to, 1]] as const) {
    if (unitId !== null) await addToUnitDays(w.db, reports.map((r) => ({ unit_id: unitId, local_date: r.local_date, reported: sign, flagged: sign * r.flagged })));
  }
}

/** Rebuilds the counts from the reports and the roster (the capability's `rebuildDerived`): one grouping statement. */
export async function rebuildReportCounts(w: Writer): Promise<void> {
  await w.db.deleteFrom('wellness_unit_day').execute();
  await sql`
    insert into wellness_unit_day (unit_id, local_date, reported, flagged)
    select m.unit_id, r.local_date, count(*), sum(r.flagged)
    from wellness_report r join (${countedMembers(w.db)}) m on m.person_id = r.person_id
    group by m.unit_id, r.local_date`.execute(w.db as unknown as Kysely<unknown>);
}
