import fc from 'fast-check';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { statusOf, type ErrorCode } from '../shared/errors.ts';
import type { Db, DialectName } from '../store/db.ts';

/**
 * Generated requests for the stress tests: every operation of the OpenAPI document, called with
 * values from its schemas bent out of shape (wrong types, missing and extra fields, odd Unicode,
 * extreme numbers, malformed JSON, URLs and content types, big bodies), and the checks that every
 * answer must pass (no 5xx, a 4xx in our error shape, nothing written by a refusal).
 */

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  const?: unknown;
};

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  /** The document's path, `/api/people/{id}`. */
  path: string;
  /** The route as the server names it, `PATCH /api/people/:id`. */
  route: string;
  parameters: Parameter[];
  body?: { contentType: 'application/json' | 'text/csv'; schema: Schema };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
}

/** Every operation of the OpenAPI document. */
export function operationsOf(document: unknown): Operation[] {
  const { paths } = document as OpenApiDocument;
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => {
      const content = operation.requestBody?.content ?? {};
      const contentType = (['application/json', 'text/csv'] as const).find((type) => content[type]);
      return {
        method: method.toUpperCase(),
        path,
        route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        parameters: (operation.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
        ...(contentType && { body: { contentType, schema: content[contentType].schema } }),
      };
    }),
  );
}

/** Real values for path parameters, so that some generated requests get past the lookup. */
export type KnownValues = (operation: Operation, parameter: string) => string[];

/** Strings that have broken parsers, encoders and databases before. */
const oddStrings = [
  '',
  ' ',
  '\uD800',
  'a\uDC00b',
  '\u202Eevil\u202C',
  '\u05E9\u05DC\u05D5\u05DD',
  'a\u200Bb\u200D',
  '\uFEFF',
  'a\u0000b',
  '\u0000',
  '\u0007\u001B[31m',
  'e\u0301\u0301\u0301\u0301',
  '\u{1F9EA}\u{1F3CB}\u{FE0F}',
  '\u{10FFFF}',
  '\uFFFF\uFFFE',
  "' or 1=1 --",
  '"; drop table person; --',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '%00',
  '\r\n\r\nX-Injected: 1',
  '{"a":1}',
  'null',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '99999999999999999999999999',
  '2026-02-30',
  '0000-00-00',
  '2026-13-01T25:61:61Z',
];
const oddNumbers = [0, -0, -1, 1.5, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e21];

const oddString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...oddStrings) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5_000 }).map((n) => '\u{1F9EA}\u202E\u200B'.repeat(n)) },
);
const oddNumber = fc.oneof(fc.constantFrom(...oddNumbers), fc.double(), fc.integer());

/** A value of any JSON type but the expected one, or a value of it outside every limit. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  oddNumber,
  fc.constantFrom(null, true, false, [], {}, [null], { id: 1 }, [[[[]]]]),
  fc.array(oddNumber, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'id', ''), oddString, { maxKeys: 2 }),
);

/** A value that fits the schema (or nearly: patterns and formats are honoured where simple). */
export function fitting(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const alternatives = schema.oneOf ?? schema.anyOf;
  const base = ((): fc.Arbitrary<unknown> => {
    if (alternatives?.length) return fc.oneof(...alternatives.map((s) => fitting(s, depth)));
    if (schema.allOf?.length) return fitting(Object.assign({}, ...schema.allOf) as Schema, depth);
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum?.length) return fc.constantFrom(...schema.enum);
    const type = [schema.type].flat()[0];
    switch (type) {
      case 'integer':
        return fc.integer({ min: Math.max(schema.minimum ?? -1000, -(2 ** 31)), max: Math.min(schema.maximum ?? 1000, 2 ** 31 - 1) });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return depth > 3 ? fc.constant([]) : fc.array(fitting(schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, Math.max(3, schema.minItems ?? 0)) });
      case 'object': {
        if (depth > 3) return fc.constant({});
        const properties = Object.entries(schema.properties ?? {}).map(([key, s]) => [key, fitting(s, depth + 1)] as const);
        return fc.record(Object.fromEntries(properties), { requiredKeys: (schema.required ?? []).filter((k) => schema.properties?.[k]) });
      }
      case 'string':
        return fittingString(schema);
      default:
        return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null));
    }
  })();
  return schema.nullable ? fc.oneof({ weight: 5, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base;
}

function fittingString(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'date') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.pattern && schema.pattern.length < 200) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 500));
    } catch {
      // A pattern fast-check cannot generate from: fall through to plain strings.
    }
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
}

