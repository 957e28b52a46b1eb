import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExportFormat } from './export.ts';
import { AppError } from './errors.ts';
import { CsvFormatError } from './csv.ts';
import { countingRows, type ImportCounts } from './import-progress.ts';
import { appErrorBody, internalErrorBody, type ErrorBody } from './errors.ts';

/** The largest CSV file an import route accepts. */
export const CSV_BODY_LIMIT = 50 * 1024 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/**
 * The CSV file's text, or a refusal naming the line where it stops being UTF-8 text: a file saved as
 * latin-1 or UTF-16 would otherwise be read with replacement characters (or NULs) in its names.
 */
function decodeCsv(bytes: Buffer): string {
  const refuse = (line: number, reason: string) => new CsvFormatError([{ line, column: '*', reason }]);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) throw refuse(1, 'the file is UTF-16: save it as CSV UTF-8');
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const loose = bytes.toString('utf8');
    throw refuse(lineAt(loose, loose.indexOf('\uFFFD')), 'is not UTF-8 (latin-1 or another encoding?): save the file as CSV UTF-8');
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw refuse(lineAt(text, nul), 'holds a NUL character (a UTF-16 file?): save the file as CSV UTF-8');
  return text;
}

/** Lets the routes of `scope` (an encapsulated plugin) receive text/csv bodies as a string (UTF-8, checked). */
export function acceptCsvBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => {
    try {
      done(null, decodeCsv(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Streams an export document (src/shared/export.ts) with the content type of its format. */
export function sendExport(reply: FastifyReply, format: ExportFormat, chunks: AsyncIterable<string>) {
  reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
  return reply.send(Readable.from(chunks));
}

/** The content type a client accepts to follow an import's progress. */
export const IMPORT_PROGRESS_TYPE = 'application/x-ndjson';

/**
 * One line of an import's progress stream: `checking` as the reader takes the file (characters read of
 * the total, for the share of the file, and the rows checked and written so far: ImportCounts), `read`
 * once every row is read and checked on its own (stored-data checks and the rest of the write follow),
 * then `done` with the summary the JSON answer would carry, or `failed` with the error body (a refused
 * file's `problems` included) and nothing written.
 */
export type ImportProgressEvent =
  | ({ stage: 'checking'; read: number; total: number } & ImportCounts)
  | ({ stage: 'read' } & ImportCounts)
  | { stage: 'done'; summary: unknown }
  | { stage: 'failed'; status: number; error: ErrorBody['error'] };

/** How much of the file the reader takes at a time: one progress line per piece. */
const PROGRESS_PIECE = 256 * 1024;

/**
 * Answers a CSV import request: `run` imports the body and returns the summary. By default the answer
 * is that summary as JSON (or the error); a client that accepts NDJSON instead receives 200 at once
 * and `ImportProgressEvent` lines while the server reads, checks and writes.
 */
export async function answerImport<Summary>(request: FastifyRequest, reply: FastifyReply, run: (source: string | Readable) => Promise<Summary>): Promise<Summary | undefined> {
  const body = request.body as string;
  if (!request.headers.accept?.includes(IMPORT_PROGRESS_TYPE)) return run(body);
  reply.hijack();
  // Headers the app's hooks have set so far (security headers) go out with the stream too.
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
  reply.raw.writeHead(200, { 'content-type': `${IMPORT_PROGRESS_TYPE}; charset=utf-8`, 'cache-control': 'no-store', 'x-request-id': String(request.id) });
  const send = (event: ImportProgressEvent) => reply.raw.write(`${JSON.stringify(event)}\n`);
  const counts: ImportCounts = { checked: 0, written: 0 };
  // Each piece is handed over when the reader asks for the next, so `read` and the counts are what it has checked.
  // The import is a chain of promises over a synchronous driver: without a turn of the event loop
  // before each piece, the response would stay corked and every line would arrive at the end.
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  async function* pieces() {
    for (let at = 0; at < body.length; at += PROGRESS_PIECE) {
      await turn();
      yield body.slice(at, at + PROGRESS_PIECE);
      send({ stage: 'checking', read: Math.min(at + PROGRESS_PIECE, body.length), total: body.length, ...counts });
    }
    send({ stage: 'read', ...counts });
    await turn();
  }
  try {
    send({ stage: 'checking', read: 0, total: body.length, ...counts });
    await turn();
    // highWaterMark 0: no piece is taken before the reader asks for it.
    send({ stage: 'done', summary: await countingRows(counts, () => run(Readable.from(pieces(), { highWaterMark: 0 }))) });
  } catch (error) {
    if (error instanceof AppError) send({ stage: 'failed', status: error.status, error: appErrorBody(error) });
    else {
      request.log.error({ err: error }, 'unexpected error');
      send({ stage: 'failed', status: 500, error: internalErrorBody(request) });
    }
  }
  reply.raw.end();
  return undefined;
}
