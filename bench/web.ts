// `npm run bench -- web [--participants N] [--weeks W] [--runs N] [--api-runs N] [--write-runs N] [--fresh] [--postgres]`:
// the commander's home screen on a large cohort. Loads the demo with N participants (default
// 10,000) and W weeks of training and wellness (default 52, a year; `muster demo --participants N
// --weeks W`) into bench/out/web/web-N-Ww.db, or on PostgreSQL into schema bench_web_N_Ww, once (the demo rebuilds the state kept on write at its end): later runs reuse it
// (--fresh loads it again; migrations still run on a reused one, and fill the state they add). Serves it with the datapad, signs in as the commander in
// headless Chromium (Debian's /usr/bin/chromium) and times, over several runs, navigation to the
// home screen until every panel has its data (goal: under 1 s), and the same for the drill-down to
// a platoon and to one of its participants; then times each API answer behind those screens (goal:
// p95 under 100 ms); then the write cost of the tallies kept on write (docs/adr/0008): one
// attendance write, and a platoon's session (held, attendance for its ~30 people, their sets).
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
import { systemActor } from '../src/shared/actor.ts';
import { write } from '../src/store/write.ts';
import { createSession, exerciseLookup, setAttendance, setColumns, updateSession, writeSets } from '../src/training/store.ts';
import { applyTallyChanges, attendanceTally, tallyChange } from '../src/training/attendance-tally.ts';
import { localDateOf } from '../src/shared/time.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const PARTICIPANTS = option('--participants', 10_000);
const WEEKS = option('--weeks', 52);
const RUNS = option('--runs', 5);
const API_RUNS = option('--api-runs', 20);
const WRITE_RUNS = option('--write-runs', 5);
const PLATOON = 30;
const outDir = new URL('./out/web/', import.meta.url).pathname;
const file = `${outDir}web-${PARTICIPANTS}-${WEEKS}w.db`;
const webRoot = `${outDir}dist`;
const repo = new URL('../', import.meta.url).pathname;

// --postgres: the same on PostgreSQL (DATABASE_URL, default the local test database), in its own schema.
const postgresUrl = args.includes('--postgres') ? (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined;
const PG_SCHEMA = `bench_web_${PARTICIPANTS}_${WEEKS}w`;

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
  if (platoon) await timeWrites(platoon.id);
} finally {
  await browser.close();
  await app.close();
  await database.close();
}

/**
 * The write path's cost with the tallies kept on write: a platoon's session, held, as its trainer
 * logs it (each write a transaction of its own, as the datapad sends them): each member's
 * attendance with a rating, then their sets (three lifts of four sets) in one batch. Each run uses
 * a new session of the platoon at a start of its own (the bench's writes stay in the database).
 */
async function timeWrites(platoonId: number) {
  const db = database.db;
  const asBench = <T>(fn: Parameters<typeof write<T>>[2]) => write(db, systemActor('bench'), fn);
  // A platoon's worth of people (the demo's platoons grow with the cohort): its first 30 members.
  const members = (await db.selectFrom('person_unit').select('person_id').where('unit_id', '=', platoonId).where('effective_to', 'is', null).orderBy('person_id').limit(PLATOON).execute()).map((r) => r.person_id);
  const exercises = await exerciseLookup(db);
  const lifts = ['back squat', 'bench press', 'deadlift'].map((name) => exercises.get(name)!);
  const attendanceTimes: number[] = [];
  const sessionTimes: number[] = [];
  for (let run = 0; run < WRITE_RUNS; run++) {
    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 - (run + 1) * 3_600_000).toISOString();
    const started = performance.now();
    const session = await asBench((w) => createSession(w, { unitId: platoonId, title: 'bench', plannedStart: start, plannedMinutes: 60, trainerId: null, notes: '' }));
    await asBench((w) => updateSession(w, session.id, { status: 'held', actualMinutes: 60 }));
    for (const personId of members) {
      const one = performance.now();
      await asBench((w) => setAttendance(w, session.id, personId, { status: 'present', rpe: 6, minutes: null }));
      attendanceTimes.push(performance.now() - one);
    }
    const sets = members.flatMap((personId) =>
      lifts.flatMap((exerciseId) =>
        [1, 2, 3, 4].map((setNumber) =>
          setColumns({ sessionId: session.id, personId, exerciseId, setNumber, loadUnit: 'kg', target: { reps: 5, load: 80, rpe: null, rir: null, durationS: null, distanceM: null }, actual: { reps: 5, load: 80, rpe: 7, rir: null, durationS: null, distanceM: null }, notes: '' }),
        ),
      ),
    );
    await asBench((w) => writeSets(w, sets, { source: 'form', selfReported: false, duplicates: 'refuse' }));
    sessionTimes.push(performance.now() - started);
  }
  // The keeping alone, in transactions rolled back: one attendance's tally change, and a session's attendees' at once.
  const tallyTimes: number[] = [];
  const tallyCpu: number[] = [];
  const sessionTallyTimes: number[] = [];
  const today = localDateOf(new Date(), 'Europe/London');
  const present = attendanceTally({ status: 'present', rpe: 6, minutes: null }, 60);
  const rolledBack = new Error('rolled back');
  for (let run = 0; run < WRITE_RUNS; run++) {
    await db
      .transaction()
      .execute(async (tx) => {
        const w = { db: tx, actor: systemActor('bench'), now: new Date(), record: () => Promise.reject(new Error('the tallies record nothing')) };
        for (const personId of members) {
          const started = performance.now();
          const cpu = process.cpuUsage();
          await applyTallyChanges(w, [tallyChange(personId, today, present, 1)]);
          tallyTimes.push(performance.now() - started);
          const used = process.cpuUsage(cpu);
          tallyCpu.push((used.user + used.system) / 1000);
        }
        const started = performance.now();
        await applyTallyChanges(w, members.map((personId) => tallyChange(personId, today, present, -1)));
        sessionTallyTimes.push(performance.now() - started);
        throw rolledBack;
      })
      .catch((e: unknown) => {
        if (e !== rolledBack) throw e;
      });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const best = (xs: number[]) => Math.min(...xs);
  console.log(`writes (${database.dialect}, platoon ${platoonId}, ${members.length} members, ${WRITE_RUNS} sessions):`);
  console.log(`  one attendance write                             median ${median(attendanceTimes).toFixed(1).padStart(7)} ms  best ${best(attendanceTimes).toFixed(1).padStart(7)} ms  load average ${loadavg()[0].toFixed(1)}`);
  console.log(`  a platoon's session (held, attendance, ${members.length * lifts.length * 4} sets)  median ${median(sessionTimes).toFixed(0).padStart(7)} ms  best ${best(sessionTimes).toFixed(0).padStart(7)} ms  load average ${loadavg()[0].toFixed(1)}`);
  console.log(`  of which the tallies, one attendance               median ${median(tallyTimes).toFixed(2).padStart(7)} ms  best ${best(tallyTimes).toFixed(2).padStart(7)} ms  cpu median ${median(tallyCpu).toFixed(2)} ms`);
  console.log(`  of which the tallies, a session's ${members.length} attendees at once  median ${median(sessionTallyTimes).toFixed(1).padStart(7)} ms  best ${best(sessionTallyTimes).toFixed(1).padStart(7)} ms  load average ${loadavg()[0].toFixed(1)}`);
}
