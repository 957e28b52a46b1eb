/**
 * Just enough CSV reading in the browser to offer the file's columns and levels as choices;
 * the server parses the file again for the analysis (src/stats/table.ts).
 */
export interface CsvPreview {
  header: string[];
  rows: string[][];
}

export function parseCsv(text: string): CsvPreview {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      record.push(field);
      if (record.some((cell) => cell !== '')) records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  record.push(field);
  if (record.some((cell) => cell !== '')) records.push(record);
  const [header = [], ...rows] = records;
  return { header: header.map((name) => name.trim()), rows };
}

/** The distinct values of a column, in order of first appearance (the engine's default visit order). */
export function levels(preview: CsvPreview, column: string): string[] {
  const index = preview.header.indexOf(column);
  if (index < 0) return [];
  return [...new Set(preview.rows.map((row) => row[index] ?? '').filter((value) => value.trim() !== ''))];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function isNumericColumn(preview: CsvPreview, column: string): boolean {
  const index = preview.header.indexOf(column);
  const values = preview.rows.map((row) => (row[index] ?? '').trim()).filter((v) => v !== '');
  return values.length > 0 && values.every((v) => NUMBER.test(v));
}

/** A first guess of which column plays which part, from common names; the user can change each. */
export function guessColumn(preview: CsvPreview, pattern: RegExp, exclude: readonly string[] = []): string {
  return preview.header.find((name) => pattern.test(name) && !exclude.includes(name)) ?? '';
}
