import { sql, type Selectable, type Transaction } from 'kysely';
import type { Actor } from '../shared/actor.ts';
import type { Db } from '../store/db.ts';
import { dialectOf } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { eventHash, verifyChain, type ChainedEvent, type StoredEvent, type VerifyResult } from './model.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { type AuditInput } from '../store/write.ts';
import { anchorSignatureValid, auditKeyFromEnvironment, checkpointEvery, signAnchor, type Anchor, type AuditKey } from './anchors.ts';

/** Locks the chain's head for the transaction (PostgreSQL; SQLite runs one writer at a time): see AuditTrail.lock. */
export async function lockAuditHead(tx: Transaction<Database>): Promise<void> {
  if (dialectOf(tx) === 'postgres') await tx.selectFrom('audit_head').select('id').where('id', '=', 1).forUpdate().execute();
}

export async function appendEvent(tx: Transaction<Database>, actor: Actor, now: Date, input: AuditInput): Promise<void> {
  // Lock the head row first: concurrent writers queue here, so the chain never forks.
  let headQuery = tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
  if (dialectOf(tx) === 'postgres') headQuery = headQuery.forUpdate();
  const head = await headQuery.executeTakeFirstOrThrow();
  const event: ChainedEvent = {
    seq: head.seq + 1,
    at: now.toISOString(),
    actorAccountId: actor.accountId,
    actorLabel: actor.label,
    action: input.action,
    entity: input.entity,
    entityId: String(input.entityId),
    before: input.before === undefined ? null : canonicalJson(input.before),
    after: input.after === undefined ? null : canonicalJson(input.after),
    reason: input.reason ?? null,
  };
  const hash = eventHash(head.hash, event);
  await tx
    .insertInto('audit_event')
    .values({
      seq: event.seq,
      at: event.at,
      actor_account_id: event.actorAccountId,
      actor_label: event.actorLabel,
      action: event.action,
      entity: event.entity,
      entity_id: event.entityId,
      before_json: event.before,
      after_json: event.after,
      reason: event.reason,
      prev_hash: head.hash,
      hash,
    })
    .execute();
  await tx.updateTable('audit_head').set({ seq: event.seq, hash }).where('id', '=', 1).execute();
  // A signed checkpoint every N events, in the same transaction (ADR 0007).
  const key = auditKeyFromEnvironment();
  if (key && event.seq % checkpointEvery() === 0) await tx.insertInto('audit_checkpoint').values(signAnchor(key, { seq: event.seq, hash, at: event.at })).execute();
}

/** The chain's head now, signed: what `muster audit anchor` prints, to keep outside the database. */
export async function anchorAudit(db: Db, key: AuditKey, now: Date): Promise<Anchor> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return signAnchor(key, { seq: head.seq, hash: head.hash, at: now.toISOString() });
}

export interface VerifyOptions {
  /** Checks every stored checkpoint's signature (without it, only that each still matches the chain). */
  key?: AuditKey | null;
  /** An anchor kept outside the database: the chain must reach it and agree with it. */
  anchor?: Anchor;
}

const BATCH = 5000;

/**
 * Reads the whole trail in seq order, in batches, and checks every link; then every stored
 * checkpoint (its signature, when the key is given, and its hash against the chain) and the anchor.
 */
