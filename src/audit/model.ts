import { createHash } from 'node:crypto';
import type { Generated } from 'kysely';

export interface AuditTables {
  audit_event: {
    id: Generated<number>;
    seq: number;
    at: string;
    actor_account_id: number | null;
    actor_label: string;
    action: string;
    entity: string;
    entity_id: string;
    before_json: string | null;
    after_json: string | null;
    reason: string | null;
    prev_hash: string;
    hash: string;
  };
  /**
   * A signed checkpoint of the chain, written by the append every MUSTER_AUDIT_CHECKPOINT_EVERY
   * events when a key is configured (src/audit/anchors.ts, ADR 0007).
   */
  audit_checkpoint: {
    id: Generated<number>;
    seq: number;
    hash: string;
    at: string;
    signature: string;
  };
  /** The single row that holds the chain's head; locked by every append so the chain never forks. */
  audit_head: {
    id: number;
    seq: number;
    hash: string;
  };
  access_log: {
    id: Generated<number>;
    at: string;
    viewer_account_id: number | null;
    viewer_label: string;
    person_id: number;
    what: string;
  };
  /** One row per read of a whole unit and the units below it (ADR 0005). */
  unit_access_log: {
    id: Generated<number>;
    at: string;
    viewer_account_id: number | null;
    viewer_label: string;
    unit_id: number;
    what: string;
  };
}

export const GENESIS_HASH = '0'.repeat(64);

import { canonicalJson } from '../shared/canonical-json.ts';

export interface ChainedEvent {
  seq: number;
  at: string;
  actorAccountId: number | null;
  actorLabel: string;
  action: string;
  entity: string;
  entityId: string;
  before: string | null;
  after: string | null;
  reason: string | null;
}

/** hash = SHA-256(previous hash + canonical JSON of the event). */
export function eventHash(prevHash: string, e: ChainedEvent): string {
  const chained: ChainedEvent = {
    seq: e.seq,
    at: e.at,
    actorAccountId: e.actorAccountId,
    actorLabel: e.actorLabel,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId,
    before: e.before,
    after: e.after,
    reason: e.reason,
  };
  return createHash('sha256').update(prevHash).update(canonicalJson(chained)).digest('hex');
}

export interface VerifyResult {
  ok: boolean;
  verified: number;
  /** The first event that does not fit the chain, and why. */
  firstBad?: { seq: number | null; id: number | null; reason: string };
}

export interface StoredEvent extends ChainedEvent {
  id: number;
  prevHash: string;
  hash: string;
}

/**
 * Walks the events in seq order. Catches a changed event (hash), an inserted or deleted one
 * (seq gap or broken link), a reordering (link), and a deleted tail (the head row).
 */
export function verifyChain(events: Iterable<StoredEvent>, head: { seq: number; hash: string } | undefined): VerifyResult {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let verified = 0;
  for (const e of events) {
    const bad = (reason: string): VerifyResult => ({ ok: false, verified, firstBad: { seq: e.seq, id: e.id, reason } });
    if (e.seq !== expectedSeq) return bad(`expected event #${expectedSeq} but found #${e.seq}: an event was inserted, deleted or reordered`);
    if (e.prevHash !== prev) return bad(`event #${e.seq} does not link to the event before it`);
    if (eventHash(prev, e) !== e.hash) return bad(`event #${e.seq} was changed after it was written`);
    prev = e.hash;
    expectedSeq += 1;
    verified += 1;
  }
  const headSeq = head?.seq ?? 0;
  if (headSeq !== verified || (head && head.hash !== prev && headSeq > 0)) {
    return {
      ok: false,
      verified,
      firstBad: { seq: verified + 1, id: null, reason: `the chain ends at event #${verified} but its head says #${headSeq}: events were deleted` },
    };
  }
  return { ok: true, verified };
}

/** Sign-ins and sign-outs: the events that flood the trail, folded by default in the datapad. */
export const signInActions: readonly string[] = ['session.create', 'session.end'];

export interface FoldableEvent {
  seq: number;
  at: string;
  action: string;
  actorLabel: string;
}

/**
 * Consecutive sign-in events (newest first) of the same actor, action and day (UTC) as one row: the
 * newest, with how many there were and the others' seq and time. Other events pass unchanged.
 */
export function foldSignIns<E extends FoldableEvent>(events: readonly E[]): (E & { count: number; folded: { seq: number; at: string }[] })[] {
  const rows: (E & { count: number; folded: { seq: number; at: string }[] })[] = [];
  for (const event of events) {
    const last = rows.at(-1);
    const foldable = signInActions.includes(event.action);
    if (foldable && last && last.action === event.action && last.actorLabel === event.actorLabel && last.at.slice(0, 10) === event.at.slice(0, 10)) {
      last.count += 1;
      last.folded.push({ seq: event.seq, at: event.at });
    } else rows.push({ ...event, count: 1, folded: [] });
  }
  return rows;
}
