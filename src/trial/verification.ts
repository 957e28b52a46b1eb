/**
 * Verification by commit and reveal: the stored seed must match the commitment published at the
 * lock, the slots must run 0, 1, 2, ... without a gap, and replaying the recorded order of
 * enrolment from the seed must give every recorded arm. An allocation changed in the database
 * behind Muster's back fails here.
 */
import { AppError } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';
import { recordedAllocations } from './enrolment.ts';
import { seedCommitment } from './random-stream.ts';
import { verify } from './randomisation.ts';
import { trialByCode } from './trials.ts';

export type RandomisationCheck = { code: string } & ({ ok: true; count: number; seedCommitment: string } | { ok: false; problem: string });

export async function verifyRandomisation(db: Db, code: string): Promise<RandomisationCheck> {
  const trial = await trialByCode(db, code);
  const { seed, seed_sha256: commitment } = await db.selectFrom('trial').select(['seed', 'seed_sha256']).where('id', '=', trial.id).executeTakeFirstOrThrow();
  const fail = (problem: string): RandomisationCheck => ({ code: trial.code, ok: false, problem });
  if (seed === null || commitment === null) return fail('it has no seed: its protocol is not locked yet');
  if (seedCommitment(seed) !== commitment) return fail(`the stored seed's SHA-256 is ${seedCommitment(seed)}, not the commitment published at the lock (${commitment})`);
  const recorded = await recordedAllocations(db, trial.id);
  const gap = recorded.findIndex((allocation, index) => allocation.sequence !== index);
  if (gap >= 0) return fail(`slot ${gap} is missing: the allocation after slot ${gap - 1} has sequence ${recorded[gap].sequence} (participant ${recorded[gap].participant})`);
  try {
    const result = verify(trial.protocol, seed, recorded);
    if (result.ok) return { code: trial.code, ok: true, count: result.count, seedCommitment: commitment };
    return fail(`allocation ${result.index} (participant ${result.participant}): expected ${result.expected}, recorded ${result.recorded}`);
  } catch (error) {
    // A recorded enrolment that cannot be replayed at all (its strata or participant altered) is a difference too.
    if (error instanceof AppError) return fail(error.message);
    throw error;
  }
}
