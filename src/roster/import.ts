import type { Readable } from 'node:stream';
import type { Actor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { ImportRejected } from '../shared/import-result.ts';
import { readCsv, type RowProblem } from '../shared/csv.ts';
import type { Clock } from '../shared/clock.ts';
import type { Db } from '../store/db.ts';
import { checkRosterRow, rosterImportColumns, rosterOptionalColumns, type RosterImportRow } from './model.ts';
import { importRoster, rosterImportProblems, type RosterReference } from './store.ts';
import { type ImportSummary } from '../shared/import-result.ts';

/** Checks every row of a roster CSV, then applies all of them in one transaction, or none. */
export async function runRosterImport(db: Db, actor: Actor, source: string | Buffer | Readable, clock?: Clock): Promise<ImportSummary> {
  const rows: RosterImportRow[] = [];
  const references: RosterReference[] = [];
  const problems: RowProblem[] = [];
  for await (const { line, values } of readCsv(source, { required: rosterImportColumns, optional: rosterOptionalColumns }, problems)) {
    const checked = checkRosterRow(values, line);
    if (Array.isArray(checked)) problems.push(...checked);
    else rows.push(checked);
    references.push({ line, unit: values.unit.trim(), designation: values.designation.trim() });
  }
  // Every row is checked against the roster too, those that failed their own checks included, so one answer names every problem.
  problems.push(...(await rosterImportProblems(db, references)));
  if (problems.length) throw new ImportRejected(problems.sort((a, b) => a.line - b.line));
  return write(
    db,
    actor,
    async (w) => {
      const result = await importRoster(w, rows);
      if ('problems' in result) throw new ImportRejected(result.problems);
      if (result.created + result.updated > 0) await w.record({ action: 'roster.import', entity: 'roster', entityId: 'import', after: result });
      return result;
    },
    clock,
  );
}