/** The schema's value bent out of shape: a field missing, added, or of the wrong type, at any depth. */
function bent(schema: Schema): fc.Arbitrary<unknown> {
  return fc.tuple(fitting(schema), fc.integer({ min: 0, max: 2 }), wrongValue, fc.nat(), fc.constantFrom('extra', '__proto__', 'constructor', 'ID', '')).map(([value, how, wrong, pick, extraKey]) => {
    const objects: Record<string, unknown>[] = [];
    const collect = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') {
        objects.push(v as Record<string, unknown>);
        Object.values(v).forEach(collect);
      }
    };
    collect(value);
    if (objects.length === 0) return wrong;
    const target = objects[pick % objects.length];
    const keys = Object.keys(target);
    if (how === 0 && keys.length) delete target[keys[pick % keys.length]];
    else if (how === 1 || keys.length === 0) Object.defineProperty(target, extraKey, { value: wrong, enumerable: true, writable: true, configurable: true });
    else target[keys[pick % keys.length]] = wrong;
    return value;
  });
}

/** JSON texts that are not JSON, or JSON of no object's shape. */
const brokenJson = fc.oneof(
  fc.constantFrom('', '{', '}', '{"a":', '[1,2', '{"a":NaN}', '{"a":Infinity}', '{"a":-0}', '{"a":1e999}', '{"a":123456789012345678901234567890}', "{'a':1}", '{"a":1,}', 'nul', 'undefined', '"\\ud800"', '{"\\u0000":1}', '\uFEFF{}', '{"a":1}{"b":2}', '[]', '0', '"text"', 'null', 'true'),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

/** A CSV text of sorts for an import route: a header of the right names or not, then odd rows. */
const csvText = fc.oneof(
  fc.array(fc.array(oddString.filter((s) => s.length < 200), { minLength: 1, maxLength: 6 }).map((cells) => cells.join(',')), { maxLength: 8 }).map((lines) => lines.join('\n')),
  fc.constantFrom('', '\n', ',,,\n,,,', '"', '"a""b,c\n', 'designation,date\n"unterminated', 'a\u0000b,c\n', '\uFEFF\uFEFF'),
);

export interface GeneratedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What was bent, for the failure message. */
  how: string;
}

/** A path parameter's value: a real one, one that fits the schema, or a broken one (escaped for the URL). */
function pathValue(parameter: Parameter, known: string[]): fc.Arbitrary<{ value: string; how: string }> {
  const escaped = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80'; // a lone surrogate as UTF-8 bytes: not valid UTF-8
    }
  };
  return fc.oneof(
    { weight: 4, arbitrary: known.length ? fc.constantFrom(...known).map((value) => ({ value: escaped(value), how: 'known' })) : fc.constant({ value: '1', how: 'one' }) },
    { weight: 2, arbitrary: fitting(parameter.schema).map((v) => ({ value: escaped(String(v)), how: 'fitting' })) },
    { weight: 2, arbitrary: fc.oneof(oddString, oddNumber.map(String)).map((v) => ({ value: escaped(v), how: `odd ${JSON.stringify(v.slice(0, 30))}` })) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%FF', '%C0%AF', '%00', '%2F', '..', '.', '%2e%2e', 'a%20b', 'x'.repeat(101), '1;2', '1?x', '1#x').map((value) => ({ value, how: `raw ${value.slice(0, 20)}` })) },
  );
}

const queryValue = (parameter: Parameter) => fc.oneof(fitting(parameter.schema).map(String), oddString, oddNumber.map(String));
const escapeQuery = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
};

