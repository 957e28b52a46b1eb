// `npm run bench -- writes [--participants N] [--weeks W] [--runs N] [--postgres] [--baseline DIR]`:
// what a trainer's writes cost on the web bench's database (`npm run bench -- web [--postgres]`
// builds it: 10,000 participants and 52 weeks by default). A platoon's session as its trainer logs
// it, each write a transaction of its own as the datapad sends them: the session made and held,
// each of its first 30 members' attendance with a rating, then their sets (three lifts of four
// sets) in one batch; timed per attendance and per session, over --runs sessions (default 5), each
// a second after the one before and just before now (the writes stay in the database), then one
// session back-dated a week. With --baseline DIR, a checkout of an
// earlier commit with its own node_modules (`git worktree add ../base COMMIT && cd ../base && npm ci`),
// the same writes through that checkout's code, session by session in turn with this one's, on the
// same database: before and after in one run. The baseline runs on this schema without migrating
// it, so it must write no column this schema lacks. Last, the tallies' own part (docs/adr/0008),
// this code only, in transactions rolled back: one attendance's change, and a session's at once.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { benchOption, webBenchDatabase } from './lib/web-database.ts';
import { applyTallyChanges, attendanceTally, tallyChange } from '../src/training/attendance-tally.ts';
import { localDateOf } from '../src/shared/time.ts';
import { systemActor } from '../src/shared/actor.ts';
import type * as DbModule from '../src/store/db.ts';
import type * as ActorModule from '../src/shared/actor.ts';
import type * as StoreModule from '../src/training/store.ts';
import type * as WriteModule from '../src/store/write.ts';

const args = process.argv.slice(2);
const bench = webBenchDatabase(args);
const RUNS = benchOption(args, '--runs', 5);
const PLATOON = 30;
const baselineDir = args.includes('--baseline') ? resolve(args[args.indexOf('--baseline') + 1]) : undefined;

/** The modules a checkout's write path is made of, imported from that checkout's own files. */
interface Code {
  label: string;
  store: typeof StoreModule;
  write: typeof WriteModule;
  actor: typeof ActorModule;
  database: DbModule.DatabaseHandle;
  attendance: number[];
  sessions: number[];
  backDated: { attendance: number[]; sessions: number[] };
}

async function codeOf(label: string, dir: string): Promise<Code> {
  const from = async <T>(path: string): Promise<T> => (await import(pathToFileURL(`${dir}/${path}`).href)) as T;
  const { openDatabase } = await from<typeof DbModule>('src/store/db.ts');
  // The capabilities register the audit trail that every write appends to.
  await from('src/capabilities.ts');
  return {
    label,
    store: await from('src/training/store.ts'),
    write: await from('src/store/write.ts'),
    actor: await from('src/shared/actor.ts'),
    database: bench.postgresUrl ? openDatabase({ databaseUrl: bench.postgresUrl, pgSchema: bench.pgSchema }) : openDatabase({ sqliteFile: bench.sqliteFile }),
    attendance: [],
    sessions: [],
    backDated: { attendance: [], sessions: [] },
  };
}

if (!bench.postgresUrl && !existsSync(bench.sqliteFile)) {
  console.error(`no ${bench.sqliteFile}: run npm run bench -- web --participants ${bench.participants} --weeks ${bench.weeks} first`);
  process.exit(2);
}
const here = await codeOf('this code', new URL('..', import.meta.url).pathname);
const codes = [here];
if (baselineDir) codes.unshift(await codeOf(`baseline ${baselineDir}`, baselineDir));
const db = here.database.db;
const platoon = await db.selectFrom('unit').select('id').where('kind', '=', 'platoon').orderBy('id').executeTakeFirst();
if (!platoon) {
  console.error(`the database holds no platoon: run npm run bench -- web${bench.postgresUrl ? ' --postgres' : ''} --participants ${bench.participants} --weeks ${bench.weeks} first`);
  process.exit(2);
}
// A platoon's worth of people (the demo's platoons grow with the cohort): its first 30 members.
const members = (await db.selectFrom('person_unit').select('person_id').where('unit_id', '=', platoon.id).where('effective_to', 'is', null).orderBy('person_id').limit(PLATOON).execute()).map((r) => r.person_id);
const exercises = await here.store.exerciseLookup(db);
const lifts = ['back squat', 'bench press', 'deadlift'].map((name) => exercises.get(name)!);