export async function verifyAudit(db: Db, options: VerifyOptions = {}): Promise<VerifyResult> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  async function* events(): AsyncGenerator<StoredEvent> {
    let after = -Infinity;
    for (;;) {
      const rows = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('seq', '>', after === -Infinity ? -1 : after)
        .orderBy('seq')
        .orderBy('id')
        .limit(BATCH)
        .execute();
      for (const r of rows) yield toStored(r);
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1].seq;
    }
  }
  const collected: StoredEvent[] = [];
  for await (const e of events()) collected.push(e);
  const chain = verifyChain(collected, head);
  if (!chain.ok) return chain;
  const bad = (seq: number, reason: string): VerifyResult => ({ ok: false, verified: chain.verified, firstBad: { seq, id: collected[seq - 1]?.id ?? null, reason } });
  const hashAt = (seq: number) => collected[seq - 1]?.hash;
  const checkpoints = await db.selectFrom('audit_checkpoint').select(['seq', 'hash', 'at', 'signature']).orderBy('seq').execute();
  for (const checkpoint of checkpoints) {
    if (options.key && !anchorSignatureValid(options.key, checkpoint)) return bad(checkpoint.seq, `checkpoint at event #${checkpoint.seq} has a signature the audit key did not make: it was forged`);
    if (checkpoint.seq > chain.verified) return bad(checkpoint.seq, `a signed checkpoint names event #${checkpoint.seq} but the chain ends at #${chain.verified}: it was cut short`);
    if (hashAt(checkpoint.seq) !== checkpoint.hash) return bad(checkpoint.seq, `event #${checkpoint.seq} differs from its signed checkpoint: the chain was rewritten`);
  }
  const anchor = options.anchor;
  if (anchor) {
    if (!options.key) return bad(anchor.seq, `the anchor's signature cannot be checked without the audit key (MUSTER_AUDIT_KEY_FILE)`);
    if (!anchorSignatureValid(options.key, anchor)) return bad(anchor.seq, `the anchor's signature is not the audit key's: the anchor is not genuine`);
    if (anchor.seq > chain.verified) return bad(anchor.seq, `the chain ends at event #${chain.verified} but the anchor of ${anchor.at} names #${anchor.seq}: it was cut short`);
    if (hashAt(anchor.seq) !== anchor.hash) return bad(anchor.seq, `event #${anchor.seq} differs from the anchor of ${anchor.at}: the chain was rewritten`);
  }
  return chain;
}

function toStored(r: Selectable<Database['audit_event']>): StoredEvent {
  return {
    id: r.id,
    seq: r.seq,
    at: r.at,
    actorAccountId: r.actor_account_id,
    actorLabel: r.actor_label,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before_json,
    after: r.after_json,
    reason: r.reason,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  /** The actor's label: a username, or e.g. `cli user add`; any case. */
  actor?: string;
  /** An action (`person.update`) or its family (`person`: every `person.*`). */
  action?: string;
  /** First and last day (UTC, YYYY-MM-DD), both included. */
  from?: string;
  to?: string;
  /** Leaves these actions out. */
  excludeActions?: readonly string[];
  limit: number;
  beforeSeq?: number;
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString();

export async function listAuditEvents(db: Db, q: AuditQuery) {
  let query = db.selectFrom('audit_event').selectAll().orderBy('seq', 'desc').limit(q.limit);
  if (q.entity) query = query.where('entity', '=', q.entity);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.beforeSeq) query = query.where('seq', '<', q.beforeSeq);
  const actor = q.actor?.trim().toLowerCase();
  if (actor) query = query.where(sql<string>`lower(actor_label)`, '=', actor);
  const action = q.action?.trim();
  // A family by its prefix with substr, not LIKE, whose wildcard `_` is in many action names.
  if (action) query = query.where((eb) => eb.or([eb('action', '=', action), eb(sql<string>`substr(action, 1, ${sql.lit(action.length + 1)})`, '=', `${action}.`)]));
  if (q.from) query = query.where('at', '>=', `${q.from}T00:00:00.000Z`);
  if (q.to) query = query.where('at', '<', nextDay(q.to));
  if (q.excludeActions?.length) query = query.where('action', 'not in', q.excludeActions);
  const rows = await query.execute();
  return rows.map((r) => {
    const { prevHash: _p, ...e } = toStored(r);
    return { ...e, before: e.before === null ? null : JSON.parse(e.before), after: e.after === null ? null : JSON.parse(e.after) };
  });
}

export type ListedEvent = Awaited<ReturnType<typeof listAuditEvents>>[number];
