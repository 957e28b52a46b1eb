import { describe, expect, it } from 'vitest';
import { importInBatches } from './batch-import.ts';
import { readCsv, type CsvRecord } from './csv.ts';
import { countingRows, type ImportCounts } from './import-progress.ts';

const csv = (rows: number) => `a,b\n${Array.from({ length: rows }, (_, i) => `${i + 1},x\n`).join('')}`;

/** An import of `text` in batches of two whose check notes the counts as each row arrives; `bad` rows are refused. */
async function countedImport(text: string, bad: (record: CsvRecord) => boolean = () => false) {
  const counts: ImportCounts = { checked: 0, written: 0 };
  const atCheck: [number, number][] = [];
  await countingRows(counts, () =>
    importInBatches(
      (badRows) => readCsv(text, { required: ['a', 'b'] }, badRows),
      {
        check: (record) => {
          atCheck.push([counts.checked, counts.written]);
          return bad(record) ? [{ line: record.line, column: 'a', reason: 'bad' }] : record;
        },
        resolve: async () => [],
        // A turn of the event loop per batch, as a database write takes.
        write: () => new Promise((resolve) => setImmediate(resolve)),
      },
      2,
    ),
  );
  return { counts, atCheck };
}

describe('import progress', () => {
  it('counts each row as it is checked, and the rows written after each batch', async () => {
    const { counts, atCheck } = await countedImport(csv(5));
    expect(atCheck).toEqual([
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 2],
      [5, 4],
    ]);
    expect(counts).toEqual({ checked: 5, written: 5 });
  });

  it('writes no further after the first bad row, while every row is still checked', async () => {
    const { counts } = await countedImport(csv(7), (record) => record.values.a === '4');
    expect(counts).toEqual({ checked: 7, written: 2 });
  });

  it('keeps the counts of imports running at the same time apart', async () => {
    const [small, large] = await Promise.all([countedImport(csv(3)), countedImport(csv(9))]);
    expect(small.counts).toEqual({ checked: 3, written: 3 });
    expect(large.counts).toEqual({ checked: 9, written: 9 });
  });
});
