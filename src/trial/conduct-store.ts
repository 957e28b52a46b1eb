/**
 * The trial's conduct as the record keeps it: kits dispensed, doses taken, adverse events,
 * protocol deviations and withdrawals, and what is read from them (adherence, CONSORT, a
 * participant's own view). Reads take a `Db`, writes a `Writer`; arms leave this module only in
 * fields the routes pass through the blinding rule (seesArms).
 */
import type { Selectable } from 'kysely';
import { listAssessments } from '../assess/index.ts';
import { notify, peopleWithRole } from '../inbox/index.ts';
import { timeZonesOf } from '../roster/index.ts';
import { badRequest, conflict, notFound } from '../shared/errors.ts';
import { localDateOf } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import type { Writer } from '../store/write.ts';
import type { TrialTables } from './tables.ts';
import { adherence, type Adherence } from './adherence.ts';
import { consortCounts, pooledConsortCounts, type ConsortCounts, type ConsortRecord, type PooledConsortCounts } from './consort.ts';
import { assignVisits, lowAdherenceDeviations, visitWindowDeviations } from './deviations.ts';
import { visitWindow } from './protocol.ts';
import { trialByCode, type TrialView } from './trials.ts';

/** A randomised participant, with the local day of randomisation (day 0 of the schedule). */
export interface Enrolment {
  personId: number;
  designation: string;
  kitCode: string;
  /** Never sent to a viewer for whom seesArms is false. */
  arm: string;
  randomisedOn: string;
  timeZone: string;
}

/** The randomised participants of a trial (all, or those listed), by order of enrolment. */
export async function enrolments(db: Db, trial: TrialView, personIds?: readonly number[]): Promise<Enrolment[]> {
  if (personIds?.length === 0) return [];
  let query = db
    .selectFrom('trial_allocation')
    .innerJoin('person', 'person.id', 'trial_allocation.person_id')
    .select(['trial_allocation.person_id', 'person.designation', 'trial_allocation.kit_code', 'trial_allocation.arm', 'trial_allocation.randomised_at'])
    .where('trial_allocation.trial_id', '=', trial.id)
    .orderBy('trial_allocation.sequence');
  if (personIds) query = query.where('trial_allocation.person_id', 'in', personIds);
  const rows = await query.execute();
  const zones = await timeZonesOf(db, rows.map((r) => r.person_id));
  return rows.map((r) => {
    const timeZone = zones.get(r.person_id)!;
    return { personId: r.person_id, designation: r.designation, kitCode: r.kit_code, arm: r.arm, randomisedOn: localDateOf(r.randomised_at, timeZone), timeZone };
  });
}

/** The participant's enrolment, or 409 naming `field` when they are not randomised in the trial. */
export async function requireEnrolment(db: Db, trial: TrialView, personId: number, field = 'personId'): Promise<Enrolment> {
  const [enrolment] = await enrolments(db, trial, [personId]);
  if (!enrolment) throw conflict(`person ${personId} is not randomised in ${trial.code}`, field);
  return enrolment;
}

type Withdrawal = Selectable<TrialTables['trial_withdrawal']>;

async function withdrawalOf(db: Db, trial: TrialView, personId: number) {
  return db.selectFrom('trial_withdrawal').selectAll().where('trial_id', '=', trial.id).where('person_id', '=', personId).executeTakeFirst();
}

/** 409 when the participant's dosing stopped (withdrawal, loss to follow-up, discontinuation) on or before `date`. */
async function requireDosing(db: Db, trial: TrialView, enrolment: Enrolment, date: string): Promise<void> {
  const withdrawal = await withdrawalOf(db, trial, enrolment.personId);
  if (withdrawal && withdrawal.withdrawn_on <= date) throw conflict(`kit ${enrolment.kitCode}: ${withdrawalWords[withdrawal.kind]} on ${withdrawal.withdrawn_on}`);
}