/** The content type a body is sent with: the right one mostly, the wrong one often enough. */
const contentTypes = (right: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(right) },
    { weight: 3, arbitrary: fc.constantFrom('application/json', 'text/csv', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'text/csv; charset=utf-16', 'application/xml', 'application/octet-stream', '*/*', 'application/json, text/csv', ';;;', 'application/JSON') },
    { weight: 1, arbitrary: fc.constant('') },
  );

/** One request to `operation` with something bent out of shape (or, now and then, nothing). */
export function requestFor(operation: Operation, known: KnownValues, bigBodyBytes: number): fc.Arbitrary<GeneratedRequest> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const path = fc.tuple(...pathParameters.map((p) => pathValue(p, known(operation, p.name)))).map((values) => {
    let url = operation.path;
    pathParameters.forEach((p, i) => (url = url.replace(`{${p.name}}`, values[i].value)));
    return { url, how: values.map((v, i) => `${pathParameters[i].name}=${v.how}`).join(' ') };
  });
  const query = fc
    .tuple(fc.subarray(queryParameters), fc.constantFrom('', '', '', '&extra=1', '&limit=1&limit=2', '&=', '&&&', '&%', '&a[b]=1', '&__proto__=x', `&q=${'x'.repeat(5000)}`))
    .chain(([chosen, tail]) => fc.tuple(...chosen.map((p) => queryValue(p).map((v) => `${encodeURIComponent(p.name)}=${escapeQuery(v)}`))).map((pairs) => pairs.join('&') + tail));
  const body = ((): fc.Arbitrary<{ payload?: string | Buffer; contentType?: string; how: string }> => {
    const big = fc.constant({ payload: `{"data":"${'x'.repeat(bigBodyBytes)}"}`, contentType: operation.body?.contentType ?? 'application/json', how: 'big body' });
    if (!operation.body) {
      return fc.oneof(
        { weight: 8, arbitrary: fc.constant({ how: 'no body' }) },
        { weight: 2, arbitrary: fc.tuple(brokenJson, contentTypes('application/json')).map(([payload, contentType]) => ({ payload, contentType, how: `unexpected body ${contentType}` })) },
        { weight: 1, arbitrary: big },
      );
    }
    if (operation.body.contentType === 'text/csv') {
      return fc.oneof(
        { weight: 8, arbitrary: fc.tuple(csvText, contentTypes('text/csv')).map(([payload, contentType]) => ({ payload, contentType, how: `csv ${contentType}` })) },
        { weight: 2, arbitrary: fc.tuple(fc.oneof(brokenJson, fitting({ type: 'object', properties: { a: {} } }).map((v) => JSON.stringify(v))), contentTypes('application/json')).map(([payload, contentType]) => ({ payload, contentType, how: `json to a CSV route ${contentType}` })) },
        { weight: 1, arbitrary: big },
      );
    }
    const schema = operation.body.schema;
    return fc.oneof(
      { weight: 2, arbitrary: fitting(schema).map((v) => ({ payload: JSON.stringify(v), contentType: 'application/json', how: 'fitting body' })) },
      { weight: 6, arbitrary: fc.tuple(bent(schema), contentTypes('application/json')).map(([v, contentType]) => ({ payload: JSON.stringify(v) ?? '', contentType, how: `bent body ${contentType}` })) },
      { weight: 2, arbitrary: fc.tuple(brokenJson, contentTypes('application/json')).map(([payload, contentType]) => ({ payload, contentType, how: `broken JSON ${contentType}` })) },
      { weight: 1, arbitrary: fc.tuple(csvText, contentTypes('text/csv')).map(([payload, contentType]) => ({ payload, contentType, how: `csv to a JSON route ${contentType}` })) },
      { weight: 1, arbitrary: fc.constant({ payload: Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), contentType: 'application/json', how: 'UTF-16 body' }) },
      { weight: 1, arbitrary: big },
    );
  })();
  const urlShape = fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('/', '//', '?', '#frag', '/..', '%') });
  return fc.tuple(path, query, body, urlShape).map(([p, q, b, shape]) => {
    let url = p.url;
    if (shape === '//') url = url.replace('/api/', '/api//');
    else if (shape === '?' || shape === '#frag') url += shape;
    else url += shape;
    if (q) url += (url.includes('?') ? '&' : '?') + q;
    const headers: Record<string, string> = {};
    if (b.contentType !== undefined && b.payload !== undefined) headers['content-type'] = b.contentType;
    return { method: operation.method, url, headers, ...(b.payload !== undefined && { payload: b.payload }), how: `${p.how} | query ${q.slice(0, 60)} | ${b.how} | url+${JSON.stringify(shape)}` };
  });
}

