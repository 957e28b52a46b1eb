import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { AppError } from './errors.ts';

export interface RowProblem {
  line: number;
  column: string;
  reason: string;
}

export interface CsvRecord {
  /** The line in the file where this record starts (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

export interface CsvShape {
  required: readonly string[];
  optional?: readonly string[];
}

/** A file whose header or syntax is wrong: nothing in it can be trusted, so nothing is imported. */
export class CsvFormatError extends AppError {
  constructor(readonly problems: RowProblem[]) {
    super('bad_request', problems.map(formatProblem).join('\n'), { field: 'file', details: problems });
  }
}

export const formatProblem = (p: RowProblem) => `line ${p.line}, column ${p.column}: ${p.reason}`;

function checkHeader(header: string[], shape: CsvShape): RowProblem[] {
  const known = new Set([...shape.required, ...(shape.optional ?? [])]);
  const problems: RowProblem[] = [];
  for (const column of shape.required) if (!header.includes(column)) problems.push({ line: 1, column, reason: 'required column is missing from the header' });
  for (const column of header) if (!known.has(column)) problems.push({ line: 1, column, reason: `unknown column (expected ${[...known].join(', ')})` });
  return problems;
}

/**
 * Streams the records of a CSV file with a header row, checking the header against `shape`.
 * Memory stays bounded whatever the file's size. Header names are trimmed and lower-cased.
 */
export async function* readCsv(source: string | Buffer | Readable, shape: CsvShape): AsyncGenerator<CsvRecord> {
  const input = typeof source === 'string' || Buffer.isBuffer(source) ? Readable.from([source]) : source;
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: false }));
  let header: string[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record.map((h) => h.trim().toLowerCase());
        const problems = checkHeader(header, shape);
        if (problems.length) throw new CsvFormatError(problems);
        continue;
      }
      // info.lines is the line on which the record ends; a record with quoted newlines starts earlier.
      const line = info.lines - record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
      if (record.length !== header.length) {
        throw new CsvFormatError([{ line, column: '*', reason: `has ${record.length} fields but the header has ${header.length}` }]);
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i]] = record[i];
      yield { line, values };
    }
  } catch (error) {
    if (error instanceof CsvFormatError) throw error;
    const e = error as { code?: string; lines?: number; message: string };
    if (e.code?.startsWith('CSV_')) throw new CsvFormatError([{ line: e.lines ?? 0, column: '*', reason: e.message }]);
    throw error;
  }
  if (!header) throw new CsvFormatError([{ line: 1, column: '*', reason: 'the file is empty: expected a header row' }]);
}

/** One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvLine(fields: readonly (string | number | boolean | null)[]): string {
  return `${fields.map((f) => (f === null ? '' : /[",\r\n]/.test(String(f)) ? `"${String(f).replace(/"/g, '""')}"` : String(f))).join(',')}\n`;
}
