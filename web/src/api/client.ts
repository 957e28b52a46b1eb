/**
 * The datapad's only way to the API: typed by the generated ApiPaths (the server's own schemas),
 * sends the session's CSRF token on unsafe methods, and turns error bodies into ApiError.
 */
import type { ImportProgressEvent } from '../../../src/shared/csv-body.ts';
import type { ErrorBody } from '../../../src/shared/errors.ts';
import type { ApiPaths } from './paths.gen.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type PathWith<M extends Method> = { [P in keyof ApiPaths]: M extends keyof ApiPaths[P] ? P : never }[keyof ApiPaths];
type Operation<P extends keyof ApiPaths, M extends Method> = M extends keyof ApiPaths[P] ? ApiPaths[P][M] : never;

/** The response body of a route, e.g. `ResponseOf<'/api/people/{id}'>`. */
export type ResponseOf<P extends keyof ApiPaths, M extends Method = 'get'> = Operation<P, M> extends { response: infer R } ? R : never;
/** The request body of a route. */
export type BodyOf<P extends keyof ApiPaths, M extends Method> = Operation<P, M> extends { body: infer B } ? B : never;

/**
 * Path parameters when the route has them, query when it takes one, body when it needs one (or a CSV text).
 * Not distributive (`[O] extends [...]`): over the union of every route's operation, three distributive
 * parts would multiply out past what TypeScript can represent (TS2590) once the API has some fifty POST routes.
 */
export type CallOptions<O> = ([O] extends [{ path: infer T }] ? { path: T } : { path?: never }) &
  ([O] extends [{ query: infer Q }] ? { query?: Q } : { query?: never }) &
  ([O] extends [{ body: infer B }] ? { body: B } : { body?: never }) & {
    signal?: AbortSignal;
    /** e.g. the kiosk's `authorization: Bearer <token>`: a device with a token, not a signed-in session. */
    headers?: Record<string, string>;
  };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly problems?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** The session's token for unsafe requests; from the sign-in answer or GET /api/me. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function urlOf(path: string, options: { path?: Record<string, string | number>; query?: Record<string, unknown> }): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(options.path?.[name] ?? '')));
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  const search = query.toString();
  return search ? `${filled}?${search}` : filled;
}

/** The options argument may be left out when none of its fields is required. */
type OptionsArgument<O> = Partial<O> extends O ? [options?: O] : [options: O];

export async function api<M extends Method, P extends PathWith<M>>(method: M, path: P, ...[options]: OptionsArgument<CallOptions<Operation<P, M>>>): Promise<ResponseOf<P, M>> {
  const given: unknown = options;
  const { body, signal, headers: extra, ...where } = (given ?? {}) as {
    body?: unknown;
    signal?: AbortSignal;
    headers?: Record<string, string>;
    path?: Record<string, string | number>;
    query?: Record<string, unknown>;
  };
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  if (method !== 'get' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: string | undefined;
  if (typeof body === 'string') {
    headers['content-type'] = 'text/csv';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(urlOf(path, where), { method: method.toUpperCase(), headers, body: payload, credentials: 'same-origin', signal });
  if (response.status === 204) return null as ResponseOf<P, M>;
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (json as ErrorBody | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'internal', error?.message ?? `the server answered ${response.status}`, error?.field, error?.problems);
  }
  return json as ResponseOf<P, M>;
}

/** How far a CSV upload has got: the bytes sent, then the server's own progress events. */
export type UploadProgress = { stage: 'uploading'; sent: number; total: number } | Exclude<ImportProgressEvent, { stage: 'done' | 'failed' }>;

/**
 * Posts a CSV file to an import route and follows it: upload progress from XMLHttpRequest (fetch
 * reports none), then the NDJSON progress lines the server streams when asked (src/server/csv-body.ts).
 * Resolves with the summary; a refusal becomes ApiError (with `problems` for bad rows).
 */
export function uploadCsv<P extends PathWith<'post'>>(path: P, file: Blob, options: { query?: Record<string, unknown>; onProgress: (progress: UploadProgress) => void }): Promise<ResponseOf<P, 'post'>> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', urlOf(path, { query: options.query }));
    request.setRequestHeader('content-type', 'text/csv');
    request.setRequestHeader('accept', 'application/x-ndjson');
    if (csrfToken) request.setRequestHeader('x-csrf-token', csrfToken);
    request.upload.onprogress = (event) => options.onProgress({ stage: 'uploading', sent: event.loaded, total: event.lengthComputable ? event.total : file.size });
    let seen = 0;
    let last: ImportProgressEvent | undefined;
    const readLines = () => {
      const lines = request.responseText.slice(seen).split('\n');
      lines.pop(); // an incomplete line waits for the rest
      for (const line of lines) {
        seen += line.length + 1;
        last = JSON.parse(line) as ImportProgressEvent;
        if (last.stage !== 'done' && last.stage !== 'failed') options.onProgress(last);
      }
    };
    request.onprogress = () => {
      if (request.status === 200) readLines();
    };
    request.onerror = () => reject(new ApiError(0, 'network', 'the upload did not reach the server; check the connection and try again'));
    request.onload = () => {
      if (request.status !== 200) {
        // Refused before the import began (sign-in, role, size): a plain JSON error.
        const error = parseJson<ErrorBody>(request.responseText)?.error;
        reject(new ApiError(request.status, error?.code ?? 'internal', error?.message ?? `the server answered ${request.status}`, error?.field, error?.problems));
        return;
      }
      readLines();
      if (last?.stage === 'done') resolve(last.summary as ResponseOf<P, 'post'>);
      else if (last?.stage === 'failed') reject(new ApiError(last.status, last.error.code, last.error.message, last.error.field, last.error.problems));
      else reject(new ApiError(0, 'internal', 'the server stopped before the import finished'));
    };
    request.send(file);
  });
}

/** A JSON body, or undefined when it is not JSON (e.g. a proxy's error page). */
function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
