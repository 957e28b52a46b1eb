import type { Readable } from 'node:stream';
import type { Actor } from '../shared/actor.ts';
import { write, type Writer } from '../store/write.ts';
import { designationKey } from '../roster/index.ts';
import { ImportRejected } from '../shared/import-result.ts';
import { timeZonesOf } from '../roster/index.ts';
import { type ImportSummary } from '../shared/import-result.ts';
import { importInBatches } from '../shared/batch-import.ts';
import type { Clock } from '../shared/clock.ts';
import { csvLine, readCsv, type CsvRecord, type RowProblem } from '../shared/csv.ts';
import { exportDocument, keysetPages, type ExportFormat } from '../shared/export.ts';
import { dayNumber, localDateOf } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import type { ReadSink } from '../shared/reads.ts';
import { checkWellnessRow, wellnessColumns, wellnessComputedColumns, type WellnessImportRow } from './model.ts';
import { toReportView, writeReports } from './store.ts';

interface PlannedRow extends WellnessImportRow {
  personId?: number;
  action?: 'create' | 'update' | 'unchanged';
}

const sameReport = (row: WellnessImportRow, stored: { sleep_quality: number; fatigue: number; stress: number; soreness: number; hours_slept: number }) =>
  row.items.sleep_quality === stored.sleep_quality &&
  row.items.fatigue === stored.fatigue &&
  row.items.stress === stored.stress &&
  row.items.soreness === stored.soreness &&
  row.hoursSlept === stored.hours_slept;

/**
 * A person's day as one number, to find a day repeated anywhere in the file: the one thing an
 * import keeps per row (a few bytes), as a repeat cannot be told from a stored report otherwise.
 */
const dayKey = (personId: number, date: string) => personId * 100_000 + dayNumber(date);

/** Finds each row's person and stored report; refuses unknown people, future days and a day twice in the file. */
async function resolveRows(w: Writer, rows: PlannedRow[], lineOfDay: Map<number, number>): Promise<RowProblem[]> {
  const keys = [...new Set(rows.map((r) => designationKey(r.designation)))];
  const people = new Map((await w.db.selectFrom('person').select(['id', 'designation_key']).where('designation_key', 'in', keys).execute()).map((p) => [p.designation_key, p.id]));
  const zones = await timeZonesOf(w.db, [...people.values()]);
  const ids = [...people.values()];
  const stored = ids.length
    ? await w.db
        .selectFrom('wellness_report')
        .selectAll()
        .where('person_id', 'in', ids)
        .where('local_date', 'in', [...new Set(rows.map((r) => r.date))])
        .execute()
    : [];
  const storedOf = new Map(stored.map((s) => [`${s.person_id}|${s.local_date}`, s]));
  const problems: RowProblem[] = [];
  for (const row of rows) {
    const personId = people.get(designationKey(row.designation));
    if (personId === undefined) {
      problems.push({ line: row.line, column: 'designation', reason: `nobody on the roster is ${row.designation}` });
      continue;
    }
    const today = localDateOf(w.now, zones.get(personId)!);
    if (row.date > today) problems.push({ line: row.line, column: 'date', reason: `${row.date} is after today (${today} in ${zones.get(personId)})` });
    const existing = storedOf.get(`${personId}|${row.date}`);
    const key = dayKey(personId, row.date);
    const earlier = lineOfDay.get(key);
    if (earlier !== undefined) {
      problems.push({ line: row.line, column: 'date', reason: `${row.designation} already has a report for ${row.date} in this file (line ${earlier})` });
      continue;
    }
    lineOfDay.set(key, row.line);
    row.personId = personId;
    row.action = !existing ? 'create' : sameReport(row, existing) ? 'unchanged' : 'update';
  }
  return problems;
}

/**
 * Imports reports for any past or present day: new days are created, changed ones replaced,
 * identical ones left alone, so importing the same file twice adds nothing. Streams the file
 * and writes in batches inside one transaction; any bad row and nothing is kept. Each written
 * batch is one audit event carrying the rows (and the values they replaced).
 */
export async function runWellnessImport(db: Db, actor: Actor, source: string | Buffer | Readable, clock?: Clock): Promise<ImportSummary> {
  return write(
    db,
    actor,
    async (w) => {
      const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0 };
      const lineOfDay = new Map<number, number>();
      const problems = await importInBatches<CsvRecord, PlannedRow>((badRows) => readCsv(source, { required: wellnessColumns, optional: wellnessComputedColumns }, badRows), {
        check: ({ values, line }) => checkWellnessRow(values, line),
        resolve: (rows) => resolveRows(w, rows, lineOfDay),
        async write(rows) {
          const changed = rows.filter((r) => r.action !== 'unchanged');
          summary.unchanged += rows.length - changed.length;
          const written = await writeReports(
            w,
            changed.map((r) => ({ personId: r.personId!, date: r.date, input: { sleepQuality: r.items.sleep_quality, fatigue: r.items.fatigue, stress: r.items.stress, soreness: r.items.soreness, hoursSlept: r.hoursSlept } })),
            'import',
          );
          for (const { created } of written) summary[created ? 'created' : 'updated'] += 1;
        },
      });
      if (problems.length) throw new ImportRejected(problems);
      if (summary.created + summary.updated > 0) await w.record({ action: 'wellness.import', entity: 'wellness_report', entityId: 'import', after: summary });
      return summary;
    },
    clock,
  );
}

const EXPORT_PAGE = 5000;

/**
 * Every report: CSV in the import's columns (so it re-imports as is) plus the score, its flag and
 * when it was entered, or a JSON array of reports. A page at a time; each page is recorded in the
 * access logs of its people.
 */
export function exportWellness(db: Db, format: ExportFormat, noteRead: ReadSink): AsyncGenerator<string> {
  const pages = keysetPages(async (afterId) => {
    const page = await db
      .selectFrom('wellness_report')
      .innerJoin('person', 'person.id', 'wellness_report.person_id')
      .selectAll('wellness_report')
      .select('person.designation')
      .where('wellness_report.id', '>', afterId)
      .orderBy('wellness_report.id')
      .limit(EXPORT_PAGE)
      .execute();
    await noteRead(page.map((r) => r.person_id));
    return page.map((row) => ({ row, report: toReportView(row) }));
  }, ({ row }) => row.id);
  return exportDocument(
    format,
    [...wellnessColumns, ...wellnessComputedColumns],
    pages,
    ({ row, report: r }) => csvLine([row.designation, r.date, r.sleepQuality, r.fatigue, r.stress, r.soreness, r.hoursSlept, r.score, r.flag.state, r.reportedAt]),
    ({ row, report }) => ({ designation: row.designation, ...report, createdAt: row.created_at, updatedAt: row.updated_at }),
  );
}
