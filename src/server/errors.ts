import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError, appErrorBody, internalErrorBody, statusOf, type ErrorBody } from '../shared/errors.ts';

interface Issue {
  path: string;
  message: string;
}

/** "path: message" for every issue, never zod's own JSON message. */
function describeIssues(issues: Issue[]): { message: string; field?: string } {
  const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return { message, field: issues[0]?.path || undefined };
}

function zodIssues(error: FastifyError & { validation?: unknown[]; validationContext?: string }): Issue[] {
  return (error.validation as { instancePath: string; message: string; keyword: string; params: { keys?: string[] } }[]).map((v) => {
    const base = v.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
    // An unknown field with an empty name, or a body, query or path of the wrong shape as a whole, is named too.
    const unknown = v.params.keys?.[0] === '' ? '""' : v.params.keys?.[0];
    const path = (v.keyword === 'unrecognized_keys' && unknown ? [base, unknown].filter(Boolean).join('.') : base) || (error.validationContext ?? 'body');
    const message = v.keyword === 'unrecognized_keys' ? `is not a known field` : v.message;
    return { path, message };
  });
}

/** PostgreSQL's "invalid byte sequence for encoding UTF8: 0x00". */
const POSTGRES_NUL_IN_TEXT = '22021';

/** One handler turns every failure into `{"error":{code,message,field?}}`; 5xx bodies carry only the request id. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const send = (status: number, body: ErrorBody['error']) => reply.status(status).send({ error: body } satisfies ErrorBody);
    if (error instanceof AppError) return send(error.status, appErrorBody(error));
    if (hasZodFastifySchemaValidationErrors(error)) {
      const { message, field } = describeIssues(zodIssues(error));
      return send(400, { code: 'bad_request', message, ...(field && { field }) });
    }
    if (error instanceof ZodError) {
      const { message, field } = describeIssues(error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      return send(400, { code: 'bad_request', message, ...(field && { field }) });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(413, { code: 'payload_too_large', message: `the request body is larger than the limit of ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes` });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(400, { code: 'bad_request', message: 'the body is not valid JSON', field: 'body' });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(415, { code: 'unsupported_media_type', message: `unsupported content type ${request.headers['content-type'] ?? '(none)'}: send application/json (text/csv to an import)` });
    }
    // PostgreSQL text holds no NUL character (SQLite's does): a value with one is the client's error there.
    if ((error as { code?: unknown }).code === POSTGRES_NUL_IN_TEXT) return send(400, { code: 'bad_request', message: 'a value holds a NUL character (\\u0000), which text cannot hold' });
    if (error.statusCode === 429) return send(429, { code: 'rate_limited', message: 'too many requests: slow down and try again shortly' });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(error.statusCode, { code: 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'unexpected error');
    return send(statusOf.internal, internalErrorBody(request));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    // The router reports an over-long parameter only when no other branch of its tree could still
    // match; otherwise it falls through to here, and the answer must not depend on which routes exist.
    if (path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)) {
      return reply.status(statusOf.uri_too_long).send({ error: { code: 'uri_too_long', message: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters` } } satisfies ErrorBody);
    }
    return reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${path}` } } satisfies ErrorBody);
  });
}

/** The longest path parameter the router accepts (Fastify's default); a longer one is `uri_too_long`. */
export const MAX_PARAM_LENGTH = 100;

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route or hook runs (bad
 * percent-encoding in the path, a path parameter over MAX_PARAM_LENGTH), in our shape with the
 * request id (the onSend hook that sets it does not run here).
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let status: number;
  let body: ErrorBody['error'];
  if (error.code === 'FST_ERR_BAD_URL') {
    status = statusOf.bad_request;
    body = { code: 'bad_request', message: 'the URL is not valid percent-encoding: each % must start a %XX escape of UTF-8' };
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    status = statusOf.uri_too_long;
    body = { code: 'uri_too_long', message: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters` };
  } else {
    request.log.error({ err: error }, 'unexpected router error');
    status = statusOf.internal;
    body = internalErrorBody(request);
  }
  reply.header('x-request-id', request.id).status(status).send({ error: body } satisfies ErrorBody);
}

/**
 * Fastify's `clientErrorHandler` (Node's 'clientError'): refusals before there is a request to
 * answer (headers over Node's limit, a request not received in time, bytes that are not HTTP),
 * written on the socket in our shape, with a request id that the log line carries too.
 */
export function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const requestId = crypto.randomUUID();
  let status: number;
  let body: ErrorBody['error'];
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    status = statusOf.headers_too_large;
    body = { code: 'headers_too_large', message: `the request line and headers are larger than the limit of ${maxHeaderSize} bytes` };
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = statusOf.request_timeout;
    body = { code: 'request_timeout', message: 'the request was not received in time' };
  } else {
    status = statusOf.bad_request;
    body = { code: 'bad_request', message: 'the request is not valid HTTP' };
  }
  this.log.info({ err: error, reqId: requestId, statusCode: status }, 'client error');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify({ error: body } satisfies ErrorBody);
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, 'content-type: application/json; charset=utf-8', `content-length: ${Buffer.byteLength(text)}`, `x-request-id: ${requestId}`, 'connection: close'];
  socket.end(`${head.join('\r\n')}\r\n\r\n${text}`, () => socket.destroy());
}
