/**
 * CSV text to the table the analyses read: a header and rows of strings with their line numbers.
 * Parsing a string keeps src/stats pure; reading the file is the command's job.
 */
import { parse } from 'csv-parse/sync';
import type { Options } from 'csv-parse/sync';
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
  let records: TableRow[];
  try {
    // on_record keeps each record's line at a fraction of the cost of the `info` option.
    const options: Options<TableRow, string[]> = {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (cells, context) => ({ line: context.lines, cells }),
    };
    // csv-parse's overloads type on_record's output only with `columns`; here each record is a TableRow.
    records = parse(text, options as unknown as Options) as unknown as TableRow[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw badData(`--data: not valid CSV${line ? ` at line ${line}` : ''}: ${(error as Error).message}`);
  }
  if (records.length === 0) throw badData('--data: the file is empty');
  return { header: records[0].cells.map((name) => name.trim()), rows: records.slice(1) };
}
