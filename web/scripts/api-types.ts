/**
 * Writes web/src/api/paths.gen.ts: the TypeScript types of every API route (path and query
 * parameters, request body, response) from the OpenAPI document that the server builds from its
 * zod schemas. The schemas stay the one source of truth; the datapad never re-declares a shape.
 * Runs before every web build and type check (package.json), so the file is never stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../src/server/app.ts';
import { openDatabase } from '../../src/store/db.ts';
import { migrateAll } from '../../src/capabilities.ts';

export interface JsonSchema {
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  description?: string;
}

interface Operation {
  parameters?: { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The TypeScript type of a JSON schema, for the subset that zod's JSON Schema output uses. */
export function typeOf(schema: JsonSchema | undefined, indent = ''): string {
  if (!schema || Object.keys(schema).filter((key) => key !== 'description').length === 0) return 'unknown';
  let type: string;
  if (schema.enum) type = schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  else if (schema.const !== undefined) type = JSON.stringify(schema.const);
  else if (schema.anyOf ?? schema.oneOf) type = (schema.anyOf ?? schema.oneOf)!.map((s) => typeOf(s, indent)).join(' | ');
  else if (schema.allOf) type = schema.allOf.map((s) => `(${typeOf(s, indent)})`).join(' & ');
  else type = [schema.type ?? 'object'].flat().map((t) => primitive(t, schema, indent)).join(' | ');
  return schema.nullable && !type.split(' | ').includes('null') ? `${type} | null` : type;
}

function primitive(type: string, schema: JsonSchema, indent: string): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${typeOf(schema.items, indent)}>`;
    default:
      return objectType(schema, indent);
  }
}

function objectType(schema: JsonSchema, indent: string): string {
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(
    ([name, property]) => `${inner}${JSON.stringify(name)}${required.has(name) ? '' : '?'}: ${typeOf(property, inner)};`,
  );
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object') fields.push(`${inner}[key: string]: ${typeOf(extra, inner)};`);
  else if (extra !== false && fields.length === 0) return 'Record<string, unknown>';
  return `{\n${fields.join('\n')}\n${indent}}`;
}

function parameters(operation: Operation, where: 'path' | 'query', indent: string): string | null {
  const list = (operation.parameters ?? []).filter((p) => p.in === where);
  if (list.length === 0) return null;
  const schema: JsonSchema = {
    properties: Object.fromEntries(list.map((p) => [p.name, p.schema])),
    required: list.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
  return objectType(schema, indent);
}

/** The body of the first success response; 204 and missing bodies are `null`. */
function responseType(operation: Operation, indent: string): string {
  const [status, response] = Object.entries(operation.responses ?? {}).find(([code]) => code.startsWith('2')) ?? [];
  if (!status || status === '204' || !response?.content) return 'null';
  return typeOf(response.content['application/json']?.schema, indent);
}

function bodyType(operation: Operation, indent: string): string | null {
  const content = operation.requestBody?.content;
  if (!content) return null;
  const [, media] = Object.entries(content)[0];
  return typeOf(media.schema, indent);
}

export function pathsModule(document: OpenApiDocument): string {
  const entries: string[] = [];
  for (const [path, item] of Object.entries(document.paths).sort(([a], [b]) => a.localeCompare(b))) {
    if (!path.startsWith('/api/')) continue;
    const operations = methods
      .filter((method) => item[method])
      .map((method) => {
        const operation = item[method];
        const parts = [
          ['path', parameters(operation, 'path', '      ')],
          ['query', parameters(operation, 'query', '      ')],
          ['body', bodyType(operation, '      ')],
          ['response', responseType(operation, '      ')],
        ].filter((part): part is [string, string] => part[1] !== null);
        return `    ${method}: {\n${parts.map(([name, type]) => `      ${name}: ${type};`).join('\n')}\n    };`;
      });
    entries.push(`  ${JSON.stringify(path)}: {\n${operations.join('\n')}\n  };`);
  }
  return [
    '// Generated by web/scripts/api-types.ts from the server\'s OpenAPI document. Do not edit:',
    '// change the route\'s zod schema and run `npm run api-types`.',
    'export interface ApiPaths {',
    ...entries,
    '}',
    '',
  ].join('\n');
}

async function serverDocument(): Promise<OpenApiDocument> {
  const database = openDatabase({ sqliteFile: ':memory:' });
  try {
    await migrateAll(database.db);
    const app = await buildApp({ database, webRoot: null });
    await app.ready();
    const document = app.swagger() as unknown as OpenApiDocument;
    await app.close();
    return document;
  } finally {
    await database.close();
  }
}

export const pathsFile = fileURLToPath(new URL('../src/api/paths.gen.ts', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = pathsModule(await serverDocument());
  let current = '';
  try {
    current = readFileSync(pathsFile, 'utf8');
  } catch {
    // First run: no file yet.
  }
  if (current !== text) {
    mkdirSync(dirname(pathsFile), { recursive: true });
    writeFileSync(pathsFile, text);
  }
}
