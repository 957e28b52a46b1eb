// `npm run bench -- wellness [--participants N] [--days N] [--runs N] [--reuse]`: builds a SQLite file with
// N participants (default 10,000) in ten platoons of a company, a year of daily wellness reports each
// (about nine days in ten reported) and a year of platoon sessions (five a week, about nine in ten
// attended with a session RPE), then times the cohort dashboard's queries over the whole company,
// several times on a warm database: cohortWellness (today's report, the last day reported and the
// own-range flag of every participant), wellnessByUnit, the week's load and 28 days' attendance per
// unit, and every participant's load-ratio flag. Goal: each under 100 ms. The rows go in with the
// baselines and flags the store would have kept, through plain prepared statements, and the
// load-ratio states are built from them: the bench times the queries, not loading. It also times
// what keeping the load-ratio states costs a write. --reuse times the queries on the file a
// previous run built.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { unitsBelow } from '../src/access/units.ts';
import { seededRandom } from '../src/shared/random.ts';
import { addDays, localToInstant, weekStart } from '../src/shared/time.ts';
import { openDatabase } from '../src/store/db.ts';
import { write } from '../src/store/write.ts';
import { systemActor } from '../src/shared/actor.ts';
import { capabilities, migrateAll } from '../src/capabilities.ts';
import type { Capability } from '../src/shared/capability.ts';
import { storedBaselinesOf, wellnessScore } from '../src/wellness/model.ts';
import { attendanceByUnit, cohortLoadRatioFlags, weeklyLoadByUnit } from '../src/training/cohort.ts';
import { refreshLoadRatios } from '../src/training/load-ratio.ts';
import { cohortWellness, notReportedOn, reportCountsByUnit, wellnessByUnit } from '../src/wellness/store.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const PARTICIPANTS = option('--participants', 10_000);
const DAYS = option('--days', 365);
const RUNS = option('--runs', 11);
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
await migrateAll(handle.db);

