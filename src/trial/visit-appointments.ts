/**
 * What the schedule needs from the trial to turn its visits into appointments (docs/schedule.md):
 * a randomised participant's visit schedule, and a deviation when a visit is held outside its
 * window. The schedule reaches these through the trial's front door.
 */
import type { Writer } from '../store/write.ts';
import type { Db } from '../store/db.ts';
import { requireEnrolment } from './conduct-store.ts';
import { visitWindow } from './protocol.ts';
import { trialByCode } from './trials.ts';

export interface VisitDue {
  name: string;
  /** Local dates in the participant's unit's zone. */
  due: string;
  earliest: string;
  latest: string;
}

/** The trial and every visit of a randomised participant with its due day and window; 404 for no trial, 409 when not randomised. */
export async function visitScheduleOf(db: Db, code: string, personId: number): Promise<{ trialId: number; code: string; visits: VisitDue[] }> {
  const trial = await trialByCode(db, code);
  const enrolment = await requireEnrolment(db, trial, personId, 'id');
  return { trialId: trial.id, code: trial.code, visits: trial.protocol.visits.map((visit) => ({ name: visit.name, ...visitWindow(visit, enrolment.randomisedOn) })) };
}

/**
 * A visit held on `heldOn` (a local date) outside its window: stored once (its detection key is
 * unique, as for the trial's own detection), audited. Answers whether it was new.
 */
export async function recordVisitHeldOutsideWindow(
  w: Writer,
  visit: { trialId: number; personId: number; name: string; earliest: string; latest: string; heldOn: string; appointmentId: number },
): Promise<boolean> {
  const before = visit.heldOn < visit.earliest;
  const description = `${visit.name} held on ${visit.heldOn} (appointment ${visit.appointmentId}), ${before ? 'before' : 'after'} its window ${visit.earliest} to ${visit.latest}`;
  const inserted = await w.db
    .insertInto('protocol_deviation')
    .values({
      trial_id: visit.trialId,
      person_id: visit.personId,
      kind: 'visit-window',
      description,
      occurred_on: visit.heldOn,
      detection_key: `${visit.trialId}:visit-appointment:${visit.personId}:${visit.name}`,
      recorded_at: w.now.toISOString(),
      recorded_by_label: w.actor.label,
    })
    .onConflict((oc) => oc.column('detection_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  await w.record({ action: 'trial.deviation.detect', entity: 'protocol_deviation', entityId: inserted.id, after: { trialId: visit.trialId, personId: visit.personId, kind: 'visit-window', description }, reason: 'a visit appointment held outside its window' });
  return true;
}
