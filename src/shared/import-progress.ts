import { AsyncLocalStorage } from 'node:async_hooks';

/** How far a running import has got, in rows of its file. */
export interface ImportCounts {
  /** Rows read and handed to the import's checks (`readCsv`). */
  checked: number;
  /**
   * Rows read up to the last batch written (`importInBatches`), inside the import's transaction: kept
   * only if every row is good. An import that writes only at the end (the roster's) stays at 0; one that
   * groups rows (a measurements visit) has read the next group's first row too.
   */
  written: number;
}

// Carried by the async context rather than passed along, so the progress stream (src/server/csv-body.ts)
// counts rows for every capability's import without each one taking and handing on a reporter.
const running = new AsyncLocalStorage<ImportCounts>();

/** Runs an import whose `readCsv` and `importInBatches` keep `counts` up to date. */
export const countingRows = <T>(counts: ImportCounts, run: () => Promise<T>): Promise<T> => running.run(counts, run);

/** The counts of the import running in this async context, if it is being counted. */
export const importCounts = (): ImportCounts | undefined => running.getStore();
