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
  const append = auditAppend;
  if (!append) throw new Error('no audit trail is registered: load src/capabilities.ts before writing');
  return db.transaction().execute(async (tx) => {
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