const errorCodes = new Set(Object.keys(statusOf));
/** 400s about the request as a whole rather than one field of it: a URL that is not percent-encoding, a NUL that PostgreSQL refuses. */
const wholeRequestRefusals = [/^the URL is not valid percent-encoding/, /holds a NUL character/];

/** A 4xx answer in our shape: `{"error":{code,message,field?}}`, its code the one for its status, a 400 naming its field, no stack trace. */
export function errorShapeProblem(response: LightMyRequestResponse): string | undefined {
  let body: unknown;
  try {
    body = response.json();
  } catch {
    return `the body is not JSON: ${response.body.slice(0, 120)}`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return `no "error" object: ${response.body.slice(0, 120)}`;
  if (typeof error.code !== 'string' || !errorCodes.has(error.code)) return `unknown code ${JSON.stringify(error.code)}`;
  if (statusOf[error.code as ErrorCode] !== response.statusCode) return `code ${error.code} answered with status ${response.statusCode}`;
  if (typeof error.message !== 'string' || error.message.trim() === '') return 'no message';
  if (error.field !== undefined && typeof error.field !== 'string') return 'a field that is not a string';
  if (response.statusCode === 400 && error.field === undefined && !wholeRequestRefusals.some((r) => r.test(String(error.message)))) return `a 400 that names no field: ${String(error.message).slice(0, 120)}`;
  if (/\n\s+at /.test(error.message) || /node_modules|\.ts:\d+/.test(error.message)) return `a stack trace in the message: ${error.message.slice(0, 120)}`;
  return undefined;
}

/** The row count of every table, one query: a refused request must leave every count as it was. */
export async function rowCounter(db: Db, dialect: DialectName): Promise<() => Promise<Record<string, number>>> {
  // On PostgreSQL the introspection lists every schema's tables: other tests' schemas too.
  const schema = dialect === 'postgres' ? (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0].name : undefined;
  const tables = (await db.introspection.getTables())
    .filter((t) => !t.isView && t.schema === schema && !t.name.startsWith('kysely_') && !t.name.startsWith('sqlite_'))
    .map((t) => t.name);
  const query = sql<Record<string, number | string>>`select ${sql.join(tables.map((t) => sql`(select count(*) from ${sql.table(t)}) as ${sql.ref(t)}`))}`;
  return async () => {
    const row = (await query.execute(db)).rows[0];
    return Object.fromEntries(Object.entries(row).map(([table, count]) => [table, Number(count)]));
  };
}

/**
 * What every write leaves, read in one cheap query: the audit trail's length (every write records an
 * event with it, src/store/write.ts) and the access logs' last ids (a successful read of participant data).
 */
export async function writeMarker(db: Db): Promise<string> {
  const row = await sql<{ audit: unknown; people: unknown; units: unknown }>`select (select max(seq) from audit_head) as audit, (select max(id) from access_log) as people, (select max(id) from unit_access_log) as units`.execute(db);
  const { audit, people, units } = row.rows[0];
  return `audit ${String(audit)}, access ${String(people)}/${String(units)}`;
}

/** The tables whose counts differ between two snapshots. */
export function changedTables(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after).filter((table) => before[table] !== after[table]);
}

/** Sends with a limit: an answer that does not come in time is a stall. */
export async function answeredWithin<T>(ms: number, what: string, answer: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stall = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} stalled: no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([answer, stall]);
  } finally {
    clearTimeout(timer);
  }
}

/** Fails with the first problems found, each with the request that caused it. */
export function expectNoProblems(problems: string[], what: string): void {
  expect(problems.slice(0, 25), `${problems.length} ${what}`).toEqual([]);
}
