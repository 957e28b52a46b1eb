/**
 * The real server for the stress tests: a fresh database of either kind, `muster start` (demo
 * loaded) as a child process that a test may SIGKILL, signed-in clients over loopback, and the
 * server's resident memory. Everything it makes is removed by `dispose()`, failure or not.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { muster, startMuster } from '../../cli/testing.ts';
import { openDatabase, type DatabaseHandle, type DialectName } from '../../store/db.ts';
import { TEST_DATABASE_URL } from '../test-databases.ts';

export interface StressDatabase {
  dialect: DialectName;
  /** The environment that points `muster` at it. */
  env: Record<string, string>;
  /** A connection of the test's own, to check what the server stored. */
  open(): DatabaseHandle;
  /** Removes it (the SQLite directory, or the PostgreSQL database). */
  drop(): Promise<void>;
}

async function onMaintenanceDatabase<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database: a SQLite file in a temporary directory, or a PostgreSQL database of its own. */
export async function freshStressDatabase(dialect: DialectName): Promise<StressDatabase> {
  if (dialect === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'muster-stress-'));
    const file = join(directory, 'muster.db');
    return {
      dialect,
      env: { MUSTER_DB: file, DATABASE_URL: '' },
      open: () => openDatabase({ sqliteFile: file }),
      drop: async () => rmSync(directory, { recursive: true, force: true }),
    };
  }
  const name = `muster_stress_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onMaintenanceDatabase((client) => client.query(`create database ${name}`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    dialect,
    env: { DATABASE_URL: url.toString() },
    open: () => openDatabase({ databaseUrl: url.toString() }),
    // WITH (FORCE): a killed server's connections may still be open on the PostgreSQL side.
    drop: () => onMaintenanceDatabase((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** A port nobody listens on now; the same one serves every restart, as a real deployment's does. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  base: string;
  output(): string;
}

/**
 * Loads the demo with `participants` participants (`muster demo --participants N`, in this process)
 * before the first start: the short forms' smaller cohort loads in about half the time of the
 * default 60, most of their set-up on PostgreSQL.
 */
export async function loadSmallDemo(database: StressDatabase, participants: number): Promise<void> {
  const result = await muster(['demo', '--participants', String(participants)], { env: database.env });
  if (result.status !== 0) throw new Error(`muster demo: ${result.stdout}${result.stderr}`);
}

/** `muster start` on the database: a new one first gets the demo cohort (a minute or more on a busy machine). */
export async function startServer(database: StressDatabase, port: number): Promise<RunningServer> {
  const started = await startMuster(['start', '--port', String(port)], { ...database.env, LOG_LEVEL: 'warn' }, /Muster \S+ on (http:\/\/\S+)/, 300_000);
  return { child: started.child, pid: started.child.pid!, base: started.match[1], output: started.output };
}

/** Ends the server at once, as a power cut would; resolves when the process is gone. */
export function killServer(server: RunningServer, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** What the server logged at error level or above (pino's JSON lines): the cause of a 500, for a failure's message. */
export function serverErrors(server: RunningServer): string {
  return server
    .output()
    .split('\n')
    .filter((line) => /"level":(5|6)\d/.test(line))
    .slice(0, 5)
    .join('\n');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The process's resident set size in bytes (Linux: /proc/<pid>/status, VmRSS). */
export function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) * 1024;
}

export interface Client {
  base: string;
  headers: Record<string, string>;
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** Signs in over HTTP; the session lives in the database, so it outlasts a restart. */
export async function signIn(base: string, username: string, password = 'demo-password'): Promise<Client> {
  const response = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (response.status !== 200) throw new Error(`sign-in as ${username}: ${response.status} ${await response.text()}`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { base, headers: { cookie: response.headers.get('set-cookie')!.split(';')[0], 'x-csrf-token': csrfToken } };
}

/** A kiosk's client: its token is its only credential. */
export const kioskClient = (base: string, token: string): Client => ({ base, headers: { authorization: `Bearer ${token}` } });

/** One JSON request; a network failure (the server gone) rejects. */
export async function call<T = unknown>(client: Client, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(`${client.base}/api${path}`, {
    method,
    headers: { ...client.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
}

/** Like call, but anything other than the expected status is an error naming the request. */
export async function expectCall<T = unknown>(client: Client, method: string, path: string, status: number, body?: unknown): Promise<T> {
  const answer = await call<T>(client, method, path, body);
  if (answer.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}