const started = performance.now();
if (!reuse) {
  build();
  // The rows went in through plain statements; what the writes keep (load-ratio states, tallies) is built from them as the demo builds it.
  const t0 = performance.now();
  await write(handle.db, systemActor('bench'), async (w) => {
    for (const capability of capabilities as readonly Capability[]) await capability.rebuildDerived?.(w);
  });
  console.log(`derived state (load-ratio states, tallies) built from the whole history in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** Units, participants and their reports, with the baselines and flags the store would have kept. */
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
      `insert into wellness_report (person_id, local_date, sleep_quality, fatigue, stress, soreness, hours_slept, baseline_count, baseline_sum, baseline_sum_of_squares, flagged, reported_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 7, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const dates = Array.from({ length: DAYS }, (_, d) => addDays(TODAY, d - DAYS + 1));
    const item = () => 1 + Math.floor(random() * 7);
    const members = platoons.map((): number[] => []);
    for (let p = 0; p < PARTICIPANTS; p++) {
      const designation = `WB-${String(p + 1).padStart(5, '0')}`;
      const id = Number(person.run(designation, designation, `Bench ${p + 1}`, at, at).lastInsertRowid);
      member.run(id, platoons[p % PLATOONS], at);
      members[p % PLATOONS].push(id);
      role.run(id);
      const series = dates.filter(() => random() < 0.9).map((date) => ({ date, sleep_quality: item(), fatigue: item(), stress: item(), soreness: item() }));
      const stored = storedBaselinesOf(series.map((r) => ({ date: r.date, score: wellnessScore(r) })));
      for (const [i, r] of series.entries()) {
        const s = stored[i];
        report.run(id, r.date, r.sleep_quality, r.fatigue, r.stress, r.soreness, s.baseline_count, s.baseline_sum, s.baseline_sum_of_squares, s.flagged, at, at, at);
      }
    }
    const session = raw.prepare(
      `insert into training_session (unit_id, title, planned_start, planned_minutes, actual_start, actual_minutes, starts_at, status, trainer_person_id, notes, created_at, updated_at)
       values (?, 'PT', ?, 60, ?, 60, ?, 'held', null, '', ?, ?)`,
    );
    const attend = raw.prepare('insert into session_attendance (session_id, person_id, status, rpe, minutes) values (?, ?, ?, ?, null)');
    for (const date of dates) {
      if (new Date(`${date}T12:00:00Z`).getUTCDay() % 6 === 0) continue; // weekdays only
      const start = localToInstant(date, '07:00', 'Europe/London');
      for (const [i, platoon] of platoons.entries()) {
        const sessionId = Number(session.run(platoon, start, start, start, at, at).lastInsertRowid);
        for (const personId of members[i]) {
          const present = random() < 0.9;
          attend.run(sessionId, personId, present ? 'present' : 'absent', present ? 2 + Math.floor(random() * 8) : null);
        }
      }
    }
  })();
  raw.exec('analyze');
  raw.close();
}
const rows = Number((await handle.db.selectFrom('wellness_report').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
console.log(`${reuse ? 'reused' : 'built'} ${PARTICIPANTS.toLocaleString()} participants, ${rows.toLocaleString()} reports over ${DAYS} days in ${((performance.now() - started) / 1000).toFixed(1)} s (${file})`);

const company = await handle.db.selectFrom('unit').select('id').where('name', '=', 'Bench Company').executeTakeFirstOrThrow();
const unitIds = await unitsBelow(handle.db, [company.id]);

/** Runs a query RUNS times on the warm database: median, 95th percentile and the first (cold) run. */
async function time<T>(label: string, query: () => Promise<T>): Promise<T> {
  const times: number[] = [];
  let result: T | undefined;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    result = await query();
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const p95 = sorted[Math.min(RUNS - 1, Math.ceil(0.95 * RUNS) - 1)];
  console.log(`  ${label.padEnd(58)} median ${sorted[Math.floor(RUNS / 2)].toFixed(1).padStart(6)} ms, p95 ${p95.toFixed(1).padStart(6)} ms, first ${times[0].toFixed(1).padStart(6)} ms (load average ${loadavg()[0].toFixed(1)})`);
  return result!;
}

console.log(`${RUNS} runs each over the company (${PARTICIPANTS.toLocaleString()} participants); goal < 100 ms:`);
const entries = await time('cohortWellness (every participant, flags, last reported)', () => cohortWellness(handle.db, unitIds, TODAY));
const flagged = entries.filter((e) => e.today?.flag.state === 'flagged').length;
const notReported = entries.filter((e) => e.today === null).length;
console.log(`    ${entries.length.toLocaleString()} participants, ${flagged} flagged, ${notReported} not reported today`);
await time("a unit's card: counts and who has not reported", () => Promise.all([notReportedOn(handle.db, unitIds, TODAY), reportCountsByUnit(handle.db, unitIds, TODAY)]));
await time('wellnessByUnit (counts per unit, flagged reports)', () => wellnessByUnit(handle.db, unitIds, TODAY));
// Both read the tallies kept on write (ADR 0008), by local days.
await time("weeklyLoadByUnit (the week's sRPE load per unit)", () => weeklyLoadByUnit(handle.db, unitIds, weekStart(TODAY)));
await time('attendanceByUnit (28 days)', () => attendanceByUnit(handle.db, unitIds, addDays(TODAY, -27), TODAY));
const ratios = await time('cohortLoadRatioFlags (every participant, ACWR EWMA)', () => cohortLoadRatioFlags(handle.db, unitIds, TODAY));
console.log(`    ${[...ratios.byUnit.values()].reduce((sum, u) => sum + u.rated, 0).toLocaleString()} rated, ${ratios.flagged.size} flagged`);

// What the stored states cost the writes (docs/adr/0006): a platoon's attendance of today's session walks on from each state; a change a month back rebuilds each from the whole history.
const platoon = await handle.db.selectFrom('person_unit').select('person_id').where('unit_id', '=', unitIds[unitIds.length - 1]).execute();
const platoonIds = platoon.map((p) => p.person_id);
console.log(`writes: refreshing the load-ratio states of one platoon (${platoonIds.length.toLocaleString()} participants), in the writer's transaction:`);
await time("after today's session (walks on from the stored state)", () => write(handle.db, systemActor('bench'), (w) => refreshLoadRatios(w, platoonIds, TODAY)));
await time('after a change 30 days back (rebuilds from the whole history)', () => write(handle.db, systemActor('bench'), (w) => refreshLoadRatios(w, platoonIds, addDays(TODAY, -30))));
await handle.close();
