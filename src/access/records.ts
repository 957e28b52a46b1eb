import type { Actor, Role } from '../shared/actor.ts';
import { badRequest, notFound } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';
import { personVisible, requirePersonVisible } from './scope.ts';
import { unitsAbove } from './units.ts';

// Who may see which physique record and data set, and who may log what. These rules read the
// tables they decide on directly (physique_consent, training_session, session_attendance,
// analysis data sets' owners come from the caller): no capability is imported.

/**
 * Physique data is the most sensitive Muster holds. Besides the participant: assessors (who
 * record it), investigators and monitors read everyone's; a trainer reads it only for people
 * in their units who consented. Admins and statisticians do not (docs/assessments.md).
 */
const physiqueReaders: readonly Role[] = ['assessor', 'investigator', 'monitor'];

export async function requirePhysiqueVisible(db: Db, actor: Actor, personId: number): Promise<void> {
  const exists = await db.selectFrom('person').select('id').where('id', '=', personId).executeTakeFirst();
  if (!exists) throw notFound(`person ${personId}`);
  if (actor.personId === personId || actor.roles.some((r) => physiqueReaders.includes(r))) return;
  // Answered like a person out of scope: a trainer does not learn whether data exists.
  const refused = notFound(`physique data of person ${personId}`);
  if (!actor.roles.includes('trainer')) throw refused;
  if (!(await personVisible(db, actor, personId))) throw notFound(`person ${personId}`);
  const consent = await db.selectFrom('physique_consent').select('trainers_may_see').where('person_id', '=', personId).executeTakeFirst();
  if (consent?.trainers_may_see !== 1) throw refused;
}

/**
 * Who may archive a stored data set: whoever saved it, or an investigator (they decide what the
 * trial's analyses rest on). Other statisticians may not remove a colleague's data.
 */
export const mayArchiveDataset = (actor: Actor, createdByAccountId: number | null) =>
  actor.roles.includes('investigator') || (actor.accountId !== null && actor.accountId === createdByAccountId);

export interface SelfLogSession {
  status: string;
  startsAt: string;
}

/**
 * Whether a participant may log their own sets at a session, or why not: it has started, is not
 * cancelled, and they are not recorded as absent or excused there. The caller has checked that it
 * is a session of their unit or a unit above it (`requireSelfLoggable` does both).
 */
export function selfLogRefusal(session: SelfLogSession, attendance: string | undefined, now: Date): string | null {
  if (session.status === 'cancelled') return 'the session was cancelled';
  if (session.startsAt > now.toISOString()) return 'the session has not started yet';
  if (attendance === 'absent' || attendance === 'excused') return `you are recorded as ${attendance} at this session`;
  return null;
}

/**
 * A participant logs a set for themselves only (another person's id answers 404, as does a
 * session outside their unit and the units above it), at a session they may log to
 * (selfLogRefusal). Run it with the write's transaction, so the write acts on what was checked.
 */
export async function requireSelfLoggable(tx: Db, actor: Actor, input: { personId: number; sessionId: number }, now: Date): Promise<void> {
  if (actor.personId !== input.personId) throw notFound(`person ${input.personId}`);
  await requirePersonVisible(tx, actor, input.personId);
  const session = await tx.selectFrom('training_session').select(['unit_id', 'status', 'starts_at']).where('id', '=', input.sessionId).executeTakeFirst();
  if (!session) throw notFound(`training session ${input.sessionId}`);
  const own = await tx.selectFrom('person_unit').select('unit_id').where('person_id', '=', input.personId).where('effective_to', 'is', null).executeTakeFirst();
  const units = own ? await unitsAbove(tx, [own.unit_id]) : [];
  if (!units.includes(session.unit_id)) throw notFound(`training session ${input.sessionId}`);
  const attendance = await tx.selectFrom('session_attendance').select('status').where('session_id', '=', input.sessionId).where('person_id', '=', input.personId).executeTakeFirst();
  const refusal = selfLogRefusal({ status: session.status, startsAt: session.starts_at }, attendance?.status, now);
  if (refusal) throw badRequest('sessionId', refusal);
}
