import { csvLine } from './csv.ts';

export const exportFormats = ['csv', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** Pages of rows by keyset (ids above the last one seen) until a page comes back empty. */
export async function* keysetPages<T>(fetchAfter: (afterId: number) => Promise<T[]>, idOf: (row: T) => number): AsyncGenerator<T[]> {
  let afterId = 0;
  for (;;) {
    const page = await fetchAfter(afterId);
    if (page.length === 0) return;
    yield page;
    afterId = idOf(page[page.length - 1]);
  }
}

/**
 * A CSV file (header, then `csv` of each item: one or more lines) or a JSON array (`json` of each
 * item), produced a page at a time so memory holds one page whatever the size of the export.
 */
export async function* exportDocument<T>(format: ExportFormat, header: readonly string[], pages: AsyncIterable<T[]>, csv: (item: T) => string, json: (item: T) => unknown): AsyncGenerator<string> {
  yield format === 'csv' ? csvLine(header) : '[';
  let first = true;
  for await (const page of pages) {
    let chunk = '';
    for (const item of page) {
      chunk += format === 'csv' ? csv(item) : `${first ? '' : ','}\n${JSON.stringify(json(item))}`;
      first = false;
    }
    yield chunk;
  }
  if (format === 'json') yield '\n]\n';
}
