/**
 * CSV records from text, pure (no Node APIs), so the importers (src/shared/csv.ts) and the
 * statistics engine (src/stats/table.ts) read files by the same rules.
 */

/** A syntax error at a line: the callers turn it into their own error type. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

export interface RawRecord {
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
 * Splits CSV text into records as it arrives (RFC 4180: fields separated by commas (or semicolons), records by
 * LF, CRLF or CR, a double-quoted field may hold commas, line breaks and doubled quotes). A record
 * cut off by the end of a chunk waits for the next. Empty lines are skipped; a leading BOM is
 * dropped. Written by hand rather than with csv-parse, whose per-record line tracking cost about
 * 15 us a record: most of a million-row import. src/shared/csv.test.ts holds it to csv-parse.
 */
export class RecordSplitter {
  private rest = '';
  /** The field separator's code: a comma, or a semicolon for exports made where the comma is the decimal mark. */
  private readonly separator: number;

  constructor(separator: ',' | ';' = ',') {
    this.separator = separator.charCodeAt(0);
  }

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
              throw new CsvSyntaxError(line, 'a quoted field is never closed');
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
          if (i < n && next !== this.separator && next !== LF && next !== CR) {
            throw new CsvSyntaxError(line + countLineBreaks(value), 'unexpected text after the closing quote of a field');
          }
          line += countLineBreaks(value);
          fields.push(value);
        } else {
          let e = i;
          while (e < n) {
            const c = text.charCodeAt(e);
            if (c === this.separator || c === LF || c === CR) break;
            e++;
          }
          if (e === n && !end) return wait(start);
          const value = text.slice(i, e);
          if (value.includes('"')) throw new CsvSyntaxError(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
          fields.push(value);
          i = e;
        }
        if (i < n && text.charCodeAt(i) === this.separator) {
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

/** Every record of a whole text. */
export function splitCsv(text: string): RawRecord[] {
  return [...new RecordSplitter().push(text, true)];
}
