import { sql, type Kysely, type Transaction } from 'kysely';
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

/** The audit trail as the kernel uses it: `append` an event; `lock` the chain for this transaction. */
export interface AuditTrail {
  append: AuditAppend;
  /**
   * Taken first in every write (PostgreSQL), before the write locks any row. A write that appends
   * and then locks another row (a group of check-ins, the appointments falling due, an import's
   * batches) held the chain while a single write held that row and waited for the chain: a deadlock
   * (found by the soak test, issue 14). With the chain locked first, every writer queues in one order.
   */
  lock: (tx: Transaction<Database>) => Promise<void>;
}

let auditTrail: AuditTrail | undefined;

/**
 * The audit capability registers its trail here when it loads, so the kernel needs no import
 * from above it. Every entry point loads the capabilities (src/capabilities.ts) first.
 */
export function registerAuditTrail(trail: AuditTrail): void {
  auditTrail = trail;
}

/** Default deny: a write that cannot be audited is not made. */
function registeredTrail(): AuditTrail {
  if (!auditTrail) throw new Error('no audit trail is registered: load src/capabilities.ts before writing');
  return auditTrail;
}

/** Runs `fn` in one transaction with its audit events: both commit or neither does. */
export async function write<T>(db: Db, actor: Actor, fn: (w: Writer) => Promise<T>, clock: Clock = systemClock): Promise<T> {
  const { append, lock } = registeredTrail();
  return db.transaction().execute(async (tx) => {
    await lock(tx);
    const now = clock();
    return fn({ db: tx, actor, now, record: (event) => append(tx, actor, now, event) });
  });
}

/** One write of a group (`writeEach`): who acts, and what it does. */
export interface GroupedWrite<T> {
  actor: Actor;
  run: (w: Writer) => Promise<T>;
}

/**
 * Runs several writes, each with its own actor and audit events, in one transaction and one
 * commit: on a durable SQLite (synchronous=FULL) a commit waits for the disk, so a burst of small
 * writes (check-ins at the door) commits together instead of queueing one fsync each. Each write
 * runs in a savepoint: one that throws is undone alone, and its error is its result; the others
 * commit together. If the commit fails, every write fails.
 */
export async function writeEach<T>(db: Db, writes: readonly GroupedWrite<T>[], clock: Clock = systemClock): Promise<PromiseSettledResult<T>[]> {
  const { append, lock } = registeredTrail();
  return db.transaction().execute(async (tx) => {
    await lock(tx);
    const now = clock();
    const results: PromiseSettledResult<T>[] = [];
    for (const { actor, run } of writes) {
      await sql`savepoint grouped_write`.execute(tx);
      try {
        const value = await run({ db: tx, actor, now, record: (event) => append(tx, actor, now, event) });
        results.push({ status: 'fulfilled', value });
      } catch (reason) {
        await sql`rollback to savepoint grouped_write`.execute(tx);
        results.push({ status: 'rejected', reason });
      }
      await sql`release savepoint grouped_write`.execute(tx);
    }
    return results;
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
