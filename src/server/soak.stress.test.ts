/**
 * Soak (issue 14): many concurrent clients over loopback against the real server for a bounded
 * time, mixing reads of every role with writes of every kind (sets, measurements, wellness,
 * check-ins, training imports). No request fails (no 5xx, no connection error, no refusal of a good
 * request), every acknowledged write is stored, and (the long form) the server's resident memory
 * at the end is within 20% of what it was after a warm-up; the short form reports both.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/random.ts';
import { call, freePort, freshStressDatabase, killServer, loadSmallDemo, residentBytes, serverErrors, sleep, startServer, type Client, type RunningServer } from './stress/harness.ts';
import { checkIntegrity, checkStored, Ledger, prepareFixture, verifyAuditChain, type Fixture } from './stress/workload.ts';
import { byForm, longForm } from './stress.ts';
import { dialects } from './test-databases.ts';

const CLIENTS = byForm(20, 40);
const WARM_UP_SECONDS = byForm(4, 30);
const SOAK_SECONDS = byForm(15, 300);
const SETTLE_MS = byForm(1_000, 5_000);
const IMPORT_ROWS = 600;
/** The short form loads a smaller demo (`muster demo --participants`); the long one lets `muster start` load the default. */
const DEMO_PARTICIPANTS = byForm<number | undefined>(20, undefined);
const SEED = Number(process.env.MUSTER_STRESS_SEED ?? 14);

const mebibytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

interface Tally {
  requests: number;
  failures: string[];
}

/** A read any of these roles makes all day; each must answer 200. */
function reads(f: Fixture, random: () => number): Array<[Client, string]> {
  const person = f.participants[Math.floor(random() * f.participants.length)];
  return [
    [f.trainer, `/people?limit=50&offset=${Math.floor(random() * 60)}`],
    [f.trainer, '/units'],
    [f.trainer, '/exercises'],
    [f.trainer, `/training/sessions?from=${new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10)}`],
    [f.assessor, `/people/${person.id}/assessments`],
    [f.commander, `/people/${person.id}`],
    [f.participant, '/me'],
    [f.commander, '/me'],
  ];
}

/**
 * One client's loop until `until`: client 0 also reports the participant's wellness (one writer
 * keeps the day's report in order), client 1 runs training imports one after another, the rest mix
 * reads with sets, measurements and check-ins.
 */
async function client(n: number, f: Fixture, ledger: Ledger, tally: Tally, until: number): Promise<void> {
  const random = seededRandom(SEED * 1000 + n);
  while (Date.now() < until) {
    const pick = random();
    try {
      tally.requests++;
      if (n === 0 && pick < 0.3) await ledger.reportWellness(f);
      else if (n === 1 && pick < 0.3) await ledger.importTraining(f, IMPORT_ROWS);
      else if (n > 1 && pick < 0.15) await ledger.addSet(f);
      else if (n > 1 && pick < 0.22) await ledger.addAssessment(f);
      else if (n > 1 && pick < 0.3) await ledger.checkIn(f);
      else {
        const options = reads(f, random);
        const [who, path] = options[Math.floor(random() * options.length)];
        const answer = await call(who, 'GET', path);
        if (answer.status !== 200) tally.failures.push(`GET ${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      }
    } catch (error) {
      tally.failures.push(`client ${n}: ${String(error)}`);
    }
  }
}

const load = (f: Fixture, ledger: Ledger, tally: Tally, seconds: number) => {
  const until = Date.now() + seconds * 1000;
  return Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n, f, ledger, tally, until)));
};

describe.each(dialects)('soak: concurrent clients against the real server [%s]', (dialect) => {
  it(
    `${CLIENTS} clients for ${SOAK_SECONDS} s: no failed request, every acknowledged write stored, ${longForm ? 'memory within 20%' : 'memory reported'}`,
    async () => {
      const database = await freshStressDatabase(dialect);
      let server: RunningServer | undefined;
      try {
        if (DEMO_PARTICIPANTS) await loadSmallDemo(database, DEMO_PARTICIPANTS);
        server = await startServer(database, await freePort());
        const fixture = await prepareFixture(server.base);
        const ledger = new Ledger();
        const tally: Tally = { requests: 0, failures: [] };

        await load(fixture, ledger, tally, WARM_UP_SECONDS);
        await sleep(SETTLE_MS);
        const rssStart = residentBytes(server.pid);
        const warmUpRequests = tally.requests;
        await load(fixture, ledger, tally, SOAK_SECONDS);
        await sleep(SETTLE_MS);
        const rssEnd = residentBytes(server.pid);

        const handle = database.open();
        let stored;
        try {
          stored = await checkStored(handle, ledger, fixture);
          expect(await checkIntegrity(handle)).toEqual([]);
        } finally {
          await handle.close();
        }
        const audit = await verifyAuditChain(database);
        console.log(
          `soak [${dialect}]: ${CLIENTS} clients, ${SOAK_SECONDS} s after a ${WARM_UP_SECONDS} s warm-up: ${tally.requests - warmUpRequests} requests (${tally.requests} with the warm-up), ${tally.failures.length} failed; ${stored.checked} acknowledged writes checked (sets ${ledger.sets.length}, measurements ${ledger.assessments.length}, check-ins ${ledger.checkIns.length}, imports ${ledger.imports.filter((i) => i.state === 'acknowledged').length}); RSS ${mebibytes(rssStart)} MiB at the start, ${mebibytes(rssEnd)} MiB at the end (${(((rssEnd - rssStart) / rssStart) * 100).toFixed(1)}%)`,
        );
        expect(tally.failures.slice(0, 20), serverErrors(server)).toEqual([]);
        expect(ledger.unexpected.slice(0, 20), serverErrors(server)).toEqual([]);
        expect(stored.problems).toEqual([]);
        expect(audit.status, audit.output).toBe(0);
        // The memory bound is the long form's: 15 s after a 4 s warm-up the heap is still growing to
        // its working size (CI saw +37% once, +12% another time), so the short form only reports it.
        if (longForm) expect(Math.abs(rssEnd - rssStart) / rssStart).toBeLessThanOrEqual(0.2);
      } finally {
        if (server) await killServer(server);
        await database.drop();
      }
    },
    byForm(600_000, 3_600_000),
  );
});
