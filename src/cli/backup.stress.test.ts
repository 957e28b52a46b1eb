/**
 * A backup taken while the real server keeps writing (issue 14): it holds every write acknowledged
 * before it started, it is one consistent moment (its row counts and its audit chain agree: the
 * restore verifies the chain before it keeps anything), and it restores on the other database.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, freshStressDatabase, killServer, startServer, type RunningServer } from '../server/stress/harness.ts';
import { Ledger, prepareFixture } from '../server/stress/workload.ts';
import { byForm } from '../server/stress.ts';
import { dialects } from '../server/test-databases.ts';
import { openDatabase } from '../store/db.ts';
import { cliDatabase, muster } from './testing.ts';

const WRITERS = 3;
/** Sets acknowledged before the backup starts. */
const SETS_BEFORE = byForm(100, 2_000);

describe.each(dialects)('backup while the server writes [%s]', (dialect) => {
  it('holds every write acknowledged before it started, and restores on the other database with its audit trail verified', async () => {
    const database = await freshStressDatabase(dialect);
    const target = await cliDatabase(dialect === 'sqlite' ? 'postgres' : 'sqlite');
    let server: RunningServer | undefined;
    try {
      // The demo loaded first, in this process: the server then starts at once (its start-up wait is short).
      const demo = await muster(['demo', '--participants', '20'], { env: database.env });
      expect(demo.status, demo.stderr).toBe(0);
      server = await startServer(database, await freePort());
      const fixture = await prepareFixture(server.base);
      const ledger = new Ledger();
      let stop = false;
      const writers = Promise.all(
        Array.from({ length: WRITERS }, async () => {
          while (!stop) await ledger.addSet(fixture);
        }),
      );
      while (ledger.sets.length < SETS_BEFORE && ledger.unexpected.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const acknowledgedBefore = [...ledger.sets];
      const file = join(mkdtempSync(join(tmpdir(), 'muster-backup-live-')), 'live.backup');
      const backup = await muster(['backup', file], { env: database.env });
      const acknowledgedDuring = ledger.sets.length - acknowledgedBefore.length;
      stop = true;
      await writers;
      expect(ledger.unexpected).toEqual([]);
      expect(backup.status, backup.stderr).toBe(0);
      expect(acknowledgedDuring, 'the server kept writing while the backup ran').toBeGreaterThan(0);

      const restored = await muster(['restore', file], { env: target.env });
      expect(restored.status, restored.stderr).toBe(0);
      const verified = await muster(['audit', 'verify'], { env: target.env });
      expect(verified.status, verified.stderr).toBe(0);
      const handle = openDatabase(target.env.DATABASE_URL ? { databaseUrl: target.env.DATABASE_URL } : { sqliteFile: target.env.MUSTER_DB });
      try {
        const stored = new Set((await handle.db.selectFrom('training_set').select('id').execute()).map((r) => r.id));
        expect(acknowledgedBefore.filter((id) => !stored.has(id))).toEqual([]);
      } finally {
        await handle.close();
      }
      console.log(`backup under writes [${dialect}]: ${acknowledgedBefore.length} sets acknowledged before it, ${acknowledgedDuring} while it ran; ${backup.stdout.trim()}`);
    } finally {
      if (server) await killServer(server, 'SIGTERM');
      await target.drop();
      await database.drop();
    }
  }, 300_000);
});
