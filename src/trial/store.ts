/**
 * A trial's life: the draft protocol, its lock (the protocol's SHA-256 and the seed's commitment
 * published), amendments as new versions, closing and unblinding. Every change is one audited
 * write with a reason; the state it depends on is read with the trial row locked
 * (`lockedTrial`), so two changes to one trial never interleave.
 */
import type { Db } from '../store/db.ts';
import { dialectOf } from '../store/db.ts';
import type { Writer } from '../store/write.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { badRequest, conflict, notFound } from '../shared/errors.ts';
import { protocolSha256, type Protocol } from './protocol.ts';
import { generateSeed, seedCommitment } from './random-stream.ts';
import { trialByCode, type TrialView } from './trials.ts';

type Status = TrialView['status'];

/** Every trial, newest first: what `GET /api/trials` and `muster trial list` show. */
export async function listTrials(db: Db): Promise<{ code: string; title: string; status: Status }[]> {
  return db.selectFrom('trial').select(['code', 'title', 'status']).orderBy('id', 'desc').execute();
}

/** Every version of the protocol, oldest first, with its reason. */
export async function protocolVersions(db: Db, trialId: number) {
  const rows = await db
    .selectFrom('trial_protocol')
    .select(['version', 'sha256', 'reason', 'created_at as createdAt', 'created_by_label as createdBy'])
    .where('trial_id', '=', trialId)
    .orderBy('version')
    .execute();
  return rows;
}

/**
 * The trial, read inside the writer's transaction with its row locked (`FOR UPDATE` on
 * PostgreSQL; SQLite runs one writer at a time), and its secret seed. Every write that depends on
 * the trial's state or its allocations starts here, so the check and the write see the same state.
 */
