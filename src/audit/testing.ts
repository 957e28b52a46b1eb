import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { dialectOf, type Db } from '../store/db.ts';
import { eventHash } from './model.ts';

/** A fresh Ed25519 key in a PEM file, as an operator makes it with `openssl genpkey -algorithm ed25519`. */
export function keyFile(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const file = join(mkdtempSync(join(tmpdir(), 'muster-key-')), 'audit.pem');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}

/** What a database superuser can do: the append-only triggers switched off for the statements. */
export async function asSuperuser(db: Db, work: (db: Db) => Promise<void>): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await sql`drop trigger if exists audit_event_no_update`.execute(db);
    await sql`drop trigger if exists audit_event_no_delete`.execute(db);
    await work(db);
    return;
  }
  await db.connection().execute(async (c) => {
    await sql`set session_replication_role = replica`.execute(c);
    await work(c);
    await sql`set session_replication_role = origin`.execute(c);
  });
}

/** Cuts the chain back to `seq` events, head moved back and later checkpoints removed. */
export const truncate = (db: Db, seq: number) =>
  asSuperuser(db, async (c) => {
    const event = await c.selectFrom('audit_event').select('hash').where('seq', '=', seq).executeTakeFirstOrThrow();
    await c.deleteFrom('audit_event').where('seq', '>', seq).execute();
    await c.deleteFrom('audit_checkpoint').where('seq', '>', seq).execute();
    await c.updateTable('audit_head').set({ seq, hash: event.hash }).where('id', '=', 1).execute();
  });

/** Changes event `seq` and recomputes every later hash and the head: the hash chain alone still verifies. */
export const rewrite = (db: Db, seq: number) =>
  asSuperuser(db, async (c) => {
    const rows = await c.selectFrom('audit_event').selectAll().where('seq', '>=', seq).orderBy('seq').execute();
    let prev = rows[0].prev_hash;
    for (const r of rows) {
      const changed = r.seq === seq ? 'someone else' : r.actor_label;
      const hash = eventHash(prev, { seq: r.seq, at: r.at, actorAccountId: r.actor_account_id, actorLabel: changed, action: r.action, entity: r.entity, entityId: r.entity_id, before: r.before_json, after: r.after_json, reason: r.reason });
      await c.updateTable('audit_event').set({ actor_label: changed, prev_hash: prev, hash }).where('id', '=', r.id).execute();
      prev = hash;
    }
    await c.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
  });

