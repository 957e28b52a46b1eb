import type { FastifyRequest } from 'fastify';
/**
 * The one domain error type. Routes and stores throw it; one Fastify error handler
 * (src/server/errors.ts) turns it into `{"error":{code,message,field?}}`.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'headers_too_large'
  | 'request_timeout'
  | 'unprocessable'
  | 'unavailable'
  | 'internal';

export const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  request_timeout: 408,
  unprocessable: 422,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: { field?: string; details?: unknown } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }

  get status(): number {
    return statusOf[this.code];
  }
}

export const badRequest = (field: string | undefined, message: string, details?: unknown) =>
  new AppError('bad_request', field ? `${field}: ${message}` : message, { field, details });
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const conflict = (message: string, field?: string) => new AppError('conflict', message, { field });
export const forbidden = (message = 'your role does not allow this') => new AppError('forbidden', message);
export const unauthenticated = (message = 'sign in first') => new AppError('unauthenticated', message);

export interface ErrorBody {
  error: { code: string; message: string; field?: string; requestId?: string; problems?: unknown };
}

/** The body of an AppError's answer (a refused import's `problems` included). */
export function appErrorBody(error: AppError): ErrorBody['error'] {
  return { code: error.code, message: error.message, ...(error.field && { field: error.field }), ...(error.details !== undefined && { problems: error.details }) };
}

/** The body of a 500: only the request id, which is also in the log and the x-request-id header. */
export function internalErrorBody(request: FastifyRequest): ErrorBody['error'] {
  return { code: 'internal', message: 'something went wrong on our side; quote the request id when reporting it', requestId: String(request.id) };
}
