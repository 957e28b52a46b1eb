import type { FastifyInstance } from 'fastify';

/** The largest CSV file an import route accepts. */
export const CSV_BODY_LIMIT = 50 * 1024 * 1024;

/** Lets the routes of `scope` (an encapsulated plugin) receive text/csv bodies as a string. */
export function acceptCsvBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => done(null, body));
}
