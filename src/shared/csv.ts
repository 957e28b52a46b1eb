import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
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

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

interface RawRecord {
  line: number;
  fields: string[];
}

/** Line breaks inside a quoted field (CRLF counts once). */
function countLineBreaks(value: string): number {
  let count = 0;
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c === LF || (c === CR && value.charCodeAt(k + 1) !== LF)) count++;
  }
  return count;
}

/**
 * Splits CSV text into records as it arrives (RFC 4180: fields separated by commas, records by
 * LF, CRLF or CR, a double-quoted field may hold commas, line breaks and doubled quotes). A record
 * cut off by the end of a chunk waits for the next. Empty lines are skipped; a leading BOM is
 * dropped. Written by hand rather than with csv-parse, whose per-record line tracking cost about
 * 15 us a record: most of a million-row import. src/shared/csv.test.ts holds it to csv-parse.
 */
class RecordSplitter {
  private rest = '';
  private line = 1;
  private started = false;

  *push(chunk: string, end: boolean): Generator<RawRecord> {
    let text = this.rest + chunk;
    if (!this.started && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.started = true;
    }
    const n = text.length;
    let i = 0;
    const wait = (from: number) => {
      this.rest = text.slice(from);
    };
    while (i < n) {
      const start = i;
      let line = this.line;
      const fields: string[] = [];
      for (;;) {
        if (text.charCodeAt(i) === QUOTE) {
          let value = '';
          let from = i + 1;
          for (;;) {
            const close = text.indexOf('"', from);
            // A quote at the very end may be the first of a doubled pair: wait for more.
            if (close < 0 || (close === n - 1 && !end)) {
              if (!end) return wait(start);
              throw new CsvFormatError([{ line, column: '*', reason: 'a quoted field is never closed' }]);
            }
            value += text.slice(from, close);
            if (text.charCodeAt(close + 1) !== QUOTE) {
              i = close + 1;
              break;
            }
            value += '"';
            from = close + 2;
          }
          const next = text.charCodeAt(i);
          if (i < n && next !== COMMA && next !== LF && next !== CR) {
            throw new CsvFormatError([{ line: line + countLineBreaks(value), column: '*', reason: 'unexpected text after the closing quote of a field' }]);
          }
          line += countLineBreaks(value);
          fields.push(value);
        } else {
          let e = i;
          while (e < n) {
            const c = text.charCodeAt(e);
            if (c === COMMA || c === LF || c === CR) break;
            e++;
          }
          if (e === n && !end) return wait(start);
          const value = text.slice(i, e);
          if (value.includes('"')) throw new CsvFormatError([{ line, column: '*', reason: 'a quote inside an unquoted field (quote the whole field and double the quote)' }]);
          fields.push(value);
          i = e;
        }
        if (i < n && text.charCodeAt(i) === COMMA) {
          i++;
          continue;
        }
        if (i < n && text.charCodeAt(i) === CR) {
          if (i === n - 1 && !end) return wait(start);
          i++;
        }
        if (i < n && text.charCodeAt(i) === LF) i++;
        break;
      }
      const record = { line: this.line, fields };
      this.line = line + 1;
      if (!(fields.length === 1 && fields[0] === '')) yield record;
    }
    this.rest = '';
  }
}

/**
 * Streams the records of a CSV file with a header row, checking the header against `shape`.
 * Memory stays bounded whatever the file's size. Header names are trimmed and lower-cased.
 */
export async function* readCsv(source: string | Buffer | Readable, shape: CsvShape): AsyncGenerator<CsvRecord> {
  const chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer> = typeof source === 'string' || Buffer.isBuffer(source) ? [source] : source;
  const decoder = new StringDecoder('utf8');
  const splitter = new RecordSplitter();
  let header: string[] | undefined;
  function* records(text: string, end: boolean): Generator<CsvRecord> {
    for (const { line, fields } of splitter.push(text, end)) {
      if (!header) {
        header = fields.map((h) => h.trim().toLowerCase());
        const problems = checkHeader(header, shape);
        if (problems.length) throw new CsvFormatError(problems);
        continue;
      }
      if (fields.length !== header.length) throw new CsvFormatError([{ line, column: '*', reason: `has ${fields.length} fields but the header has ${header.length}` }]);
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i]] = fields[i];
      yield { line, values };
    }
  }
  for await (const chunk of chunks) yield* records(typeof chunk === 'string' ? chunk : decoder.write(chunk), false);
  yield* records(decoder.end(), true);
  if (!header) throw new CsvFormatError([{ line: 1, column: '*', reason: 'the file is empty: expected a header row' }]);
}

/** One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvLine(fields: readonly (string | number | boolean | null)[]): string {
  return `${fields.map((f) => (f === null ? '' : /[",\r\n]/.test(String(f)) ? `"${String(f).replace(/"/g, '""')}"` : String(f))).join(',')}\n`;
}
