import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CsvSyntaxError, RecordSplitter } from './csv-records.ts';
import { AppError } from './errors.ts';
import { importCounts } from './import-progress.ts';

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
  /** The field separator (default a comma). */
  separator?: ',' | ';';
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
 * Inside `countingRows` (import-progress.ts) each record handed over counts as checked.
 * A row with the wrong number of fields goes to `badRows` when given, and reading goes on, so an
 * import reports it beside every other bad row; without `badRows` it ends the file.
 */
export async function* readCsv(source: string | Buffer | Readable, shape: CsvShape, badRows?: RowProblem[]): AsyncGenerator<CsvRecord> {
  const chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer> = typeof source === 'string' || Buffer.isBuffer(source) ? [source] : source;
  const decoder = new StringDecoder('utf8');
  const splitter = new RecordSplitter(shape.separator);
  let header: string[] | undefined;
  const counts = importCounts();
  function* records(text: string, end: boolean): Generator<CsvRecord> {
    for (const { line, fields } of splitter.push(text, end)) {
      if (!header) {
        header = fields.map((h) => h.trim().toLowerCase());
        const problems = checkHeader(header, shape);
        if (problems.length) throw new CsvFormatError(problems);
        continue;
      }
      if (fields.length !== header.length) {
        const problem = { line, column: '*', reason: `has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${header.length}` };
        if (!badRows) throw new CsvFormatError([problem]);
        badRows.push(problem);
        if (counts) counts.checked += 1;
        continue;
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i]] = fields[i];
      if (counts) counts.checked += 1;
      yield { line, values };
    }
  }
  try {
    for await (const chunk of chunks) yield* records(typeof chunk === 'string' ? chunk : decoder.write(chunk), false);
    yield* records(decoder.end(), true);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new CsvFormatError([{ line: error.line, column: '*', reason: error.reason }]);
    throw error;
  }
  if (!header) throw new CsvFormatError([{ line: 1, column: '*', reason: 'the file is empty: expected a header row' }]);
}

/** One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvLine(fields: readonly (string | number | boolean | null)[]): string {
  return `${fields.map((f) => (f === null ? '' : /[",\r\n]/.test(String(f)) ? `"${String(f).replace(/"/g, '""')}"` : String(f))).join(',')}\n`;
}
