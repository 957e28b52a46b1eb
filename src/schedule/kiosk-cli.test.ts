import { afterEach, describe, expect, it } from 'vitest';
import { migrateAll } from '../capabilities.ts';
import { cliDatabase, muster } from '../cli/testing.ts';
import { dialects } from '../server/test-databases.ts';
import { sha256Hex } from '../shared/canonical-json.ts';
import { openDatabase } from '../store/db.ts';
import { authenticateKiosk } from './kiosks.ts';
import { makeLocation } from './kiosk-testing.ts';

describe.each(dialects)('muster kiosk [%s]', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('lists the locations as JSON and adds a kiosk, printing its token once (stored hashed)', async () => {
    const { env, drop } = await cliDatabase(dialect);
    const handle = openDatabase(dialect === 'sqlite' ? { sqliteFile: env.MUSTER_DB } : { databaseUrl: env.DATABASE_URL });
    cleanups.push(async () => {
      await handle.close();
      await drop();
    });
    await migrateAll(handle.db);
    await makeLocation(handle.db, { name: 'Gym A', timeZone: 'Europe/London', directions: 'Building 4' });

    const list = await muster(['kiosk', 'locations', '--json'], { env });
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([{ name: 'Gym A', timeZone: 'Europe/London', directions: 'Building 4' }]);

    const added = await muster(['kiosk', 'add', '--location', 'Gym A'], { env });
    expect(added.status, added.stderr).toBe(0);
    const token = added.stdout.trim();
    expect(token).toMatch(/^mst_[A-Za-z0-9_-]{43}$/);
    const [kiosk] = await handle.db.selectFrom('kiosk').selectAll().execute();
    expect(kiosk).toMatchObject({ name: 'Kiosk at Gym A', token_hash: sha256Hex(token) });
    expect(await authenticateKiosk(handle.db, token)).toMatchObject({ kiosk: { id: kiosk.id } });

    const unknown = await muster(['kiosk', 'add', '--location', 'Nowhere'], { env });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no location 'Nowhere'; the locations are: Gym A/);
  });
});
