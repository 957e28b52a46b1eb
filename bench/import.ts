// `npm run bench -- import [--rows N] [--participants N]`: generates N set rows (default 1,000,000) in
// the training CSV format, imports them into a new SQLite file with `muster import training` (the
// built CLI, timed as a whole process with its peak memory), then inserts the same rows with one
// plain better-sqlite3 prepared statement in one transaction, and reports both rates and their ratio.
// Then it times the dashboard's cohort queries on 10,000 participants with a year of sessions.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { systemActor } from '../src/shared/actor.ts';
import { write } from '../src/store/write.ts';
import { createPerson, createUnit } from '../src/roster/store.ts';
import { unitsBelow } from '../src/access/units.ts';
import { localDayBounds, addDays, localToInstant } from '../src/shared/time.ts';
import { openDatabase } from '../src/store/db.ts';
import { migrateAll } from '../src/capabilities.ts';
import { dailyLoads, workloadRatios } from '../src/training/metrics.ts';
import { personLoads } from '../src/training/load-ratio.ts';
import { exerciseLookup, unitLoad } from '../src/training/store.ts';
import { nameKey, toKilograms } from '../src/training/model.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const ROWS = option('--rows', 1_000_000);
const PARTICIPANTS = option('--participants', 1000);
const PLATOONS = 10;
const SETS_PER_SESSION = 5;
const ZONE = 'Europe/London';
const root = new URL('../', import.meta.url);
const outDir = new URL('./out/import/', import.meta.url).pathname;

const exercises = ['Back Squat', 'Bench Press', 'Deadlift', 'Overhead Press', 'Barbell Row', 'Pull-up', 'Front Squat', 'Romanian Deadlift'];
const times = ['06:30', '09:00', '14:00', '17:30'];

interface GeneratedRow {
  designation: string;
  platoon: number;
  date: string;
  time: string;
  exercise: string;
  set: number;
  reps: number;
  load: number;
  unit: 'kg' | 'lb';
  rpe: number;
}

/** The rows, deterministic: each participant trains in sessions of five sets of one exercise, a session a day. */
function* generateRows(): Generator<GeneratedRow> {
  const sessionsPerPerson = Math.ceil(ROWS / PARTICIPANTS / SETS_PER_SESSION);
  let emitted = 0;
  for (let s = 0; s < sessionsPerPerson; s++) {
    const date = addDays('2024-01-01', Math.floor(s / times.length));
    const time = times[s % times.length];
    for (let p = 0; p < PARTICIPANTS; p++) {
      const exercise = exercises[(s + p) % exercises.length];
      for (let set = 1; set <= SETS_PER_SESSION; set++) {
        if (emitted++ >= ROWS) return;
        const lb = (p + set) % 4 === 0;
        yield { designation: `BX-${String(p + 1).padStart(5, '0')}`, platoon: p % PLATOONS, date, time, exercise, set, reps: 3 + ((s + set) % 8), load: lb ? 135 + 5 * ((s + p) % 40) : 60 + 2.5 * ((s + p) % 40), unit: lb ? 'lb' : 'kg', rpe: 6 + ((set + p) % 9) / 2 };
      }
    }
  }
}

