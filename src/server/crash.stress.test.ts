/**
 * Crashes (issue 14): the real server under writes of every kind, a training import of thousands of
 * rows among them, killed with SIGKILL at seeded random moments and started again, round after round.
 * After each restart every acknowledged write is stored, no import is half there, the database's
 * own integrity check passes and `muster audit verify` passes. MUSTER_STRESS_SEED picks other moments.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/random.ts';
import { freePort, freshStressDatabase, killServer, loadSmallDemo, serverErrors, sleep, startServer, type RunningServer } from './stress/harness.ts';
import { checkIntegrity, checkStored, Ledger, prepareFixture, verifyAuditChain, type Fixture } from './stress/workload.ts';
import { byForm } from './stress.ts';
import { dialects } from './test-databases.ts';

const ROUNDS = byForm(3, 20);
/**
 * A kill comes at a random moment once the round's writers have had this many writes acknowledged
 * (so that a slow restart on a busy machine still sees writes every round): up to `KILL_WITHIN_MS`
 * later, from mid-request to well into an import.
 */
const ACKNOWLEDGED_BEFORE_KILL = byForm(10, 20);
const KILL_WITHIN_MS = byForm(2_000, 4_000);
const IMPORT_ROWS = byForm(3_000, 6_000);
/** The short form loads a smaller demo (`muster demo --participants`); the long one lets `muster start` load the default. */
const DEMO_PARTICIPANTS = byForm<number | undefined>(20, undefined);
const SEED = Number(process.env.MUSTER_STRESS_SEED ?? 14);

/** Writers of every kind until the server is gone; an error while it still runs is a finding. */
function writeUntilKilled(fixture: Fixture, ledger: Ledger, killed: () => boolean): Promise<void[]> {
  const writes = [
    () => ledger.addSet(fixture),
    () => ledger.addSet(fixture),
    () => ledger.addSet(fixture),
    () => ledger.addAssessment(fixture),
    () => ledger.reportWellness(fixture),
    () => ledger.checkIn(fixture),
    () => ledger.importTraining(fixture, IMPORT_ROWS),
  ];
  return Promise.all(
    writes.map(async (write) => {
      for (;;) {
        try {
          await write();
        } catch (error) {
          if (!killed()) ledger.unexpected.push(`while the server ran: ${String(error)}`);
          return;
        }
      }
    }),
  );
}

describe.each(dialects)('crash: SIGKILL under writes, restart, check [%s]', (dialect) => {
  it(
    `keeps every acknowledged write, whole imports, integrity and the audit chain through ${ROUNDS} kills`,
    async () => {
      const database = await freshStressDatabase(dialect);
      let server: RunningServer | undefined;
      try {
        const port = await freePort();
        const random = seededRandom(SEED);
        if (DEMO_PARTICIPANTS) await loadSmallDemo(database, DEMO_PARTICIPANTS);
        server = await startServer(database, port);
        const fixture = await prepareFixture(server.base);
        const ledger = new Ledger();
        let survived = 0;
        let importsInFlight = 0;
        let checked = 0;
        for (let round = 1; round <= ROUNDS; round++) {
          let killed = false;
          const writers = writeUntilKilled(fixture, ledger, () => killed);
          const before = ledger.acknowledged;
          const enough = () => ledger.acknowledged >= before + ACKNOWLEDGED_BEFORE_KILL || ledger.unexpected.length > 0;
          for (const deadline = Date.now() + 120_000; !enough() && Date.now() < deadline; ) await sleep(20);
          await sleep(random() * KILL_WITHIN_MS);
          killed = true;
          await killServer(server);
          importsInFlight += ledger.importsInFlight;
          await writers;

          server = await startServer(database, port);
          const handle = database.open();
          try {
            const stored = await checkStored(handle, ledger, fixture);
            expect(stored.problems, `round ${round}`).toEqual([]);
            expect(await checkIntegrity(handle), `round ${round}`).toEqual([]);
            checked = stored.checked;
          } finally {
            await handle.close();
          }
          const audit = await verifyAuditChain(database);
          expect(audit.status, `round ${round}: ${audit.output}`).toBe(0);
          expect(ledger.unexpected, `round ${round}: ${serverErrors(server)}`).toEqual([]);
          survived = round;
        }
        console.log(`crash [${dialect}]: ${survived} of ${ROUNDS} SIGKILL rounds survived (seed ${SEED}); ${checked} acknowledged writes checked (sets ${ledger.sets.length}, measurements ${ledger.assessments.length}, appointments ${ledger.appointments.length}, check-ins ${ledger.checkIns.length}, imports ${ledger.imports.filter((i) => i.state === 'acknowledged').length} of ${ledger.imports[0]?.rows} rows each, wellness 1); ${importsInFlight} imports in flight at kill time (${ledger.imports.filter((i) => i.state === 'settled' && i.settledRows! > 0).length} of them found committed whole, the rest absent whole)`);
        expect(survived).toBe(ROUNDS);
      } finally {
        if (server) await killServer(server);
        await database.drop();
      }
    },
    byForm(600_000, 3_600_000),
  );
});
