import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../server/test-databases.ts';
import { cliDatabase, muster } from '../cli/testing.ts';
import { openDatabase } from '../store/db.ts';
import type { Anchor } from './anchors.ts';
import { keyFile, truncate } from './testing.ts';

// Issue 14 (ADR 0007): the commands an operator runs; a file of its own, as the CLI's connections are the process's.
describe.each(dialects)('muster audit anchor and verify --anchor [%s]', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('prints a signed anchor, and verify --anchor exits 1 naming a chain cut short', async () => {
    const { env: base, drop } = await cliDatabase(dialect);
    cleanups.push(drop);
    const env: Record<string, string> = { ...base, MUSTER_AUDIT_KEY_FILE: keyFile(), MUSTER_AUDIT_CHECKPOINT_EVERY: '5' };
    expect((await muster(['demo', '--participants', '2'], { env })).status).toBe(0);
    const printed = await muster(['audit', 'anchor'], { env });
    expect(printed.status, printed.stderr).toBe(0);
    const anchor = JSON.parse(printed.stdout) as Anchor;
    expect(Object.keys(anchor).sort()).toEqual(['at', 'hash', 'seq', 'signature']);
    const file = join(mkdtempSync(join(tmpdir(), 'muster-anchor-')), 'anchor.json');
    writeFileSync(file, printed.stdout);
    const intact = await muster(['audit', 'verify', '--anchor', file], { env });
    expect(intact.stdout + intact.stderr).toMatch(new RegExp(`agrees with the anchor at event #${anchor.seq}`));
    expect(intact.status, intact.stderr).toBe(0);

    const handle = openDatabase(dialect === 'sqlite' ? { sqliteFile: env.MUSTER_DB } : { databaseUrl: env.DATABASE_URL });
    await truncate(handle.db, anchor.seq - 3);
    await handle.close();
    expect((await muster(['audit', 'verify'], { env })).status).toBe(0);
    const cut = await muster(['audit', 'verify', '--anchor', file], { env });
    expect(cut.status).toBe(1);
    expect(cut.stderr).toMatch(new RegExp(`the chain ends at event #${anchor.seq - 3} but the anchor of .* names #${anchor.seq}: it was cut short`));

    const unkeyed = await muster(['audit', 'anchor'], { env: { ...env, MUSTER_AUDIT_KEY_FILE: '' } });
    expect(unkeyed.status).toBe(2);
    expect(unkeyed.stderr).toMatch(/MUSTER_AUDIT_KEY_FILE/);
  }, 120_000);
});
