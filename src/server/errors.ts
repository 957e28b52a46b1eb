import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError, statusOf } from '../shared/errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; field?: string; requestId?: string; problems?: unknown };
}

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
    const path = v.keyword === 'unrecognized_keys' && v.params.keys?.length ? [base, v.params.keys[0]].filter(Boolean).join('.') : base;
    const message = v.keyword === 'unrecognized_keys' ? `is not a known field` : v.message;
    return { path, message };
  });
}

/** The body of an AppError's answer (a refused import's `problems` included). */
export function appErrorBody(error: AppError): ErrorBody['error'] {
  return { code: error.code, message: error.message, ...(error.field && { field: error.field }), ...(error.details !== undefined && { problems: error.details }) };
}

/** The body of a 500: only the request id, which is also in the log and the x-request-id header. */
export function internalErrorBody(request: FastifyRequest): ErrorBody['error'] {
  return { code: 'internal', message: 'something went wrong on our side; quote the request id when reporting it', requestId: String(request.id) };
}

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
        return send(415, { code: 'bad_request', message: `unsupported content type ${request.headers['content-type'] ?? '(none)'}` });
    }
    if (error.statusCode === 429) return send(429, { code: 'rate_limited', message: 'too many requests: slow down and try again shortly' });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(error.statusCode, { code: 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'unexpected error');
    return send(statusOf.internal, internalErrorBody(request));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } } satisfies ErrorBody);
  });
}
