/**
 * Test factories for the trial's conduct: a recruiting trial and participants screened, consented
 * and allocated to an arm with a kit, written as rows the way enrolment leaves them.
 */
import { systemActor } from '../shared/actor.ts';
import type { Db } from '../store/db.ts';
import { write } from '../store/write.ts';
import type { Protocol } from './protocol.ts';
import { makeProtocol } from './testing.ts';
import { createTrial, trialByCode, type TrialView } from './trials.ts';

/** A trial past its lock, recruiting: WHEY-01 unless the protocol says otherwise. */
export async function makeRecruitingTrial(db: Db, overrides: Partial<Protocol> = {}): Promise<TrialView> {
  const protocol = makeProtocol(overrides);
  return write(db, systemActor('test'), async (w) => {
    await createTrial(w, protocol);
    await w.db.updateTable('trial').set({ status: 'recruiting', locked_at: w.now.toISOString(), seed_sha256: 'f'.repeat(64) }).where('code', '=', protocol.code).execute();
    return trialByCode(w.db, protocol.code);
  });
}

/** Sets a trial's status, e.g. to 'unblinded'. */
export async function setTrialStatus(db: Db, trial: TrialView, status: TrialView['status']): Promise<void> {
  await db.updateTable('trial').set({ status }).where('id', '=', trial.id).execute();
}

/** A screening answer: eligible, or a screen failure with its reason. */
export async function screen(db: Db, trial: TrialView, personId: number, eligible = true, reason: string | null = null): Promise<void> {
  await db
    .insertInto('trial_screening')
    .values({ trial_id: trial.id, person_id: personId, answers_json: '{}', eligible: eligible ? 1 : 0, reason, screened_at: new Date().toISOString(), screened_by_label: 'test' })
    .execute();
}

/** The participant's consent decision on the trial's first consent document. */
export async function consent(db: Db, trial: TrialView, personId: number, decision: 'given' | 'refused' = 'given'): Promise<void> {
  let document = await db.selectFrom('consent_document').select('id').where('trial_id', '=', trial.id).executeTakeFirst();
  document ??= await db
    .insertInto('consent_document')
    .values({ trial_id: trial.id, version: 1, title: 'Consent', body: 'You may withdraw at any time.', sha256: '0'.repeat(64), created_at: new Date().toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('trial_consent')
    .values({ trial_id: trial.id, person_id: personId, document_id: document.id, decision, recorded_by_person_id: null, recorded_by_label: 'test', recorded_at: new Date().toISOString() })
    .execute();
}

/** Screened, consented and allocated to `arm` with kit `kitCode`, randomised at `randomisedAt`. */
export async function allocate(db: Db, trial: TrialView, personId: number, options: { arm: string; kitCode: string; randomisedAt: string }): Promise<void> {
  await screen(db, trial, personId);
  await consent(db, trial, personId);
  const { n } = await db.selectFrom('trial_allocation').select((eb) => eb.fn.countAll<number>().as('n')).where('trial_id', '=', trial.id).executeTakeFirstOrThrow();
  await db
    .insertInto('trial_allocation')
    .values({
      trial_id: trial.id,
      person_id: personId,
      sequence: Number(n),
      strata_json: '{}',
      arm: options.arm,
      kit_code: options.kitCode,
      record_json: '{}',
      protocol_version: trial.version,
      randomised_at: options.randomisedAt,
      randomised_by_label: 'test',
    })
    .execute();
}

/** A physique assessment of the person at `assessedAt` (an instant), with its body mass. */
export async function assessAt(db: Db, personId: number, assessedAt: string): Promise<void> {
  const { id } = await db
    .insertInto('assessment')
    .values({ person_id: personId, assessed_at: assessedAt, assessor_person_id: null, method: null, device: '', fasted: 1, notes: '', created_at: assessedAt, updated_at: assessedAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('assessment_site').values({ assessment_id: id, site: 'body_mass', trial_1: 80, trial_2: 80, trial_3: null }).execute();
}
