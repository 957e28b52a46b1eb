// `npm run bench -- checkin [--seconds S] [--people N] [--connections C] [--profile]`: the kiosk's check-in
// route under load. The Muster server (`muster serve` on a SQLite file, WAL, synchronous=FULL)
// and a bare Fastify route doing one SQLite insert (bench/checkin/bare-server.ts) run one after
// the other, each in its own process, driven from this process over loopback by autocannon:
//   1. the highest rate each sustains for S seconds (default 30), same connections: the ratio;
//   2. Muster at a fixed 500 requests per second for S seconds: its p99 latency.
// Every request carries a distinct badge and idempotency key (N participants, each with an
// appointment at the kiosk's location now), so each 201 is one new check-in. At the end the
// check-ins stored are counted. Last line (issue 13's contract):
//   checkin: ratio R (muster N req/s vs bare M req/s), p99 P ms at 500 rps, acknowledged A, stored S
// Goal: ratio >= 0.6, p99 < 25 ms at 500 rps, A = S.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { migrateAll } from '../src/capabilities.ts';
import { badgeHash } from '../src/schedule/kiosks.ts';
import { makeKiosk, makeLocation } from '../src/schedule/kiosk-testing.ts';
import { openDatabase } from '../src/store/db.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const SECONDS = option('--seconds', 30);
const PEOPLE = option('--people', 300_000);
const CONNECTIONS = option('--connections', 20);
const FIXED_RATE = 500;
const WARM_UP_SECONDS = 3;
/** --profile: the Muster server writes a V8 CPU profile (.cpuprofile) to bench/out/checkin/. */
const PROFILE = args.includes('--profile');
const root = new URL('../', import.meta.url).pathname;
const outDir = new URL('./out/checkin/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const musterFile = `${outDir}muster.db`;
const bareFile = `${outDir}bare.db`;
for (const file of [musterFile, bareFile]) for (const part of [file, `${file}-wal`, `${file}-shm`]) rmSync(part, { force: true });

/** N participants with a badge each and an appointment at the kiosk's location that has begun and lasts the whole run. */
async function prepare(): Promise<string> {
  const handle = openDatabase({ sqliteFile: musterFile });
  await migrateAll(handle.db);
  const db = handle.db;
  const location = await makeLocation(db, { name: 'Bench door' });
  const kiosk = await makeKiosk(db, location.name);
  const now = new Date();
  const at = now.toISOString();
  const startsAt = new Date(now.getTime() - 5 * 60_000).toISOString();
  const started = Date.now();
  const BATCH = 500;
  for (let first = 0; first < PEOPLE; first += BATCH) {
    const designations = Array.from({ length: Math.min(BATCH, PEOPLE - first) }, (_, i) => badgeOf(first + i));
    await db.transaction().execute(async (tx) => {
      const people = await tx
        .insertInto('person')
        .values(designations.map((designation) => ({ designation, designation_key: designation, name: `Bench ${designation}`, rank: 'Pte', status: 'active' as const, date_of_birth: null, sex: null, created_at: at, updated_at: at })))
        .returning('id')
        .execute();
      await tx.insertInto('badge').values(people.map((p, i) => ({ person_id: p.id, badge_hash: badgeHash(designations[i]), created_at: at }))).execute();
      await tx
        .insertInto('appointment')
        .values(
          people.map((p) => ({
            person_id: p.id,
            location_id: location.id,
            starts_at: startsAt,
            duration_minutes: 24 * 60,
            purpose: 'test' as const,
            title: 'Bench test',
            ordered_by_label: 'bench',
            status: 'acknowledged' as const,
            created_at: at,
          })),
        )
        .execute();
    });
  }
  console.log(`prepared ${PEOPLE.toLocaleString()} participants with badges and appointments in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await handle.close();
  return kiosk.token;
}

const badgeOf = (i: number) => `BN-${String(i).padStart(7, '0')}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function start(command: string[], env: Record<string, string>, url: string, nodeOptions: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', ...command], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}`);
    try {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return child;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${command.join(' ')} did not start`);
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
}

let next = 0;
interface Load {
  url: string;
  token?: string;
  /** Requests per second; unset: as fast as the server answers. */
  rate?: number;
  seconds: number;
}

/**
 * One autocannon run; each request a new participant's badge and a new key. Counts the check-ins
 * acknowledged (201). A run ends with requests in flight whose answers autocannon drops: those keys
 * are sent again, as a kiosk does after an outage, and each 2xx (201 new, 200 already stored)
 * acknowledges its check-in. So every check-in stored should be acknowledged exactly once.
 */
async function drive(load: Load): Promise<{ result: autocannon.Result; acknowledged: number }> {
  let acknowledged = 0;
  const inFlight = new Map<object, string>();
  const headers = { 'content-type': 'application/json', ...(load.token ? { authorization: `Bearer ${load.token}` } : {}) };
  const bodyOf = (i: number) => JSON.stringify({ badge: badgeOf(i), idempotencyKey: `bench-${i}` });
  const result = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(
      {
        url: load.url,
        connections: CONNECTIONS,
        duration: load.seconds,
        ...(load.rate ? { overallRate: load.rate } : {}),
        requests: [
          {
            method: 'POST',
            headers,
            setupRequest: (request, context) => {
              if (next >= PEOPLE) throw new Error(`ran out of participants after ${PEOPLE}: raise --people`);
              const i = next++;
              inFlight.set(context, bodyOf(i));
              return { ...request, body: bodyOf(i) };
            },
            onResponse: (status, _body, context) => {
              inFlight.delete(context);
              if (status === 201) acknowledged += 1;
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    ),
  );
  for (const body of inFlight.values()) {
    const response = await fetch(load.url, { method: 'POST', headers, body });
    if (response.ok) acknowledged += 1;
  }
  return { result, acknowledged };
}

const token = await prepare();
const musterPort = await freePort();
const musterUrl = `http://127.0.0.1:${musterPort}/api/kiosk/check-ins`;
const muster = await start(['src/cli/main.ts', 'serve', '--db', musterFile, '--port', String(musterPort)], { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' }, musterUrl, PROFILE ? ['--cpu-prof', '--cpu-prof-dir', outDir] : []);
let acknowledged = 0;
const report = (name: string, r: autocannon.Result) =>
  console.log(
    `  ${name.padEnd(22)} ${r.requests.average.toFixed(0).padStart(6)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`,
  );
let musterMax: autocannon.Result;
let musterFixed: autocannon.Result;
try {
  // Warm up (the JIT, the first queries), acknowledged check-ins counted like the rest.
  acknowledged += (await drive({ url: musterUrl, token, seconds: WARM_UP_SECONDS })).acknowledged;
  const max = await drive({ url: musterUrl, token, seconds: SECONDS });
  musterMax = max.result;
  acknowledged += max.acknowledged;
  report('muster, highest rate', musterMax);
  const fixed = await drive({ url: musterUrl, token, rate: FIXED_RATE, seconds: SECONDS });
  musterFixed = fixed.result;
  acknowledged += fixed.acknowledged;
  report(`muster at ${FIXED_RATE} rps`, musterFixed);
} finally {
  await stop(muster);
}

const barePort = await freePort();
const bareUrl = `http://127.0.0.1:${barePort}/bare/check-ins`;
const bare = await start(['bench/checkin/bare-server.ts', bareFile, String(barePort)], {}, bareUrl);
let bareMax: autocannon.Result;
try {
  await drive({ url: bareUrl, seconds: WARM_UP_SECONDS });
  bareMax = (await drive({ url: bareUrl, seconds: SECONDS })).result;
  report('bare, highest rate', bareMax);
} finally {
  await stop(bare);
}

const counted = openDatabase({ sqliteFile: musterFile });
const { stored } = await counted.db.selectFrom('check_in').select((eb) => eb.fn.countAll<number>().as('stored')).executeTakeFirstOrThrow();
await counted.close();

const ratio = musterMax.requests.average / bareMax.requests.average;
console.log(`${SECONDS} s each, ${CONNECTIONS} connections, load average ${loadavg()[0].toFixed(1)}; goal: ratio >= 0.6, p99 < 25 ms at ${FIXED_RATE} rps, acknowledged = stored`);
console.log(
  `checkin: ratio ${ratio.toFixed(2)} (muster ${musterMax.requests.average.toFixed(0)} req/s vs bare ${bareMax.requests.average.toFixed(0)} req/s), p99 ${musterFixed.latency.p99} ms at ${FIXED_RATE} rps, acknowledged ${acknowledged}, stored ${Number(stored)}`,
);