/** One platoon's session through `code`'s write path, starting at `start`; its time goes to `times`. */
async function timeSession(code: Code, start: string, times: { attendance: number[]; sessions: number[] }) {
  const { store } = code;
  const asBench = <T>(fn: Parameters<typeof code.write.write<T>>[2]) => code.write.write(code.database.db, code.actor.systemActor('bench'), fn);
  const started = performance.now();
  const session = await asBench((w) => store.createSession(w, { unitId: platoon!.id, title: 'bench', plannedStart: start, plannedMinutes: 60, trainerId: null, notes: '' }));
  await asBench((w) => store.updateSession(w, session.id, { status: 'held', actualMinutes: 60 }));
  for (const personId of members) {
    const one = performance.now();
    await asBench((w) => store.setAttendance(w, session.id, personId, { status: 'present', rpe: 6, minutes: null }));
    times.attendance.push(performance.now() - one);
  }
  const sets = members.flatMap((personId) =>
    lifts.flatMap((exerciseId) =>
      [1, 2, 3, 4].map((setNumber) =>
        store.setColumns({ sessionId: session.id, personId, exerciseId, setNumber, loadUnit: 'kg', target: { reps: 5, load: 80, rpe: null, rir: null, durationS: null, distanceM: null }, actual: { reps: 5, load: 80, rpe: 7, rir: null, durationS: null, distanceM: null }, notes: '' }),
      ),
    ),
  );
  await asBench((w) => store.writeSets(w, sets, { source: 'form', selfReported: false, duplicates: 'refuse' }));
  times.sessions.push(performance.now() - started);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs: number[]) => Math.min(...xs);
try {
  // Session by session in turn, the order swapped every run, so that neither code always goes first.
  // Each session starts a second after the one before and just before now, as a session logged
  // when it ends is its attendees' newest; then one back-dated a week, which is not (its lifters'
  // bests after it are computed again).
  const second = Math.floor(Date.now() / 1000) * 1000;
  const sessions = RUNS * codes.length;
  let k = 0;
  for (let run = 0; run < RUNS; run++) for (const code of run % 2 ? [...codes].reverse() : codes) await timeSession(code, new Date(second - (sessions - k++) * 1000).toISOString(), code);
  for (const code of codes) await timeSession(code, new Date(second - 7 * 86_400_000 - k++ * 1000).toISOString(), code.backDated);

  console.log(`writes (${here.database.dialect}, ${bench.participants} participants, ${bench.weeks} weeks; platoon ${platoon.id}, ${members.length} members; ${RUNS} sessions each; load average ${loadavg()[0].toFixed(1)}):`);
  for (const code of codes) {
    console.log(`  ${code.label}`);
    console.log(`    one attendance write                             median ${median(code.attendance).toFixed(1).padStart(7)} ms  best ${best(code.attendance).toFixed(1).padStart(7)} ms`);
    console.log(`    a platoon's session (held, attendance, ${members.length * lifts.length * 4} sets)  median ${median(code.sessions).toFixed(0).padStart(7)} ms  best ${best(code.sessions).toFixed(0).padStart(7)} ms`);
    console.log(`    the same, back-dated a week (one)                         ${code.backDated.sessions[0].toFixed(0).padStart(7)} ms`);
  }
  if (baselineDir) {
    const ratio = (xs: number[], ys: number[]) => (median(ys) / median(xs)).toFixed(2);
    console.log(`  this code / baseline, medians: one attendance ${ratio(codes[0].attendance, here.attendance)}, a session ${ratio(codes[0].sessions, here.sessions)}`);
  }

  // The keeping alone, in transactions rolled back: one attendance's tally change, and a session's attendees' at once.
  const tallyTimes: number[] = [];
  const sessionTallyTimes: number[] = [];
  const today = localDateOf(new Date(), 'Europe/London');
  const present = attendanceTally({ status: 'present', rpe: 6, minutes: null }, 60);
  const rolledBack = new Error('rolled back');
  for (let run = 0; run < RUNS; run++) {
    await db
      .transaction()
      .execute(async (tx) => {
        const w = { db: tx, actor: systemActor('bench'), now: new Date(), record: () => Promise.reject(new Error('the tallies record nothing')) };
        for (const personId of members) {
          const started = performance.now();
          await applyTallyChanges(w, [tallyChange(personId, today, present, 1)]);
          tallyTimes.push(performance.now() - started);
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
  console.log(`  of which the tallies (this code), one attendance         median ${median(tallyTimes).toFixed(2).padStart(7)} ms  best ${best(tallyTimes).toFixed(2).padStart(7)} ms`);
  console.log(`  of which the tallies (this code), ${members.length} attendees at once    median ${median(sessionTallyTimes).toFixed(1).padStart(7)} ms  best ${best(sessionTallyTimes).toFixed(1).padStart(7)} ms`);
} finally {
  for (const code of codes) await code.database.close();
}
