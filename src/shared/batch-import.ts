import type { RowProblem } from './csv.ts';
import { importCounts } from './import-progress.ts';

export interface BatchImportSteps<Item, Row> {
  /** Checks one item on its own, without the database: the row, or every problem with it. */
  check(item: Item): Row | RowProblem[];
  /** Checks a batch of good rows against the database (designations, what is stored); returns their problems. */
  resolve(rows: Row[]): Promise<RowProblem[]>;
  /** Writes a batch; called only while no problem has been found anywhere. */
  write(rows: Row[]): Promise<void>;
}

/**
 * One streaming pass of an import inside the caller's transaction: items are checked as they
 * arrive and written a batch at a time, so memory holds one batch whatever the file's size.
 * After the first problem nothing more is written but checking goes on, so every bad row is
 * reported; the caller then throws, which rolls back what was written: all rows or none.
 * Inside `countingRows` (import-progress.ts) each batch written moves the written count up to the rows read.
 * `read` gives the items and may put rows it could not read into the problems it is handed.
 */
export async function importInBatches<Item, Row>(read: (badRows: RowProblem[]) => AsyncIterable<Item>, steps: BatchImportSteps<Item, Row>, batchSize = 1000): Promise<RowProblem[]> {
  const problems: RowProblem[] = [];
  // Rows the reader cannot make into items (readCsv's badRows) count like any other problem.
  const items = read(problems);
  const counts = importCounts();
  let batch: Row[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    problems.push(...(await steps.resolve(batch)));
    if (problems.length === 0) {
      await steps.write(batch);
      if (counts) counts.written = counts.checked;
    }
    batch = [];
  };
  for await (const item of items) {
    const checked = steps.check(item);
    if (Array.isArray(checked)) problems.push(...checked);
    else batch.push(checked);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return problems.sort((a, b) => a.line - b.line);
}
