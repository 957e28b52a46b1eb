// `npm run bench -- web [--participants N] [--weeks W] [--runs N] [--api-runs N] [--fresh] [--postgres]`:
// the commander's home screen on a large cohort. Loads the demo with N participants (default
// 10,000) and W weeks of training and wellness (default 52, a year; `muster demo --participants N
// --weeks W`) into bench/out/web/web-N-Ww.db, or on PostgreSQL into schema bench_web_N_Ww, once
// (the demo rebuilds the state kept on write at its end): later runs reuse it (--fresh loads it
// again; migrations still run on a reused one, and fill the state they add). Serves it with the
// datapad, signs in as the commander in headless Chromium (Debian's /usr/bin/chromium) and times,
// over several runs, navigation to the home screen until every panel has its data (goal: under
// 1 s), and the same for the drill-down to a platoon and to one of its participants; then times
// each API answer behind those screens (goal: p95 under 100 ms). What writes cost on the same
// database: `npm run bench -- writes`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { loadDemo } from '../src/demo/load.ts';
import { DEMO_PASSWORD } from '../src/auth/demo.ts';
import { buildApp } from '../src/server/app.ts';
import { openDatabase } from '../src/store/db.ts';
import { migrateAll } from '../src/capabilities.ts';
import { benchOption, webBenchDatabase, webOutDir } from './lib/web-database.ts';

const args = process.argv.slice(2);
const { participants: PARTICIPANTS, weeks: WEEKS, sqliteFile: file, postgresUrl, pgSchema: PG_SCHEMA } = webBenchDatabase(args);
const RUNS = benchOption(args, '--runs', 5);
const API_RUNS = benchOption(args, '--api-runs', 20);
const outDir = webOutDir;
const webRoot = `${outDir}dist`;
const repo = new URL('../', import.meta.url).pathname;

/** True when the demo is already in the schema (and not --fresh); otherwise the schema is made afresh, empty. */
async function reusePostgresSchema(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`select count(*)::int as n from information_schema.tables where table_schema = $1 and table_name = 'person'`, [PG_SCHEMA]);
    if (rows[0].n > 0 && !args.includes('--fresh')) return true;
    await client.query(`drop schema if exists ${PG_SCHEMA} cascade`);
    await client.query(`create schema ${PG_SCHEMA}`);
    return false;
  } finally {
    await client.end();
  }
}

mkdirSync(outDir, { recursive: true });
const reuse = postgresUrl ? await reusePostgresSchema(postgresUrl) : !args.includes('--fresh') && existsSync(file);
if (!reuse && !postgresUrl) for (const part of [file, `${file}-wal`, `${file}-shm`]) rmSync(part, { force: true });
const database = postgresUrl ? openDatabase({ databaseUrl: postgresUrl, pgSchema: PG_SCHEMA }) : openDatabase({ sqliteFile: file });
await migrateAll(database.db);
if (!reuse) {
  const started = performance.now();
  await loadDemo(database.db, { participants: PARTICIPANTS, weeks: WEEKS });
  if (postgresUrl) await sql`analyze`.execute(database.db);
  console.log(`demo with ${PARTICIPANTS} participants and ${WEEKS} weeks loaded into ${database.dialect} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
// The datapad is built every run, so that a reused database never meets an older build of it.
execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--outDir', webRoot, '--emptyOutDir', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });

const app = await buildApp({ database, webRoot });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

try {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const login = await context.request.post('/api/auth/login', { data: { username: 'commander', password: DEMO_PASSWORD } });
  if (!login.ok()) throw new Error(`sign-in failed: ${login.status()} ${await login.text()}`);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);

  // A screen is usable when its charts are drawn and no panel still says "Loading…". The home is
  // the goal; the drill-down to a platoon and to one of its participants is timed the same way.
  const apiCalls = new Map<string, Set<string>>();
  let screen = '';
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) apiCalls.get(screen)?.add(url.pathname + url.search);
  });
  const timeScreen = async (name: string, path: string, charted: boolean, goal?: number) => {
    screen = name;
    apiCalls.set(name, new Set());
    const times: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const started = performance.now();
      await page.goto(path);
      if (charted) await page.locator('.plot svg').first().waitFor();
      await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
      // The first run warms the server's caches and the browser's; it is not counted.
      if (run > 0) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`${name}: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, worst ${times[times.length - 1].toFixed(0)} ms over ${RUNS} runs${goal ? ` (goal < ${goal} ms)` : ''}; load average ${loadavg()[0].toFixed(1)}`);
  };
  // The home is the day's numbers and flags (no charts); the Cohort screen holds the charts.
  await timeScreen(`commander home, ${PARTICIPANTS} participants`, '/', false, 1000);
  await timeScreen(`cohort in detail, ${PARTICIPANTS} participants`, '/cohort', true, 1000);
  const units = (await (await context.request.get('/api/units')).json()) as { units: { id: number; kind: string }[] };
  const platoon = units.units.find((u) => u.kind === 'platoon');
  if (platoon) {
    await timeScreen(`drill-down to a platoon (unit ${platoon.id})`, `/units/${platoon.id}`, false);
    const { people } = (await (await context.request.get(`/api/people?unitId=${platoon.id}&role=participant&limit=1`)).json()) as { people: { id: number }[] };
    await timeScreen(`drill-down to a participant (person ${people[0].id})`, `/people/${people[0].id}`, false);
  }

  const cookies = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  for (const [name, calls] of apiCalls) {
    console.log(`API answers behind ${name} (${API_RUNS} requests each, sequential):`);
    for (const path of [...calls].sort()) {
      const times: number[] = [];
      // This process's CPU time a request (the server runs in it; on SQLite so does the database):
      // what a busy machine inflates least, beside the wall-clock time that the goal is about.
      const cpu: number[] = [];
      for (let i = 0; i < API_RUNS; i++) {
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const response = await fetch(`${base}${path}`, { headers: { cookie: cookies } });
        await response.arrayBuffer();
        times.push(performance.now() - started);
        const used = process.cpuUsage(cpuBefore);
        cpu.push((used.user + used.system) / 1000);
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      const p95 = times[Math.min(times.length - 1, Math.ceil(0.95 * times.length) - 1)];
      console.log(
        `  ${path.padEnd(48)} p50 ${times[Math.floor(times.length / 2)].toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms  cpu p50 ${cpu[Math.floor(cpu.length / 2)].toFixed(1).padStart(6)} ms${p95 > 100 ? '  (over 100 ms)' : ''}  load average ${loadavg()[0].toFixed(1)}`,
      );
    }
  }
} finally {
  await browser.close();
  await app.close();
  await database.close();
}
