import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseTable } from './table.ts';
import { referenceDirectory } from './testing.ts';

/** csv-parse's reading of the same text, as the oracle: header and rows of cells. */
function oracle(text: string): string[][] {
  return parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: false }) as string[][];
}
const cellsOf = (text: string) => {
  const table = parseTable(text);
  return [table.header as string[], ...table.rows.map((row) => row.cells as string[])];
};

describe('parseTable', () => {
  it.each(['anorexia.csv', 'fev_data.csv', 'bodyweight.csv'])('reads %s as csv-parse does, with line numbers', (file) => {
    const text = readFileSync(new URL(file, referenceDirectory), 'utf8');
    expect(cellsOf(text)).toEqual(oracle(text));
    const table = parseTable(text);
    expect(table.rows.map((row) => row.line)).toEqual(table.rows.map((_, k) => k + 2));
  });

  it.each([
    ['quotes, doubled quotes and commas in a field', 'a,b\n"x, y","say ""hi"""\n'],
    ['a line break inside a quoted field', 'a,b\n1,"two\nlines"\n3,4\n'],
    ['CRLF line ends and a BOM', '\ufeffa,b\r\n1,2\r\n3,4'],
    ['CR line ends', 'a,b\r1,2\r3,4\r'],
    ['empty lines and empty cells', 'a,b,c\n\n1,,3\n\n\n,,\n'],
    ['ragged rows', 'a,b,c\n1,2\n1,2,3,4\n'],
  ])('agrees with csv-parse on %s', (_name, text) => {
    expect(cellsOf(text)).toEqual(oracle(text));
  });

  it('numbers rows by the line they start on', () => {
    const table = parseTable('a,b\n\n1,"x\ny"\r\n2,3\n');
    expect(table.rows.map((row) => row.line)).toEqual([3, 5]);
  });

  it('trims header names and refuses an empty file or an unclosed quote', () => {
    expect(parseTable(' a , b\n1,2').header).toEqual(['a', 'b']);
    expect(() => parseTable('\n\n')).toThrow(/--data: the file is empty/);
    expect(() => parseTable('a,b\n1,"2\n3,4\n')).toThrow(/--data: line 2: a quoted field is never closed/);
    expect(() => parseTable('a,b\n1,"2"x\n')).toThrow(/--data: line 2: unexpected text after the closing quote/);
  });
});
