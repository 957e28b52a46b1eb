import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvFormatError, readCsv } from './csv.ts';

const shape = { required: ['a', 'b'], optional: ['c'] };

async function records(source: string | Readable) {
  const out: { line: number; values: Record<string, string> }[] = [];
  for await (const r of readCsv(source, shape)) out.push(r);
  return out;
}

/** What csv-parse makes of the text with the options readCsv used to give it, as records with their first line. */
function reference(text: string) {
  const rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const header = rows[0].record.map((h) => h.trim().toLowerCase());
  return rows.slice(1).map(({ record, info }) => ({
    line: info.lines - record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0),
    values: Object.fromEntries(header.map((h, i) => [h, record[i]])),
  }));
}

const samples = [
  'a,b\n1,2\n3,4\n',
  '\ufeffA , B\r\n1,2\r\n\r\n3,4',
  'a,b,c\n"x, y","say ""hi""",\n"multi\nline",2,"3"\n\n\nlast,row,"ends ""here"""',
  'a,b\n"",""\n,\n"\n",x\n',
  'a,b\r"cr",1\r2,"é ü ✓"\r',
];

describe('readCsv', () => {
  it('reads records and their first lines as csv-parse does', async () => {
    for (const text of samples) expect(await records(text), JSON.stringify(text)).toEqual(reference(text));
  });

  it('gives the same records however the text is split into chunks, even inside a character', async () => {
    for (const text of samples) {
      const bytes = Buffer.from(text);
      const expected = reference(text);
      for (let cut = 1; cut < bytes.length; cut++) {
        const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
        expect(await records(Readable.from(chunks)), `${JSON.stringify(text)} cut at ${cut}`).toEqual(expected);
      }
      const oneByteAtATime = Array.from(bytes, (b) => Buffer.from([b]));
      expect(await records(Readable.from(oneByteAtATime))).toEqual(expected);
    }
  });

  it('refuses malformed files with the line', async () => {
    const fails = async (text: string) => {
      const error = await records(text).catch((e: unknown) => e);
      expect(error, text).toBeInstanceOf(CsvFormatError);
      return (error as CsvFormatError).problems[0];
    };
    expect(await fails('a,b\n1,2\n"open,3\n')).toMatchObject({ line: 3, reason: 'a quoted field is never closed' });
    expect(await fails('a,b\n"x"y,2\n')).toMatchObject({ line: 2, reason: expect.stringMatching(/after the closing quote/) });
    expect(await fails('a,b\nx"y,2\n')).toMatchObject({ line: 2, reason: expect.stringMatching(/quote inside an unquoted field/) });
    expect(await fails('a,b\n1,2,3\n')).toMatchObject({ line: 2, reason: 'has 3 fields but the header has 2' });
    expect(await fails('a\n1\n')).toMatchObject({ line: 1, column: 'b', reason: 'required column is missing from the header' });
    expect(await fails('')).toMatchObject({ line: 1, reason: expect.stringMatching(/empty/) });
  });

  it('puts rows with the wrong number of fields aside when asked, and reads on', async () => {
    const badRows: { line: number; column: string; reason: string }[] = [];
    const read: { line: number }[] = [];
    for await (const r of readCsv('a,b\n1,2,3\n4,5\n6\n7,8\n', shape, badRows)) read.push(r);
    expect(read.map((r) => r.line)).toEqual([3, 5]);
    expect(badRows).toEqual([
      { line: 2, column: '*', reason: 'has 3 fields but the header has 2' },
      { line: 4, column: '*', reason: 'has 1 field but the header has 2' },
    ]);
  });
});
