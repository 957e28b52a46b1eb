import type { Db } from '../store/db.ts';
import type { Writer } from '../store/write.ts';
import { conflict, notFound } from '../shared/errors.ts';
import { protocolSchema, protocolSha256, type Protocol } from './protocol.ts';

/** A trial as every part of the capability reads it: its row and its newest protocol version. */
export interface TrialView {
  id: number;
  code: string;
  title: string;
  status: 'draft' | 'recruiting' | 'closed' | 'unblinded';
  blinding: Protocol['blinding'];
  version: number;
  protocol: Protocol;
  /** SHA-256 of the newest version's canonical JSON. */
  sha256: string;
  /** Published at lock, before the first enrolment; the seed itself stays secret until unblinding. */
  seedSha256: string | null;
  lockedAt: string | null;
  unblindedAt: string | null;
}

/** The trial with this code (any case), or 404. */
export async function trialByCode(db: Db, code: string): Promise<TrialView> {
  const row = await db
    .selectFrom('trial')
    .innerJoin('trial_protocol', 'trial_protocol.trial_id', 'trial.id')
    .select(['trial.id', 'trial.code', 'trial.title', 'trial.status', 'trial.seed_sha256', 'trial.locked_at', 'trial.unblinded_at', 'trial_protocol.version', 'trial_protocol.protocol_json', 'trial_protocol.sha256'])
    .where((eb) => eb(eb.fn('upper', ['trial.code']), '=', code.trim().toUpperCase()))
    .orderBy('trial_protocol.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) throw notFound(`trial ${code}`);
  const protocol = protocolSchema.parse(JSON.parse(row.protocol_json));
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    status: row.status,
    blinding: protocol.blinding,
    version: row.version,
    protocol,
    sha256: row.sha256,
    seedSha256: row.seed_sha256,
    lockedAt: row.locked_at,
    unblindedAt: row.unblinded_at,
  };
}

/** A new trial in draft, its protocol as version 1. */
export async function createTrial(w: Writer, protocol: Protocol): Promise<TrialView> {
  const taken = await w.db.selectFrom('trial').select('code').where((eb) => eb(eb.fn('upper', ['code']), '=', protocol.code.toUpperCase())).executeTakeFirst();
  if (taken) throw conflict(`a trial with code ${taken.code} already exists`);
  const at = w.now.toISOString();
  const { id } = await w.db
    .insertInto('trial')
    .values({ code: protocol.code, title: protocol.title, status: 'draft', seed: null, seed_sha256: null, created_at: at, created_by_label: w.actor.label, locked_at: null, unblinded_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sha256 = protocolSha256(protocol);
  await w.db
    .insertInto('trial_protocol')
    .values({ trial_id: id, version: 1, protocol_json: JSON.stringify(protocol), sha256, reason: 'first draft', created_at: at, created_by_label: w.actor.label })
    .execute();
  await w.record({ action: 'trial.create', entity: 'trial', entityId: protocol.code, after: { title: protocol.title, version: 1, sha256 }, reason: 'first draft' });
  return trialByCode(w.db, protocol.code);
}
