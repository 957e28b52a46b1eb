import type { Kysely, Transaction } from 'kysely';
import { systemActor, type Actor } from '../shared/actor.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Db } from './db.ts';
import type { Database } from './schema.ts';

/** What a write records: the entity it touched and its state before and after. */
export interface AuditInput {
  action: string;
  entity: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

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

/** Appends one event to the audit trail inside the writer's transaction (the audit capability provides it). */
export type AuditAppend = (tx: Transaction<Database>, actor: Actor, now: Date, event: AuditInput) => Promise<void>;

let auditAppend: AuditAppend | undefined;

/**
 * The audit capability registers its append here when it loads, so the kernel needs no import
 * from above it. Every entry point loads the capabilities (src/capabilities.ts) first.
 */
export function registerAuditTrail(append: AuditAppend): void {
  auditAppend = append;
}

/** Runs `fn` in one transaction with its audit events: both commit or neither does. */
export async function write<T>(db: Db, actor: Actor, fn: (w: Writer) => Promise<T>, clock: Clock = systemClock): Promise<T> {
  const append = auditAppend;
  // Default deny: a write that cannot be audited is not made.
  if (!append) throw new Error('no audit trail is registered: load src/capabilities.ts before writing');
  return db.transaction().execute(async (tx) => {
    const now = clock();
    return fn({ db: tx, actor, now, record: (event) => append(tx, actor, now, event) });
  });
}

/**
 * The writer of a migration that rebuilds derived state (a stored baseline, a load-ratio state):
 * the migration's own transaction, acting as the system. Derived state is never audited, so it
 * records nothing; a migration that changed recorded data would have to audit it, and cannot here.
 */
export function migrationWriter(db: Kysely<unknown>, migration: string): Writer {
  return {
    db: db as unknown as Transaction<Database>,
    actor: systemActor(`migration ${migration}`),
    now: new Date(),
    record: () => Promise.reject(new Error(`migration ${migration} may rebuild derived state only, which is not audited`)),
  };
}
