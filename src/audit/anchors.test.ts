import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../server/test-databases.ts';
import type { Db } from '../store/db.ts';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { auditKeyFromEnvironment, signAnchor, type Anchor } from './anchors.ts';
import { anchorAudit, verifyAudit } from './store.ts';
import { asSuperuser, keyFile, rewrite, truncate } from './testing.ts';

async function writeEvents(db: Db, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await write(db, systemActor('test'), (w) => w.record({ action: 'test.event', entity: 'test', entityId: i, after: { i } }));
}

const saved = { key: process.env.MUSTER_AUDIT_KEY_FILE, every: process.env.MUSTER_AUDIT_CHECKPOINT_EVERY };
function restoreEnvironment() {
  for (const [name, value] of [['MUSTER_AUDIT_KEY_FILE', saved.key], ['MUSTER_AUDIT_CHECKPOINT_EVERY', saved.every]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

// Issue 14: verify missed a chain cut short and a chain rewritten with every later hash recomputed (ADR 0007).
describeEachDatabase('audit anchors and signed checkpoints', (database) => {
  beforeEach(() => {
    process.env.MUSTER_AUDIT_KEY_FILE = keyFile();
    process.env.MUSTER_AUDIT_CHECKPOINT_EVERY = '5';
  });
  afterEach(restoreEnvironment);

  it('signs a checkpoint every N events as the trail grows', async () => {
    await writeEvents(database().db, 12);
    const checkpoints = await database().db.selectFrom('audit_checkpoint').select('seq').orderBy('seq').execute();
    expect(checkpoints.map((c) => c.seq)).toEqual([5, 10]);
    expect(await verifyAudit(database().db, { key: auditKeyFromEnvironment() })).toEqual({ ok: true, verified: 12 });
  });

  it('catches a chain cut short with the anchor', async () => {
    const db = database().db;
    const key = auditKeyFromEnvironment()!;
    await writeEvents(db, 12);
    const anchor = await anchorAudit(db, key, new Date());
    expect(anchor.seq).toBe(12);
    await truncate(db, 8);
    // The chain, its head and the checkpoints left agree: without the anchor the cut is unseen.
    expect((await verifyAudit(db, { key })).ok).toBe(true);
    const result = await verifyAudit(db, { key, anchor });
    expect(result.ok).toBe(false);
    expect(result.firstBad?.reason).toMatch(/^the chain ends at event #8 but the anchor of .* names #12: it was cut short$/);
  });

  it('catches a chain rewritten with recomputed hashes: by the anchor, and by the signed checkpoints', async () => {
    const db = database().db;
    const key = auditKeyFromEnvironment()!;
    await writeEvents(db, 12);
    const anchor = await anchorAudit(db, key, new Date());
    await rewrite(db, 3);
    expect((await verifyAudit(db)).firstBad?.reason).toBe('event #5 differs from its signed checkpoint: the chain was rewritten');
    // With the checkpoints removed, only the anchor sees it.
    await asSuperuser(db, (c) => c.deleteFrom('audit_checkpoint').execute().then(() => undefined));
    expect((await verifyAudit(db, { key })).ok).toBe(true);
    expect((await verifyAudit(db, { key, anchor })).firstBad?.reason).toMatch(/^event #12 differs from the anchor of .*: the chain was rewritten$/);
  });

  it('catches a forged checkpoint: re-signed without the audit key', async () => {
    const db = database().db;
    const key = auditKeyFromEnvironment()!;
    await writeEvents(db, 12);
    await rewrite(db, 3);
    const { privateKey } = generateKeyPairSync('ed25519');
    const forger = { privateKey, publicKey: privateKey };
    const events = await db.selectFrom('audit_event').select(['seq', 'hash', 'at']).where('seq', 'in', [5, 10]).execute();
    await asSuperuser(db, async (c) => {
      for (const e of events) {
        const forged: Anchor = signAnchor(forger, { seq: e.seq, hash: e.hash, at: e.at });
        await c.updateTable('audit_checkpoint').set({ hash: forged.hash, signature: forged.signature }).where('seq', '=', e.seq).execute();
      }
    });
    const result = await verifyAudit(db, { key });
    expect(result.ok).toBe(false);
    expect(result.firstBad?.reason).toBe('checkpoint at event #5 has a signature the audit key did not make: it was forged');
  });
});