export async function lockedTrial(w: Writer, code: string): Promise<TrialView & { seed: string | null }> {
  let query = w.db
    .selectFrom('trial')
    .select(['id', 'seed'])
    .where((eb) => eb(eb.fn('upper', ['code']), '=', code.trim().toUpperCase()));
  if (dialectOf(w.db) === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound(`trial ${code}`);
  return { ...(await trialByCode(w.db, code)), seed: row.seed };
}

function requireStatus(trial: TrialView, allowed: readonly Status[], doing: string): void {
  if (!allowed.includes(trial.status)) throw conflict(`trial ${trial.code} is ${trial.status}: ${doing} needs it to be ${allowed.join(' or ')}`);
}

function requireSameCode(trial: TrialView, protocol: Protocol): void {
  if (protocol.code.toUpperCase() !== trial.code.toUpperCase()) throw badRequest('protocol.code', `is ${protocol.code}, but this is trial ${trial.code}: a trial's code never changes`);
}

/** Replaces a draft's protocol (still version 1 until the lock); the audit trail keeps each edit. */
export async function editDraft(w: Writer, code: string, protocol: Protocol, reason: string): Promise<TrialView> {
  const trial = await lockedTrial(w, code);
  requireStatus(trial, ['draft'], 'editing the protocol in place');
  requireSameCode(trial, protocol);
  const sha256 = protocolSha256(protocol);
  await w.db.updateTable('trial_protocol').set({ protocol_json: JSON.stringify(protocol), sha256 }).where('trial_id', '=', trial.id).where('version', '=', trial.version).execute();
  await w.db.updateTable('trial').set({ title: protocol.title }).where('id', '=', trial.id).execute();
  await w.record({ action: 'trial.protocol.edit', entity: 'trial', entityId: trial.code, before: { version: trial.version, sha256: trial.sha256 }, after: { version: trial.version, sha256 }, reason });
  return trialByCode(w.db, trial.code);
}

/**
 * Locks the protocol and opens recruitment: draws the seed from the operating system's generator,
 * stores it, and publishes its commitment (SHA-256) in the answer and the audit event, before the
 * first enrolment. The seed itself leaves the server only at unblinding. Only the demo passes
 * its own seed, so that it allocates alike on every load.
 */
export async function lockTrial(w: Writer, code: string, reason: string, seed = generateSeed()): Promise<TrialView> {
  const trial = await lockedTrial(w, code);
  requireStatus(trial, ['draft'], 'locking the protocol');
  const commitment = seedCommitment(seed);
  await w.db.updateTable('trial').set({ status: 'recruiting', seed, seed_sha256: commitment, locked_at: w.now.toISOString() }).where('id', '=', trial.id).execute();
  await w.record({
    action: 'trial.lock',
    entity: 'trial',
    entityId: trial.code,
    before: { status: trial.status },
    after: { status: 'recruiting', version: trial.version, protocolSha256: trial.sha256, seedCommitment: commitment },
    reason,
  });
  return trialByCode(w.db, trial.code);
}

/** What an amendment may not change once anyone has been randomised: replaying the allocations depends on them. */
const fixedAfterRandomisation = ['arms', 'randomisation', 'stratificationFactors', 'blinding'] as const;

/** A new version of a locked protocol, with its reason. */
export async function amendProtocol(w: Writer, code: string, protocol: Protocol, reason: string): Promise<TrialView> {
  const trial = await lockedTrial(w, code);
  if (trial.status === 'draft') throw conflict(`trial ${trial.code} is a draft: edit its protocol (PUT /api/trials/${trial.code}/protocol) until it is locked`);
  requireStatus(trial, ['recruiting', 'closed'], 'amending the protocol');
  requireSameCode(trial, protocol);
  const randomised = await w.db.selectFrom('trial_allocation').select('id').where('trial_id', '=', trial.id).limit(1).executeTakeFirst();
  if (randomised) {
    const changed = fixedAfterRandomisation.filter((field) => canonicalJson(protocol[field]) !== canonicalJson(trial.protocol[field]));
    if (changed.length) throw conflict(`participants of ${trial.code} are already randomised: an amendment may not change ${changed.join(', ')}`, `protocol.${changed[0]}`);
  }
  const sha256 = protocolSha256(protocol);
  if (sha256 === trial.sha256) throw badRequest('protocol', `is the same as version ${trial.version}: an amendment changes something`);
  const version = trial.version + 1;
  await w.db
    .insertInto('trial_protocol')
    .values({ trial_id: trial.id, version, protocol_json: JSON.stringify(protocol), sha256, reason, created_at: w.now.toISOString(), created_by_label: w.actor.label })
    .execute();
  await w.db.updateTable('trial').set({ title: protocol.title }).where('id', '=', trial.id).execute();
  await w.record({ action: 'trial.amend', entity: 'trial', entityId: trial.code, before: { version: trial.version, sha256: trial.sha256 }, after: { version, sha256 }, reason });
  return trialByCode(w.db, trial.code);
}

/** Ends recruitment. */
export async function closeTrial(w: Writer, code: string, reason: string): Promise<TrialView> {
  const trial = await lockedTrial(w, code);
  requireStatus(trial, ['recruiting'], 'closing');
  await w.db.updateTable('trial').set({ status: 'closed' }).where('id', '=', trial.id).execute();
  await w.record({ action: 'trial.close', entity: 'trial', entityId: trial.code, before: { status: trial.status }, after: { status: 'closed' }, reason });
  return trialByCode(w.db, trial.code);
}

/** Unblinds a closed trial: arms become visible to every role, and the seed is revealed so anyone can replay the allocations. */
export async function unblindTrial(w: Writer, code: string, reason: string): Promise<TrialView> {
  const trial = await lockedTrial(w, code);
  requireStatus(trial, ['closed'], 'unblinding');
  await w.db.updateTable('trial').set({ status: 'unblinded', unblinded_at: w.now.toISOString() }).where('id', '=', trial.id).execute();
  await w.record({ action: 'trial.unblind', entity: 'trial', entityId: trial.code, before: { status: trial.status }, after: { status: 'unblinded', seed: trial.seed }, reason });
  return trialByCode(w.db, trial.code);
}

/** The seed, for those entitled to it: nobody before unblinding (null then), everyone after. */
export async function revealedSeed(db: Db, trial: TrialView): Promise<string | null> {
  if (trial.status !== 'unblinded') return null;
  const row = await db.selectFrom('trial').select('seed').where('id', '=', trial.id).executeTakeFirstOrThrow();
  return row.seed;
}
