import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ExportFormat } from '../shared/export.ts';

/** The largest CSV file an import route accepts. */
export const CSV_BODY_LIMIT = 50 * 1024 * 1024;

/** Lets the routes of `scope` (an encapsulated plugin) receive text/csv bodies as a string. */
export function acceptCsvBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => done(null, body));
}

/** Streams an export document (src/shared/export.ts) with the content type of its format. */
export function sendExport(reply: FastifyReply, format: ExportFormat, chunks: AsyncIterable<string>) {
  reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
  return reply.send(Readable.from(chunks));
}
