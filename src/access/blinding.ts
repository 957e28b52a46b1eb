import type { Actor } from '../shared/actor.ts';

export type Blinding = 'open' | 'single' | 'double';

/**
 * Blinding, the trial's access rule: who may learn which arm a participant is in. The
 * statistician (unblinded by design) always; in a double-blind trial nobody else until the trial
 * is unblinded; in a single-blind trial the staff but not the participants; in an open trial all.
 * Everything that could show an arm (allocations, per-arm counts, results) asks this one function;
 * a blinded viewer gets kit codes and pooled numbers instead.
 */
export function seesArms(actor: Actor, trial: { blinding: Blinding; status: string }): boolean {
  if (actor.roles.includes('statistician')) return true;
  if (trial.status === 'unblinded' || trial.blinding === 'open') return true;
  if (trial.blinding === 'single') return actor.roles.some((role) => role !== 'participant');
  return false;
}
