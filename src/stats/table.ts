/**
 * CSV text to the table the analyses read: a header and rows of strings with their line numbers.
 * Parsing a string keeps src/stats pure; reading the file is the command's job.
 */
import { parse } from 'csv-parse/sync';
import { badData } from './errors.ts';

export interface TableRow {
  /** 1-based line of the file where the row ends (the header is line 1). */
  line: number;
  cells: readonly string[];
}

export interface Table {
  header: readonly string[];
  rows: readonly TableRow[];
}

export function parseTable(text: string): Table {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, csv-parse returns { record, info } per record; its types do not say so.
    records = parse(text, { info: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw badData(`--data: not valid CSV${line ? ` at line ${line}` : ''}: ${(error as Error).message}`);
  }
  if (records.length === 0) throw badData('--data: the file is empty');
  const [head, ...body] = records;
  return {
    header: head.record.map((name) => name.trim()),
    rows: body.map(({ record, info }) => ({ line: info.lines, cells: record })),
  };
}