async function writeCsv(file: string) {
  const out = createWriteStream(file);
  out.write('designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes\n');
  let chunk = '';
  for (const r of generateRows()) {
    chunk += `${r.designation},${r.date},${r.time},${r.exercise},${r.set},${r.reps},${r.load},${r.unit},${r.rpe},,,\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** A roster of PARTICIPANTS in PLATOONS platoons, created through the store as the app would. */
async function makeRoster(file: string) {
  const handle = openDatabase({ sqliteFile: file });
  await migrateAll(handle.db);
  await write(handle.db, systemActor('bench'), async (w) => {
    const company = await createUnit(w, { name: 'Bench Company', kind: 'company', parentId: null, timeZone: ZONE });
    const platoons = [];
    for (let i = 0; i < PLATOONS; i++) platoons.push(await createUnit(w, { name: `Bench Platoon ${i + 1}`, kind: 'platoon', parentId: company.id, timeZone: ZONE }));
    for (let p = 0; p < PARTICIPANTS; p++) {
      await createPerson(w, { designation: `BX-${String(p + 1).padStart(5, '0')}`, name: `Bench ${p + 1}`, rank: 'Rct', status: 'active', dateOfBirth: null, sex: null, unitId: platoons[p % PLATOONS].id, roles: ['participant'] });
    }
  });
  await handle.close();
}

function runMeasured(command: string, commandArgs: string[]) {
  const timed = existsSync('/usr/bin/time');
  const started = performance.now();
  const result = spawnSync(timed ? '/usr/bin/time' : command, timed ? ['-v', command, ...commandArgs] : commandArgs, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} exited with ${result.status}:\n${result.stderr.slice(-4000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(result.stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(result.stderr);
  return { seconds, cpuSeconds: user && system ? Number(user[1]) + Number(system[1]) : null, peakMegabytes: rss ? Number(rss[1]) / 1024 : null, stdout: result.stdout.trim() };
}

/** The same rows through one prepared INSERT in one transaction: the practical upper bound. Same pragmas as Muster's connection. */
function plainInsert(file: string): { seconds: number; cpuSeconds: number } {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = FULL');
  sqlite.exec('delete from training_set');
  const people = new Map((sqlite.prepare('select designation, id from person').all() as { designation: string; id: number }[]).map((r) => [r.designation, r.id]));
  const platoonIds = (sqlite.prepare("select id from unit where kind = 'platoon' order by id").all() as { id: number }[]).map((r) => r.id);
  const sessions = new Map((sqlite.prepare('select unit_id, starts_at, id from training_session').all() as { unit_id: number; starts_at: string; id: number }[]).map((r) => [`${r.unit_id}|${r.starts_at}`, r.id]));
  const exerciseIds = new Map((sqlite.prepare('select name_key, id from exercise').all() as { name_key: string; id: number }[]).map((r) => [r.name_key, r.id]));
  const insert = sqlite.prepare(
    'insert into training_set (session_id, person_id, exercise_id, set_number, reps, load_kg, load_unit, rpe, notes, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const instants = new Map<string, string>();
  const now = new Date().toISOString();
  const cpu = process.cpuUsage();
  const started = performance.now();
  sqlite.transaction(() => {
    for (const r of generateRows()) {
      const key = `${r.date} ${r.time}`;
      let at = instants.get(key);
      if (!at) instants.set(key, (at = localToInstant(r.date, r.time, ZONE)));
      const unitId = platoonIds[r.platoon];
      insert.run(sessions.get(`${unitId}|${at}`), people.get(r.designation), exerciseIds.get(nameKey(r.exercise)), r.set, r.reps, toKilograms(r.load, r.unit), r.unit, r.rpe, '', now, now);
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  sqlite.close();
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** 10,000 participants in 40 platoons of 4 companies, five sessions a week for a year, each rated. */
async function dashboardDatabase(file: string) {
  const handle = openDatabase({ sqliteFile: file });
  await migrateAll(handle.db);
  await handle.close();
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  const now = new Date().toISOString();
  const participants = 10_000;
  const companies = 4;
  const platoonsPerCompany = 10;
  sqlite.transaction(() => {
    const unit = sqlite.prepare("insert into unit (name, kind, parent_id, time_zone, created_at) values (?, ?, ?, 'Europe/London', ?) returning id");
    const person = sqlite.prepare("insert into person (designation, designation_key, name, rank, status, created_at, updated_at) values (?, ?, ?, 'Rct', 'active', ?, ?) returning id");
    const member = sqlite.prepare('insert into person_unit (person_id, unit_id, effective_from) values (?, ?, ?)');
    const role = sqlite.prepare("insert into person_role (person_id, role) values (?, 'participant')");
    const session = sqlite.prepare("insert into training_session (unit_id, title, planned_start, planned_minutes, actual_start, actual_minutes, starts_at, status, notes, created_at, updated_at) values (?, 'PT', ?, 60, ?, 60, ?, 'held', '', ?, ?) returning id");
    const attend = sqlite.prepare("insert into session_attendance (session_id, person_id, status, rpe, minutes) values (?, ?, 'present', ?, null)");
    const battalion = (unit.get('Battalion', 'battalion', null, now) as { id: number }).id;
    const platoons: { id: number; people: number[] }[] = [];
    for (let c = 0; c < companies; c++) {
      const company = (unit.get(`Company ${c + 1}`, 'company', battalion, now) as { id: number }).id;
      for (let p = 0; p < platoonsPerCompany; p++) platoons.push({ id: (unit.get(`Platoon ${c + 1}-${p + 1}`, 'platoon', company, now) as { id: number }).id, people: [] });
    }
    for (let i = 0; i < participants; i++) {
      const designation = `DB-${String(i + 1).padStart(5, '0')}`;
      const id = (person.get(designation, designation, `Dash ${i + 1}`, now, now) as { id: number }).id;
      const platoon = platoons[i % platoons.length];
      member.run(id, platoon.id, '2025-01-01T00:00:00.000Z');
      role.run(id);
      platoon.people.push(id);
    }
    for (let day = 0; day < 365; day++) {
      const date = addDays('2025-01-06', day);
      if (day % 7 >= 5) continue;
      const at = localToInstant(date, '07:00', 'Europe/London');
      for (const platoon of platoons) {
        const sessionId = (session.get(platoon.id, at, at, at, now, now) as { id: number }).id;
        for (const [k, personId] of platoon.people.entries()) attend.run(sessionId, personId, 3 + ((day + k) % 8));
      }
    }
  })();
  sqlite.close();
}

async function timeQuery(label: string, run: () => Promise<unknown>, repeats = 7) {
  await run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const used = process.cpuUsage();
    const started = performance.now();
    await run();
    wall.push(performance.now() - started);
    const d = process.cpuUsage(used);
    cpu.push((d.user + d.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`  ${label.padEnd(62)} median ${median(wall).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU (min wall ${Math.min(...wall).toFixed(1)})`);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const csv = `${outDir}sets.csv`;
const dbFile = `${outDir}import.db`;

console.log(`building the CLI ...`);
const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
// tsc still writes the JavaScript when some other file fails to type-check; say so and go on.
if (build.status !== 0) console.warn(`npm run build reported errors (the emitted CLI is used):\n${(build.stdout + build.stderr).slice(0, 2000)}`);

console.log(`generating ${ROWS.toLocaleString('en')} set rows for ${PARTICIPANTS} participants ...`);
await writeCsv(csv);
await makeRoster(dbFile);

console.log('muster import training (whole process: start-up, migration check, one streaming pass, one transaction) ...');
const imported = runMeasured(process.execPath, ['bin/muster.js', 'import', 'training', csv, '--db', dbFile]);
console.log(`  ${imported.stdout}`);
const importRate = ROWS / imported.seconds;
const again = runMeasured(process.execPath, ['bin/muster.js', 'import', 'training', csv, '--db', dbFile]);
console.log(`  again: ${again.stdout} (${again.seconds.toFixed(1)} s)`);

console.log('plain better-sqlite3 prepared INSERT, one transaction ...');
const plain = plainInsert(dbFile);
const plainRate = ROWS / plain.seconds;
const rate = (seconds: number | null) => (seconds ? Math.round(ROWS / seconds).toLocaleString('en') : '?');

console.log(`\nmachine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times stretch on a busy machine; CPU times less)`);
console.log(`import: ${ROWS.toLocaleString('en')} rows in ${imported.seconds.toFixed(1)} s wall (${rate(imported.seconds)} rows/s), ${imported.cpuSeconds?.toFixed(1) ?? '?'} s CPU (${rate(imported.cpuSeconds)} rows/s), peak memory ${imported.peakMegabytes?.toFixed(0) ?? '?'} MB (goal < 300 MB)`);
console.log(`plain:  ${ROWS.toLocaleString('en')} rows in ${plain.seconds.toFixed(1)} s wall (${rate(plain.seconds)} rows/s), ${plain.cpuSeconds.toFixed(1)} s CPU (${rate(plain.cpuSeconds)} rows/s)`);
console.log(`ratio:  ${(importRate / plainRate).toFixed(2)} by wall time, ${imported.cpuSeconds ? (plain.cpuSeconds / imported.cpuSeconds).toFixed(2) : '?'} by CPU time (goal >= 0.5); the import's time is the whole process: start-up, parsing, checking, sessions, attendance, audit\n`);

console.log('dashboard queries: 10,000 participants, 40 platoons, five rated sessions a week for a year ...');
const dashFile = `${outDir}dashboard.db`;
await dashboardDatabase(dashFile);
const dash = openDatabase({ sqliteFile: dashFile });
const platoon = await dash.db.selectFrom('unit').select('id').where('kind', '=', 'platoon').orderBy('id').executeTakeFirstOrThrow();
const company = await dash.db.selectFrom('unit').select('id').where('kind', '=', 'company').orderBy('id').executeTakeFirstOrThrow();
const battalion = await dash.db.selectFrom('unit').select('id').where('kind', '=', 'battalion').executeTakeFirstOrThrow();
const week = { start: localDayBounds('2025-06-02', ZONE).start, end: localDayBounds('2025-06-08', ZONE).end };
for (const [label, unitId] of [['platoon (250)', platoon.id], ['company (2,500)', company.id], ['battalion (10,000)', battalion.id]] as const) {
  await timeQuery(`a unit's weekly load: ${label}`, async () => unitLoad(dash.db, await unitsBelow(dash.db, [unitId]), week.start, week.end));
}
const someone = await dash.db.selectFrom('person').select('id').orderBy('id').executeTakeFirstOrThrow();
await timeQuery('one participant: a year of daily load, rolling and EWMA ACWR', async () => {
  const loads = await personLoads(dash.db, someone.id);
  return workloadRatios(dailyLoads(loads, loads[0].date, '2025-12-31'));
});
await timeQuery('exercise catalogue lookup', () => exerciseLookup(dash.db));
await dash.close();
