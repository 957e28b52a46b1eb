import type { Selectable, Transaction } from 'kysely';
import type { Actor } from '../auth/model.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Db } from '../store/db.ts';
import { dialectOf } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { membershipsWithUnitsAbove } from '../roster/store.ts';
import { canonicalJson, eventHash, verifyChain, type AuditInput, type ChainedEvent, type StoredEvent, type VerifyResult } from './model.ts';

/**
 * What every store write receives: the open transaction, who acts, the instant of the write,
 * and `record`, which appends the audit event inside the same transaction.
 */
export interface Writer {
  db: Transaction<Database>;
  actor: Actor;
  now: Date;
  record(event: AuditInput): Promise<void>;
}

/** Runs `fn` in one transaction with its audit events: both commit or neither does. */
export async function write<T>(db: Db, actor: Actor, fn: (w: Writer) => Promise<T>, clock: Clock = systemClock): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const now = clock();
    const writer: Writer = {
      db: tx,
      actor,
      now,
      record: (event) => appendEvent(tx, actor, now, event),
    };
    return fn(writer);
  });
}

async function appendEvent(tx: Transaction<Database>, actor: Actor, now: Date, input: AuditInput): Promise<void> {
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
}

const BATCH = 5000;

/** Reads the whole trail in seq order, in batches, and checks every link. */
export async function verifyAudit(db: Db): Promise<VerifyResult> {
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
  return verifyChain(collected, head);
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
  limit: number;
  beforeSeq?: number;
}

export async function listAuditEvents(db: Db, q: AuditQuery) {
  let query = db.selectFrom('audit_event').selectAll().orderBy('seq', 'desc').limit(q.limit);
  if (q.entity) query = query.where('entity', '=', q.entity);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.beforeSeq) query = query.where('seq', '<', q.beforeSeq);
  const rows = await query.execute();
  return rows.map((r) => {
    const { prevHash: _p, ...e } = toStored(r);
    return { ...e, before: e.before === null ? null : JSON.parse(e.before), after: e.after === null ? null : JSON.parse(e.after) };
  });
}

/** Records that `viewer` read `what` about each person: the participant can see it in their access log. */
export async function recordAccess(db: Db, viewer: Actor, personIds: readonly number[], what: string, clock: Clock = systemClock): Promise<void> {
  const others = [...new Set(personIds)].filter((id) => id !== viewer.personId);
  if (others.length === 0) return;
  const at = clock().toISOString();
  for (let i = 0; i < others.length; i += 1000) {
    await db
      .insertInto('access_log')
      .values(others.slice(i, i + 1000).map((person_id) => ({ at, viewer_account_id: viewer.accountId, viewer_label: viewer.label, person_id, what })))
      .execute();
  }
}

/**
 * Records that `viewer` read `what` about everyone now in a unit and the units below it, as one
 * row (ADR 0005): each participant's access log finds it through their membership at the time.
 */
export async function recordUnitAccess(db: Db, viewer: Actor, unitId: number, what: string, clock: Clock = systemClock): Promise<void> {
  await db.insertInto('unit_access_log').values({ at: clock().toISOString(), viewer_account_id: viewer.accountId, viewer_label: viewer.label, unit_id: unitId, what }).execute();
}

export interface AccessEntry {
  at: string;
  /** The viewer's label when they read (their username, or the system's task). */
  viewer: string;
  /** Null for the system. */
  viewerAccountId: number | null;
  what: string;
}

/**
 * Who read a person's data, newest first: reads of the person, and reads of any unit that
 * covered them when it happened (their unit then, or one above it).
 */
export async function listAccessLog(db: Db, personId: number, limit: number): Promise<AccessEntry[]> {
  const memberships = await membershipsWithUnitsAbove(db, personId);
  const [own, unitWide] = await Promise.all([
    db.selectFrom('access_log').select(['at', 'viewer_label as viewer', 'viewer_account_id as viewerAccountId', 'what']).where('person_id', '=', personId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
    memberships.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('unit_access_log')
          .innerJoin('unit', 'unit.id', 'unit_access_log.unit_id')
          .select(['unit_access_log.at', 'unit_access_log.viewer_label as viewer', 'unit_access_log.viewer_account_id as viewerAccountId', 'unit_access_log.what', 'unit.name as unit'])
          .where((eb) =>
            eb.or(
              memberships.map((m) =>
                eb.and([
                  eb('unit_access_log.unit_id', 'in', m.unitIds),
                  eb('unit_access_log.at', '>=', m.from),
                  ...(m.to === null ? [] : [eb('unit_access_log.at', '<', m.to)]),
                ]),
              ),
            ),
          )
          .orderBy('unit_access_log.at', 'desc')
          .orderBy('unit_access_log.id', 'desc')
          .limit(limit)
          .execute(),
  ]);
  const entries = [...own, ...unitWide.map(({ unit, ...e }) => ({ ...e, what: `${e.what} of ${unit}` }))];
  // Stable: same-instant entries keep each query's newest-first order.
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
