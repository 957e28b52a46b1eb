/**
 * Emergency code-break for one participant (the caller has re-entered their password first, in
 * the route): the arm is answered to the caller once; the append-only code_break row, the audit
 * event and the investigators' notification hold who, whom, when and why, never the arm.
 */
import { conflict, notFound } from '../shared/errors.ts';
import type { Writer } from '../store/write.ts';
import { notify, peopleWithRole } from '../inbox/index.ts';
import { lockedTrial } from './store.ts';

export interface CodeBreak {
  participant: { id: number; designation: string };
  kitCode: string;
  arm: string;
  brokenAt: string;
}

export async function breakCode(w: Writer, code: string, personId: number, reason: string): Promise<CodeBreak> {
  const trial = await lockedTrial(w, code);
  if (trial.status === 'unblinded') throw conflict(`trial ${trial.code} is unblinded: every arm is already visible, no code-break is needed`);
  const allocation = await w.db
    .selectFrom('trial_allocation')
    .innerJoin('person', 'person.id', 'trial_allocation.person_id')
    .select(['person.id', 'person.designation', 'trial_allocation.kit_code', 'trial_allocation.arm'])
    .where('trial_allocation.trial_id', '=', trial.id)
    .where('trial_allocation.person_id', '=', personId)
    .executeTakeFirst();
  if (!allocation) throw notFound(`an allocation of person ${personId} in ${trial.code}`);
  const at = w.now.toISOString();
  const { id } = await w.db
    .insertInto('code_break')
    .values({ trial_id: trial.id, person_id: allocation.id, reason, broken_at: at, broken_by_label: w.actor.label })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'trial.code-break', entity: 'code_break', entityId: id, after: { trial: trial.code, participant: allocation.designation, kitCode: allocation.kit_code }, reason });
  await notify(w, await peopleWithRole(w.db, 'investigator'), {
    kind: 'trial.code-break',
    subject: `Code-break in ${trial.code}: ${allocation.designation}`,
    body: `${w.actor.label} broke the code of ${allocation.designation} (kit ${allocation.kit_code}) at ${at}. Reason: ${reason}`,
    link: `/trials/${trial.code}`,
  });
  return { participant: { id: allocation.id, designation: allocation.designation }, kitCode: allocation.kit_code, arm: allocation.arm, brokenAt: at };
}
