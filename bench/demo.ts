// `npm run bench -- demo [--participants N] [--weeks W] [--postgres]`: times `muster demo
// --participants N --weeks W` (default 10,000 and 12, the demo's own weeks) as a whole process from the source (tsx src/cli/main.ts), on a fresh SQLite file
// or, with --postgres, on a fresh PostgreSQL database made for the run on the server of
// DATABASE_URL (default the local one) and dropped after. Then `muster audit verify` must accept
// the chain. Goal (issue 17): under 60 s on SQLite, 120 s on PostgreSQL. Prints wall and CPU
// seconds (the process's own: PostgreSQL's work is in wall time only), peak memory and the load
// average, since figures on a shared machine are noisy. The row-by-row demo this replaced is not
// kept to compare against: its figures from the same machine are in the closing note of issue 17.
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { measure } from './measure-process.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const PARTICIPANTS = option('--participants', 10_000);
const WEEKS = option('--weeks', 12);
const onPostgres = args.includes('--postgres');
const GOAL_SECONDS = onPostgres ? 120 : 60;

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
let cleanup = async () => {};
if (onPostgres) {
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const name = `bench_demo_${process.pid}`;
  const admin = new URL(server);
  admin.pathname = '/postgres';
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  await run(`create database ${name}`);
  server.pathname = `/${name}`;
  process.env.DATABASE_URL = server.toString();
  cleanup = () => run(`drop database ${name}`);
} else {
  const dir = new URL('./out/demo/', import.meta.url).pathname;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  delete process.env.DATABASE_URL;
  process.env.MUSTER_DB = `${dir}demo.db`;
}

try {
  console.log(`muster demo --participants ${PARTICIPANTS.toLocaleString()} --weeks ${WEEKS} on ${onPostgres ? 'PostgreSQL' : 'SQLite'} (load average before: ${load()})`);
  const loaded = measure('npx', ['tsx', 'src/cli/main.ts', 'demo', '--participants', String(PARTICIPANTS), '--weeks', String(WEEKS)])!;
  console.log(`  loaded in ${loaded.seconds.toFixed(1)} s wall, ${loaded.cpuSeconds?.toFixed(1) ?? '?'} s CPU, peak ${loaded.peakMegabytes?.toFixed(0) ?? '?'} MB (goal under ${GOAL_SECONDS} s; load average after: ${load()})`);
  const verified = measure('npx', ['tsx', 'src/cli/main.ts', 'audit', 'verify'])!;
  console.log(`  muster audit verify: ${verified.stdout.trim().split('\n').pop()} (${verified.seconds.toFixed(1)} s)`);
} finally {
  await cleanup();
}