const withdrawalWords: Record<Withdrawal['kind'], string> = { withdrew: 'withdrew from the trial', 'lost-to-follow-up': 'lost to follow-up', discontinued: 'discontinued the intervention' };

/** 400 naming `field` unless `date` lies between randomisation and the participant's today. */
function requireTrialDay(enrolment: Enrolment, date: string, today: string, field: string): void {
  if (date > today) throw badRequest(field, `${date} is in the future (today is ${today} in ${enrolment.timeZone})`);
  if (date < enrolment.randomisedOn) throw badRequest(field, `${date} is before randomisation on ${enrolment.randomisedOn}`);
}

const todayOf = (enrolment: Enrolment, now: Date) => localDateOf(now, enrolment.timeZone);

// ---- dispensing ----

export interface DispensingInput {
  lot: string;
  expiry: string;
  doses: number;
  dispensedOn: string;
  reason?: string;
}

export interface DispensingView {
  id: number;
  personId: number;
  kitCode: string;
  lot: string;
  expiry: string;
  doses: number;
  dispensedOn: string;
  dispensedAt: string;
  dispensedBy: string;
}

/** Dispenses the participant's kit (the kit code is their allocation's); an expired kit is refused. */
export async function dispense(w: Writer, trial: TrialView, personId: number, input: DispensingInput): Promise<DispensingView> {
  const enrolment = await requireEnrolment(w.db, trial, personId, 'id');
  const today = todayOf(enrolment, w.now);
  requireTrialDay(enrolment, input.dispensedOn, today, 'dispensedOn');
  if (input.expiry <= input.dispensedOn) throw badRequest('expiry', `${input.expiry} is not after the day of dispensing, ${input.dispensedOn}`);
  if (input.expiry <= today) throw badRequest('expiry', `lot ${input.lot} expired on ${input.expiry}: dispense a kit from an unexpired lot`);
  await requireDosing(w.db, trial, enrolment, input.dispensedOn);
  const row = await w.db
    .insertInto('trial_dispensing')
    .values({
      trial_id: trial.id,
      person_id: personId,
      kit_code: enrolment.kitCode,
      lot: input.lot,
      expiry: input.expiry,
      doses: input.doses,
      dispensed_on: input.dispensedOn,
      dispensed_at: w.now.toISOString(),
      dispensed_by_label: w.actor.label,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const view = dispensingView(row);
  const { id: _id, ...after } = view;
  await w.record({ action: 'trial.dispense', entity: 'trial_dispensing', entityId: row.id, after: { trial: trial.code, ...after }, reason: input.reason ?? 'kit dispensed' });
  return view;
}

const dispensingView = (row: Selectable<TrialTables['trial_dispensing']>): DispensingView => ({
  id: row.id,
  personId: row.person_id,
  kitCode: row.kit_code,
  lot: row.lot,
  expiry: row.expiry,
  doses: row.doses,
  dispensedOn: row.dispensed_on,
  dispensedAt: row.dispensed_at,
  dispensedBy: row.dispensed_by_label,
});

// ---- doses ----

export interface DoseView {
  personId: number;
  kitCode: string;
  date: string;
  source: 'self' | 'supervised';
  recordedAt: string;
  recordedBy: string;
}

/**
 * Records the day's dose. One a day (the unique constraint): a second log of the same day writes
 * nothing and answers the dose already recorded, with `created` false.
 */
export async function logDose(w: Writer, trial: TrialView, enrolment: Enrolment, date: string, source: DoseView['source']): Promise<{ dose: DoseView; created: boolean }> {
  requireTrialDay(enrolment, date, todayOf(enrolment, w.now), 'date');
  await requireDosing(w.db, trial, enrolment, date);
  const inserted = await w.db
    .insertInto('trial_dose')
    .values({ trial_id: trial.id, person_id: enrolment.personId, taken_on: date, source, recorded_at: w.now.toISOString(), recorded_by_label: w.actor.label })
    .onConflict((oc) => oc.columns(['trial_id', 'person_id', 'taken_on']).doNothing())
    .returning('id')
    .executeTakeFirst();
  const row = await w.db
    .selectFrom('trial_dose')
    .selectAll()
    .where('trial_id', '=', trial.id)
    .where('person_id', '=', enrolment.personId)
    .where('taken_on', '=', date)
    .executeTakeFirstOrThrow();
  const dose: DoseView = { personId: row.person_id, kitCode: enrolment.kitCode, date: row.taken_on, source: row.source, recordedAt: row.recorded_at, recordedBy: row.recorded_by_label };
  if (inserted) {
    const reason = source === 'self' ? 'dose taken, reported by the participant' : 'dose taken under supervision';
    await w.record({ action: 'trial.dose', entity: 'trial_dose', entityId: inserted.id, after: { trial: trial.code, kitCode: enrolment.kitCode, date, source }, reason });
  }
  return { dose, created: inserted !== undefined };
}

// ---- adherence ----

/** One dose a day: the trial's supplement schedule (the unique constraint on trial_dose enforces it). */
const DOSES_PER_DAY = 1;

export interface ParticipantAdherence extends Adherence {
  enrolment: Enrolment;
  /** The day of the first kit; null before any kit was dispensed, when no dose is expected yet. */
  dispensedOn: string | null;
  /** The day they left the trial (withdrew, lost to follow-up, discontinued); null while they take part. */
  withdrawnOn: string | null;
}

/**
 * Adherence of each listed participant (all randomised ones when `personIds` is absent), up to
 * each one's today: doses are expected every day from the first kit to the day dosing stopped
 * (withdrawal, loss to follow-up, discontinuation) or the day of the schedule's last visit.
 */
export async function adherenceOf(db: Db, trial: TrialView, now: Date, personIds?: readonly number[]): Promise<ParticipantAdherence[]> {
  const people = await enrolments(db, trial, personIds);
  if (people.length === 0) return [];
  const ids = people.map((p) => p.personId);
  const [dispensings, doses, withdrawals] = await Promise.all([
    db.selectFrom('trial_dispensing').select(['person_id', 'dispensed_on']).where('trial_id', '=', trial.id).where('person_id', 'in', ids).orderBy('dispensed_on').execute(),
    db.selectFrom('trial_dose').select(['person_id', 'taken_on']).where('trial_id', '=', trial.id).where('person_id', 'in', ids).execute(),
    db.selectFrom('trial_withdrawal').select(['person_id', 'withdrawn_on']).where('trial_id', '=', trial.id).where('person_id', 'in', ids).execute(),
  ]);
  const firstKit = new Map<number, string>();
  for (const d of dispensings) if (!firstKit.has(d.person_id)) firstKit.set(d.person_id, d.dispensed_on);
  const stopped = new Map(withdrawals.map((w) => [w.person_id, w.withdrawn_on]));
  const dosesOf = new Map<number, string[]>();
  for (const d of doses) dosesOf.set(d.person_id, [...(dosesOf.get(d.person_id) ?? []), d.taken_on]);
  const lastVisit = trial.protocol.visits[trial.protocol.visits.length - 1];
  return people.map((enrolment) => {
    const dispensedOn = firstKit.get(enrolment.personId) ?? null;
    const today = todayOf(enrolment, now);
    const endOfIntervention = visitWindow(lastVisit, enrolment.randomisedOn).due;
    const withdrawnOn = stopped.get(enrolment.personId);
    const stoppedOn = withdrawnOn !== undefined && withdrawnOn < endOfIntervention ? withdrawnOn : endOfIntervention;
    const counted =
      dispensedOn === null
        ? { participant: enrolment.kitCode, expected: 0, taken: 0, missed: 0, adherence: null }
        : adherence({ participant: enrolment.kitCode, dispensedOn, dosesPerDay: DOSES_PER_DAY, stoppedOn, doses: (dosesOf.get(enrolment.personId) ?? []).map((date) => ({ date, doses: 1 })) }, today);
    return { ...counted, enrolment, dispensedOn, withdrawnOn: withdrawnOn ?? null };
  });
}

// ---- adverse events ----

export const relatedness = ['not', 'unlikely', 'possibly', 'probably', 'definitely'] as const;
export const outcomes = ['recovered', 'recovering', 'not-recovered', 'recovered-with-sequelae', 'fatal', 'unknown'] as const;

export interface AdverseEventInput {
  personId: number;
  description: string;
  onset: string;
  severity: number;
  serious: boolean;
  relatedness: (typeof relatedness)[number];
  outcome: (typeof outcomes)[number];
}

export interface AdverseEventView extends Omit<AdverseEventInput, 'personId'> {
  id: number;
  person: { id: number; designation: string };
  kitCode: string;
  reportedAt: string;
  reportedBy: string;
}

/** Records an adverse event; a serious one tells every investigator at once, in the same transaction. */
export async function reportAdverseEvent(w: Writer, trial: TrialView, input: AdverseEventInput): Promise<AdverseEventView> {
  const enrolment = await requireEnrolment(w.db, trial, input.personId);
  const today = todayOf(enrolment, w.now);
  if (input.onset > today) throw badRequest('onset', `${input.onset} is in the future (today is ${today} in ${enrolment.timeZone})`);
  if (input.outcome === 'fatal' && input.severity !== 5) throw badRequest('severity', 'a fatal outcome is grade 5 (death)');
  const { id } = await w.db
    .insertInto('adverse_event')
    .values({
      trial_id: trial.id,
      person_id: input.personId,
      description: input.description,
      onset: input.onset,
      severity: input.severity,
      serious: input.serious ? 1 : 0,
      relatedness: input.relatedness,
      outcome: input.outcome,
      reported_at: w.now.toISOString(),
      reported_by_label: w.actor.label,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { personId: _personId, ...event } = input;
  await w.record({ action: 'trial.adverse-event', entity: 'adverse_event', entityId: id, after: { trial: trial.code, kitCode: enrolment.kitCode, ...event }, reason: 'adverse event reported' });
  if (input.serious) {
    await notify(w, await peopleWithRole(w.db, 'investigator'), {
      kind: 'trial.serious-adverse-event',
      subject: `Serious adverse event in ${trial.code}: kit ${enrolment.kitCode}`,
      body: `Grade ${input.severity}, onset ${input.onset}, ${input.relatedness} related, outcome ${input.outcome}: ${input.description} (reported by ${w.actor.label}).`,
      link: `/trials/${trial.code}/adverse-events`,
    });
  }
  // The reporter may be blinded: the answer carries the kit code, never the arm.
  const [{ arm: _arm, ...view }] = await adverseEvents(w.db, trial, [input.personId], id);
  return view;
}

/** The trial's adverse events (of the listed people, or everyone), newest onset first, with each one's arm for the routes to mask. */
export async function adverseEvents(db: Db, trial: TrialView, personIds?: readonly number[], id?: number): Promise<(AdverseEventView & { arm: string })[]> {
  if (personIds?.length === 0) return [];
  let query = db
    .selectFrom('adverse_event')
    .innerJoin('person', 'person.id', 'adverse_event.person_id')
    .innerJoin('trial_allocation', (j) => j.onRef('trial_allocation.trial_id', '=', 'adverse_event.trial_id').onRef('trial_allocation.person_id', '=', 'adverse_event.person_id'))
    .selectAll('adverse_event')
    .select(['person.designation', 'trial_allocation.kit_code', 'trial_allocation.arm'])
    .where('adverse_event.trial_id', '=', trial.id)
    .orderBy('adverse_event.onset', 'desc')
    .orderBy('adverse_event.id', 'desc');
  if (personIds) query = query.where('adverse_event.person_id', 'in', personIds);
  if (id !== undefined) query = query.where('adverse_event.id', '=', id);
  return (await query.execute()).map((r) => ({
    id: r.id,
    person: { id: r.person_id, designation: r.designation },
    kitCode: r.kit_code,
    arm: r.arm,
    description: r.description,
    onset: r.onset,
    severity: r.severity,
    serious: r.serious === 1,
    relatedness: r.relatedness,
    outcome: r.outcome,
    reportedAt: r.reported_at,
    reportedBy: r.reported_by_label,
  }));
}

// ---- deviations ----

export interface DeviationInput {
  personId?: number;
  kind: string;
  description: string;
  occurredOn: string;
  reason: string;
}

export interface DeviationView {
  id: number;
  person: { id: number; designation: string; kitCode: string | null } | null;
  kind: string;
  description: string;
  occurredOn: string;
  /** Found by Muster in the record rather than recorded by hand. */
  detected: boolean;
  recordedAt: string;
  recordedBy: string;
}

/** A deviation recorded by hand, about one participant of the trial or the trial as a whole. */
export async function recordDeviation(w: Writer, trial: TrialView, input: DeviationInput): Promise<number> {
  if (input.personId !== undefined && !(await takesPart(w.db, trial, input.personId))) throw conflict(`person ${input.personId} takes no part in ${trial.code}`, 'personId');
  const zone = input.personId === undefined ? EARLIEST_ZONE : (await timeZonesOf(w.db, [input.personId])).get(input.personId)!;
  const today = localDateOf(w.now, zone);
  if (input.occurredOn > today) throw badRequest('occurredOn', `${input.occurredOn} is in the future (today is ${today} in ${zone})`);
  const { id } = await w.db
    .insertInto('protocol_deviation')
    .values({
      trial_id: trial.id,
      person_id: input.personId ?? null,
      kind: input.kind,
      description: input.description,
      occurred_on: input.occurredOn,
      detection_key: null,
      recorded_at: w.now.toISOString(),
      recorded_by_label: w.actor.label,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { reason, ...after } = input;
  await w.record({ action: 'trial.deviation', entity: 'protocol_deviation', entityId: id, after: { trial: trial.code, ...after }, reason });
  return id;
}

/** A deviation of the trial as a whole happened somewhere: the zone whose day starts first decides what is "the future". */
const EARLIEST_ZONE = 'Pacific/Kiritimati';

interface Detected {
  key: string;
  personId: number;
  kind: string;
  description: string;
  occurredOn: string;
}

/**
 * Finds deviations in the record (src/trial/deviations.ts) and stores each one once: its
 * detection key is unique, so finding it again, even at the same moment, adds nothing.
 * Answers how many were new.
 */
export async function detectDeviations(w: Writer, trial: TrialView): Promise<number> {
  const found = [...(await visitWindowFindings(w.db, trial)), ...(await adherenceFindings(w.db, trial, w.now))];
  if (found.length === 0) return 0;
  const known = new Set(
    (await w.db.selectFrom('protocol_deviation').select('detection_key').where('trial_id', '=', trial.id).where('detection_key', 'is not', null).execute()).map((r) => r.detection_key),
  );
  let added = 0;
  for (const deviation of found.filter((d) => !known.has(d.key))) {
    const inserted = await w.db
      .insertInto('protocol_deviation')
      .values({
        trial_id: trial.id,
        person_id: deviation.personId,
        kind: deviation.kind,
        description: deviation.description,
        occurred_on: deviation.occurredOn,
        detection_key: deviation.key,
        recorded_at: w.now.toISOString(),
        recorded_by_label: w.actor.label,
      })
      .onConflict((oc) => oc.column('detection_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) continue;
    added += 1;
    const { key: _key, ...after } = deviation;
    await w.record({ action: 'trial.deviation.detect', entity: 'protocol_deviation', entityId: inserted.id, after: { trial: trial.code, ...after }, reason: 'found in the record by Muster' });
  }
  return added;
}

/** The local days each participant was assessed on. */
export async function assessmentDays(db: Db, people: readonly Enrolment[]): Promise<Map<number, string[]>> {
  const assessments = await listAssessments(db, { personIds: people.map((p) => p.personId) });
  const days = new Map<number, string[]>();
  for (const a of assessments) days.set(a.person.id, [...(days.get(a.person.id) ?? []), a.local.date]);
  return days;
}

async function visitWindowFindings(db: Db, trial: TrialView): Promise<Detected[]> {
  const people = await enrolments(db, trial);
  if (people.length === 0) return [];
  const days = await assessmentDays(db, people);
  return people.flatMap((p) => {
    const assessed = assignVisits(trial.protocol, p.randomisedOn, days.get(p.personId) ?? []);
    return visitWindowDeviations(
      trial.protocol,
      assessed.map((a) => ({ participant: p.kitCode, randomisedOn: p.randomisedOn, ...a })),
    ).map((d) => ({
      key: `${trial.id}:visit-window:${p.personId}:${d.visit}`,
      personId: p.personId,
      kind: d.kind,
      description: `${d.visit} assessed on ${d.date}, ${Math.abs(d.daysOutside)} day(s) ${d.daysOutside < 0 ? 'before' : 'after'} its window ${d.earliest} to ${d.latest}`,
      occurredOn: d.date,
    }));
  });
}

async function adherenceFindings(db: Db, trial: TrialView, now: Date): Promise<Detected[]> {
  const adherences = await adherenceOf(db, trial, now);
  const byKit = new Map(adherences.map((a) => [a.participant, a.enrolment]));
  return lowAdherenceDeviations(adherences).map((d) => {
    const enrolment = byKit.get(d.participant)!;
    return {
      key: `${trial.id}:missed-doses:${enrolment.personId}`,
      personId: enrolment.personId,
      kind: d.kind,
      description: `${d.missed} of ${d.expected} doses missed (${d.taken} taken), more than the ${d.threshold} allowed`,
      occurredOn: todayOf(enrolment, now),
    };
  });
}

/** Every deviation of the trial, by hand and detected, of the listed people (and the trial-wide ones) or all. */
export async function listDeviations(db: Db, trial: TrialView): Promise<DeviationView[]> {
  const rows = await db
    .selectFrom('protocol_deviation')
    .leftJoin('person', 'person.id', 'protocol_deviation.person_id')
    .leftJoin('trial_allocation', (j) => j.onRef('trial_allocation.trial_id', '=', 'protocol_deviation.trial_id').onRef('trial_allocation.person_id', '=', 'protocol_deviation.person_id'))
    .selectAll('protocol_deviation')
    .select(['person.designation', 'trial_allocation.kit_code'])
    .where('protocol_deviation.trial_id', '=', trial.id)
    .orderBy('protocol_deviation.occurred_on', 'desc')
    .orderBy('protocol_deviation.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    person: r.person_id === null ? null : { id: r.person_id, designation: r.designation!, kitCode: r.kit_code },
    kind: r.kind,
    description: r.description,
    occurredOn: r.occurred_on,
    detected: r.detection_key !== null,
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by_label,
  }));
}

// ---- withdrawal ----

export interface WithdrawalInput {
  kind: Withdrawal['kind'];
  reason: string;
  dataMayBeUsed: boolean;
}

export interface WithdrawalView extends WithdrawalInput {
  personId: number;
  withdrawnOn: string;
  recordedAt: string;
  recordedBy: string;
}

/**
 * Ends the participant's part in the trial today (their local day): their own withdrawal, or
 * staff recording loss to follow-up or discontinued intervention. One per participant.
 */
export async function withdraw(w: Writer, trial: TrialView, personId: number, input: WithdrawalInput): Promise<WithdrawalView> {
  const existing = await withdrawalOf(w.db, trial, personId);
  if (existing) throw conflict(`person ${personId} already left ${trial.code} on ${existing.withdrawn_on} (${withdrawalWords[existing.kind]})`);
  const zone = (await timeZonesOf(w.db, [personId])).get(personId)!;
  const row = await w.db
    .insertInto('trial_withdrawal')
    .values({
      trial_id: trial.id,
      person_id: personId,
      kind: input.kind,
      reason: input.reason,
      data_may_be_used: input.dataMayBeUsed ? 1 : 0,
      withdrawn_on: localDateOf(w.now, zone),
      recorded_at: w.now.toISOString(),
      recorded_by_label: w.actor.label,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const view = withdrawalView(row);
  await w.record({ action: `trial.${input.kind}`, entity: 'trial_withdrawal', entityId: row.id, after: { trial: trial.code, ...view }, reason: input.reason });
  return view;
}

const withdrawalView = (row: Withdrawal): WithdrawalView => ({
  personId: row.person_id,
  kind: row.kind,
  reason: row.reason,
  dataMayBeUsed: row.data_may_be_used === 1,
  withdrawnOn: row.withdrawn_on,
  recordedAt: row.recorded_at,
  recordedBy: row.recorded_by_label,
});

/** Whether the person took part in the trial at all: screened, asked for consent or randomised. */
export async function takesPart(db: Db, trial: TrialView, personId: number): Promise<boolean> {
  const [screened, consented] = await Promise.all([
    db.selectFrom('trial_screening').select('id').where('trial_id', '=', trial.id).where('person_id', '=', personId).executeTakeFirst(),
    db.selectFrom('trial_consent').select('id').where('trial_id', '=', trial.id).where('person_id', '=', personId).executeTakeFirst(),
  ]);
  return screened !== undefined || consented !== undefined;
}

// ---- CONSORT ----

/**
 * What the record says of everyone screened, asked for consent or randomised, for
 * src/trial/consort.ts: the latest consent decision counts; a participant received the
 * allocation when a kit was dispensed to them; they have the primary outcome when an assessment
 * falls to the primary outcome's visit.
 */
export async function consortRecords(db: Db, trial: TrialView): Promise<ConsortRecord[]> {
  const [screenings, consents, people, dispensed, withdrawals] = await Promise.all([
    db.selectFrom('trial_screening').select(['person_id', 'eligible', 'reason']).where('trial_id', '=', trial.id).execute(),
    db.selectFrom('trial_consent').select(['person_id', 'decision']).where('trial_id', '=', trial.id).orderBy('recorded_at').orderBy('id').execute(),
    enrolments(db, trial),
    db.selectFrom('trial_dispensing').select('person_id').distinct().where('trial_id', '=', trial.id).execute(),
    db.selectFrom('trial_withdrawal').selectAll().where('trial_id', '=', trial.id).execute(),
  ]);
  const screening = new Map(screenings.map((s) => [s.person_id, s]));
  const decision = new Map(consents.map((c) => [c.person_id, c.decision]));
  const enrolled = new Map(people.map((p) => [p.personId, p]));
  const received = new Set(dispensed.map((d) => d.person_id));
  const withdrawal = new Map(withdrawals.map((w) => [w.person_id, w]));
  const days = await assessmentDays(db, people);
  const primaryVisit = trial.protocol.outcomes.primary.visit;
  const ids = [...new Set([...screening.keys(), ...decision.keys(), ...enrolled.keys()])].sort((a, b) => a - b);
  return ids.map((id): ConsortRecord => {
    const screened = screening.get(id);
    const enrolment = enrolled.get(id);
    const left = withdrawal.get(id);
    const eligible = screened === undefined ? true : screened.eligible === 1;
    return {
      participant: String(id),
      eligible,
      ...(!eligible && { ineligibleReason: screened?.reason ?? undefined }),
      consentRefused: decision.get(id) === 'refused',
      ...(enrolment === undefined && eligible && { notRandomisedReason: screened === undefined ? 'not yet screened' : decision.get(id) === undefined ? 'consent not yet given' : 'not yet randomised' }),
      ...(enrolment && {
        arm: enrolment.arm,
        receivedAllocation: received.has(id),
        ...(!received.has(id) && { notReceivedReason: left ? left.reason : 'no kit dispensed yet' }),
        ...(left?.kind === 'lost-to-follow-up' && { lostToFollowUpReason: left.reason }),
        ...(left?.kind === 'discontinued' && { discontinuedReason: left.reason }),
        ...(left?.kind === 'withdrew' && { withdrawal: { reason: left.reason, dataMayBeUsed: left.data_may_be_used === 1 } }),
        hasPrimaryOutcome: assignVisits(trial.protocol, enrolment.randomisedOn, days.get(id) ?? []).some((a) => a.visit === primaryVisit),
      }),
    };
  });
}

/** The CONSORT counts of the trial: per arm when `perArm` (the viewer sees arms), else pooled. */
export async function consortFor(db: Db, trial: TrialView, perArm: boolean): Promise<ConsortCounts | PooledConsortCounts> {
  const counts = consortCounts(trial.protocol, await consortRecords(db, trial));
  return perArm ? counts : pooledConsortCounts(counts);
}

// ---- the participant's own view ----

export interface MyTrial {
  trial: TrialView;
  consent: { decision: 'given' | 'refused'; documentVersion: number; at: string } | null;
  screening: { eligible: boolean; at: string } | null;
  adherence: ParticipantAdherence | null;
  doses: { date: string; source: 'self' | 'supervised' }[];
  withdrawal: WithdrawalView | null;
}

/** The trials the person takes part in (screened, asked for consent or randomised), newest first. */
export async function myTrials(db: Db, personId: number, now: Date): Promise<MyTrial[]> {
  const [screenings, consents] = await Promise.all([
    db.selectFrom('trial_screening').select(['trial_id', 'eligible', 'screened_at']).where('person_id', '=', personId).execute(),
    db
      .selectFrom('trial_consent')
      .innerJoin('consent_document', 'consent_document.id', 'trial_consent.document_id')
      .select(['trial_consent.trial_id', 'trial_consent.decision', 'trial_consent.recorded_at', 'consent_document.version'])
      .where('trial_consent.person_id', '=', personId)
      .orderBy('trial_consent.recorded_at')
      .orderBy('trial_consent.id')
      .execute(),
  ]);
  const trialIds = [...new Set([...screenings.map((s) => s.trial_id), ...consents.map((c) => c.trial_id)])].sort((a, b) => b - a);
  const latestConsent = new Map(consents.map((c) => [c.trial_id, c]));
  const screening = new Map(screenings.map((s) => [s.trial_id, s]));
  return Promise.all(
    trialIds.map(async (trialId): Promise<MyTrial> => {
      const trial = await trialByCode(db, await trialCode(db, trialId));
      const [[adherence], doses, withdrawal] = await Promise.all([
        adherenceOf(db, trial, now, [personId]),
        db.selectFrom('trial_dose').select(['taken_on', 'source']).where('trial_id', '=', trial.id).where('person_id', '=', personId).orderBy('taken_on').execute(),
        withdrawalOf(db, trial, personId),
      ]);
      const c = latestConsent.get(trialId);
      const s = screening.get(trialId);
      return {
        trial,
        consent: c ? { decision: c.decision, documentVersion: c.version, at: c.recorded_at } : null,
        screening: s ? { eligible: s.eligible === 1, at: s.screened_at } : null,
        adherence: adherence ?? null,
        doses: doses.map((d) => ({ date: d.taken_on, source: d.source })),
        withdrawal: withdrawal ? withdrawalView(withdrawal) : null,
      };
    }),
  );
}

/** The code of the trial with this id (for readers that start from a row). */
async function trialCode(db: Db, trialId: number): Promise<string> {
  const row = await db.selectFrom('trial').select('code').where('id', '=', trialId).executeTakeFirst();
  if (!row) throw notFound(`trial ${trialId}`);
  return row.code;
}
