import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Console } from 'node:console';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DialectName } from '../store/db.ts';
import { runMuster } from './program.ts';

const root = new URL('../../', import.meta.url).pathname;
const entry = ['--import', 'tsx', join(root, 'src/cli/main.ts')];

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let running = false;

/**
 * Runs `muster ...` in this process, a few milliseconds instead of the seconds a new Node process
 * takes to load the sources: `env` is set for the run, standard output and error (`console` too)
 * are captured, and the exit code comes from runMuster (which restores `process.exitCode`). Not for
 * what only a process has: serve, a password on standard input, a closed pipe, the exit itself
 * (spawnMuster does those).
 */
export async function muster(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliResult & { status: number }> {
  if (running) throw new Error('muster() runs one command at a time');
  running = true;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
      (typeof encoding === 'function' ? encoding : callback)?.();
      return true;
    };
  const saved = { stdout: process.stdout.write, stderr: process.stderr.write, console: globalThis.console, env: { ...process.env } };
  process.stdout.write = capture(stdout) as typeof process.stdout.write;
  process.stderr.write = capture(stderr) as typeof process.stderr.write;
  globalThis.console = new Console(process.stdout, process.stderr);
  Object.assign(process.env, options.env);
  try {
    const status = await runMuster(args);
    return { status, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    globalThis.console = saved.console;
    for (const name of Object.keys(process.env)) if (!(name in saved.env)) delete process.env[name];
    Object.assign(process.env, saved.env);
    running = false;
  }
}

/** Runs `muster ...` in a child process, as a user would (the sources, through tsx). */
export function spawnMuster(args: string[], options: { env?: Record<string, string>; input?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [...entry, ...args], {
    cwd: root,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `muster ...` in a child process and closes its standard output after the first chunk, as `| head` does. */
export function spawnMusterClosingPipe(args: string[], env: Record<string, string>): Promise<{ status: number | null; signal: NodeJS.Signals | null; head: string; stderr: string }> {
  const child = spawn(process.execPath, [...entry, ...args], { cwd: root, env: { ...process.env, ...env } });
  let head = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.once('data', (chunk: Buffer) => {
    head = chunk.toString();
    child.stdout.destroy();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`muster ${args.join(' ')} did not stop after its reader closed the pipe:\n${stderr}`));
    }, 60_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, head, stderr });
    });
  });
}

/**
 * Starts `muster ...` (e.g. serve) and resolves once it prints a line matching `ready`; one that is
 * not ready within `timeoutMs` is killed, so no server outlives a failed test.
 */
export function startMuster(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<{ child: ChildProcess; output: () => string; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [...entry, ...args], { cwd: root, env: { ...process.env, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`muster ${args.join(' ')} did not become ready in ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, output: () => output, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`muster exited with ${code} before it was ready:\n${output}`)));
  });
}

/** Environment that points the CLI at a fresh database of the given kind; drop() removes it. */
export async function cliDatabase(dialect: DialectName): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const file = join(mkdtempSync(join(tmpdir(), 'muster-cli-')), 'muster.db');
    return { env: { MUSTER_DB: file, DATABASE_URL: '' }, drop: async () => {} };
  }
  // Imported here, so that muster() (and `muster analyze` with it) does not load every capability.
  const { TEST_DATABASE_URL } = await import('../server/test-databases.ts');
  const schema = `cli_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}
