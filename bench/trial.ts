// `npm run bench -- trial [--prior N] [--runs N] [--postgres]`: one randomisation through the route
// (POST /api/trials/WHEY-01/participants/:id/randomise, the audit event included), after N prior
// enrolments (default 1,000) of WHEY-01 (stratified permuted blocks over two units), timed --runs times
// (default 200) and reported as median and 95th percentile beside a baseline of one plain audited write
// through a route (PATCH /api/people/:id, a roster person's rank) in the same run. Goal: randomisation
// p95 < 50 ms. On SQLite (a file, WAL, synchronous=FULL), and with --postgres also on PostgreSQL
// (TEST_DATABASE_URL, default the local test database, in a fresh schema dropped afterwards).
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../src/shared/actor.ts';
import type { DialectName } from '../src/store/db.ts';
import { write } from '../src/store/write.ts';
import { openTestDatabase, type TestDatabase } from '../src/server/test-databases.ts';
import { sessionFor, startTestApp } from '../src/server/testing.ts';
import { makeUnit } from '../src/roster/testing.ts';
import { addConsentDocument, randomise } from '../src/trial/enrolment.ts';
import { lockTrial } from '../src/trial/store.ts';
import { makeProtocol } from '../src/trial/testing.ts';
import { createTrial } from '../src/trial/trials.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const PRIOR = option('--prior', 1000);
const RUNS = option('--runs', 200);
const dialects: DialectName[] = args.includes('--postgres') ? ['sqlite', 'postgres'] : ['sqlite'];
const outDir = new URL('./out/trial/', import.meta.url).pathname;

/** Median and 95th percentile (nearest rank) of the timings, in ms. */
function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  return `p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(1).padStart(5)} ms, p95 ${p95.toFixed(1).padStart(5)} ms`;
}

/** People of two platoons, each consented to document 1 and screened eligible: inserted in bulk, as enrolment leaves them. */
async function eligiblePeople(database: TestDatabase, trialId: number, count: number): Promise<number[]> {
  const db = database.db;
  const units = [await makeUnit(db, { kind: 'platoon' }), await makeUnit(db, { kind: 'platoon' })];
  const document = await db.selectFrom('consent_document').select('id').where('trial_id', '=', trialId).executeTakeFirstOrThrow();
  const at = new Date().toISOString();
  const ids: number[] = [];
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, (_, i) => `BT-${String(start + i + 1).padStart(5, '0')}`);
    const rows = await db
      .insertInto('person')
      .values(batch.map((designation, i) => ({ designation, designation_key: designation, name: `Bench ${designation}`, rank: 'Pte', status: 'active' as const, date_of_birth: null, sex: (i % 3 ? 'male' : 'female') as 'male' | 'female', created_at: at, updated_at: at })))
      .returning('id')
      .execute();
    const batchIds = rows.map((r) => r.id);
    await db.insertInto('person_unit').values(batchIds.map((person_id, i) => ({ person_id, unit_id: units[i % 2].id, effective_from: at, effective_to: null }))).execute();
    await db.insertInto('person_role').values(batchIds.map((person_id) => ({ person_id, role: 'participant' as const }))).execute();
    await db.insertInto('trial_consent').values(batchIds.map((person_id) => ({ trial_id: trialId, person_id, document_id: document.id, decision: 'given' as const, recorded_by_person_id: null, recorded_by_label: 'bench', recorded_at: at }))).execute();
    await db.insertInto('trial_screening').values(batchIds.map((person_id) => ({ trial_id: trialId, person_id, answers_json: '{"I1":true,"E1":false}', eligible: 1, reason: null, screened_at: at, screened_by_label: 'bench' }))).execute();
    ids.push(...batchIds);
  }
  return ids;
}

for (const dialect of dialects) {
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}trial.db`;
  for (const part of [file, `${file}-wal`, `${file}-shm`]) rmSync(part, { force: true });
  const database = await openTestDatabase(dialect, { sqliteFile: file });
  try {
    const client = await startTestApp(database);
    const [investigator, admin] = [await sessionFor(database, ['investigator']), await sessionFor(database, ['admin'])];
    const actor = systemActor('bench');
    const trial = await write(database.db, actor, async (w) => {
      const created = await createTrial(w, makeProtocol());
      await addConsentDocument(w, 'WHEY-01', { title: 'Consent', body: 'You may withdraw at any time.' });
      await lockTrial(w, 'WHEY-01', 'bench');
      return created;
    });
    const people = await eligiblePeople(database, trial.id, PRIOR + RUNS);
    const t0 = performance.now();
    for (const id of people.slice(0, PRIOR)) await write(database.db, actor, (w) => randomise(w, 'WHEY-01', id, 'bench prior', () => false));
    console.log(`${dialect}: ${PRIOR.toLocaleString()} prior enrolments in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const randomisations: number[] = [];
    for (const id of people.slice(PRIOR)) {
      const start = performance.now();
      const response = await client.request({ method: 'POST', url: `/api/trials/WHEY-01/participants/${id}/randomise`, payload: { reason: 'bench' }, as: investigator });
      randomisations.push(performance.now() - start);
      if (response.statusCode !== 201) throw new Error(`randomise answered ${response.statusCode}: ${response.body}`);
    }
    const baseline: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const response = await client.request({ method: 'PATCH', url: `/api/people/${people[i]}`, payload: { rank: i % 2 ? 'Cpl' : 'LCpl', reason: 'bench' }, as: admin });
      baseline.push(performance.now() - start);
      if (response.statusCode !== 200) throw new Error(`PATCH person answered ${response.statusCode}: ${response.body}`);
    }
    console.log(`${dialect}: ${RUNS} runs each, after ${PRIOR.toLocaleString()} enrolments (load average ${loadavg()[0].toFixed(1)}); goal: randomisation p95 < 50 ms`);
    console.log(`  randomise (route, audit included)        ${summary(randomisations)}`);
    console.log(`  baseline: PATCH /api/people/:id (audited) ${summary(baseline)}`);
    await client.app.close();
  } finally {
    await database.close();
  }
}
