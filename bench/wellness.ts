// `npm run bench -- wellness [--participants N] [--days N] [--runs N] [--reuse]`: builds a SQLite file with
// N participants (default 10,000) in ten platoons and a year of daily wellness reports each
// (about nine days in ten reported), then times the dashboard's query, cohortWellness (today's
// report, the last day reported and the own-range flag of every participant in the company),
// several times on a warm database. Goal: under 100 ms. The rows go in with the baselines the store
// would have kept (baselinesOf), through plain prepared statements: the bench times the query, not loading.
// --reuse times the query on the file a previous run built.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { unitsBelow } from '../src/roster/store.ts';
import { seededRandom } from '../src/demo/roster.ts';
import { addDays } from '../src/shared/time.ts';
import { openDatabase } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { baselinesOf, wellnessScore } from '../src/wellness/model.ts';
import { cohortWellness } from '../src/wellness/store.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const PARTICIPANTS = option('--participants', 10_000);
const DAYS = option('--days', 365);
const RUNS = option('--runs', 7);
const PLATOONS = 10;
const TODAY = '2026-03-10';
const outDir = new URL('./out/wellness/', import.meta.url).pathname;
const file = `${outDir}wellness.db`;

const reuse = args.includes('--reuse') && existsSync(file);
if (!reuse) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
}
const handle = openDatabase({ sqliteFile: file });
await migrateToLatest(handle.db);

const started = performance.now();
if (!reuse) build();

/** Units, participants and their reports, with the baselines the store would have kept. */
function build() {
  const raw = new SQLite(file);
  const at = '2026-03-10T06:00:00.000Z';
  const random = seededRandom(10_000);
  raw.transaction(() => {
    const unit = raw.prepare('insert into unit (name, kind, parent_id, time_zone, created_at) values (?, ?, ?, ?, ?)');
    const company = Number(unit.run('Bench Company', 'company', null, 'Europe/London', at).lastInsertRowid);
    const platoons = Array.from({ length: PLATOONS }, (_, i) => Number(unit.run(`Bench Platoon ${i + 1}`, 'platoon', company, 'Europe/London', at).lastInsertRowid));
    const person = raw.prepare("insert into person (designation, designation_key, name, rank, status, created_at, updated_at) values (?, ?, ?, 'Rct', 'active', ?, ?)");
    const member = raw.prepare('insert into person_unit (person_id, unit_id, effective_from) values (?, ?, ?)');
    const role = raw.prepare("insert into person_role (person_id, role) values (?, 'participant')");
    const report = raw.prepare(
      `insert into wellness_report (person_id, local_date, sleep_quality, fatigue, stress, soreness, hours_slept, baseline_count, baseline_sum, baseline_sum_of_squares, reported_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 7, ?, ?, ?, ?, ?, ?)`,
    );
    const dates = Array.from({ length: DAYS }, (_, d) => addDays(TODAY, d - DAYS + 1));
    const item = () => 1 + Math.floor(random() * 7);
    for (let p = 0; p < PARTICIPANTS; p++) {
      const designation = `WB-${String(p + 1).padStart(5, '0')}`;
      const id = Number(person.run(designation, designation, `Bench ${p + 1}`, at, at).lastInsertRowid);
      member.run(id, platoons[p % PLATOONS], at);
      role.run(id);
      const series = dates.filter(() => random() < 0.9).map((date) => ({ date, sleep_quality: item(), fatigue: item(), stress: item(), soreness: item() }));
      const sums = baselinesOf(series.map((r) => ({ date: r.date, score: wellnessScore(r) })));
      for (const [i, r] of series.entries()) report.run(id, r.date, r.sleep_quality, r.fatigue, r.stress, r.soreness, sums[i].count, sums[i].sum, sums[i].sumOfSquares, at, at, at);
    }
  })();
  raw.exec('analyze');
  raw.close();
}
const rows = Number((await handle.db.selectFrom('wellness_report').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
console.log(`${reuse ? 'reused' : 'built'} ${PARTICIPANTS.toLocaleString()} participants, ${rows.toLocaleString()} reports over ${DAYS} days in ${((performance.now() - started) / 1000).toFixed(1)} s (${file})`);

const company = await handle.db.selectFrom('unit').select('id').where('name', '=', 'Bench Company').executeTakeFirstOrThrow();
const unitIds = await unitsBelow(handle.db, [company.id]);
const times: number[] = [];
let result: Awaited<ReturnType<typeof cohortWellness>> = [];
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  result = await cohortWellness(handle.db, unitIds, TODAY);
  times.push(performance.now() - t0);
}
const sorted = [...times].sort((a, b) => a - b);
const flagged = result.filter((e) => e.today?.flag.state === 'flagged').length;
const notReported = result.filter((e) => e.today === null).length;
console.log(`cohortWellness: ${result.length.toLocaleString()} participants, ${flagged} flagged, ${notReported} not reported today`);
console.log(`  ${RUNS} runs: median ${sorted[Math.floor(RUNS / 2)].toFixed(1)} ms, best ${sorted[0].toFixed(1)} ms, first (cold) ${times[0].toFixed(1)} ms; goal < 100 ms`);
await handle.close();
