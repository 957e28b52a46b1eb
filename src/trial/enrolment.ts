/**
 * From consent to allocation: versioned consent documents, the participant's decision (in their
 * own login, or on paper recorded by someone outside their chain of command), screening against
 * the protocol's eligibility criteria, and randomisation, computed inside the write transaction
 * from the seed and the recorded order of enrolment with the trial row locked.
 */
import { randomBytes } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';
import { isUniqueViolation } from '../store/db.ts';
import type { Writer } from '../store/write.ts';
import { chainOfCommand } from '../roster/index.ts';
import type { Protocol } from './protocol.ts';
import { nextAllocation, type Enrolment, type RecordedAllocation } from './randomisation.ts';
import { lockedTrial } from './store.ts';
import type { TrialView } from './trials.ts';

export async function consentDocuments(db: Db, trialId: number) {
  return db.selectFrom('consent_document').select(['version', 'title', 'body', 'sha256', 'created_at as createdAt']).where('trial_id', '=', trialId).orderBy('version').execute();
}

/** A new version of the trial's consent document; its SHA-256 is of the canonical JSON of title and body. */
export async function addConsentDocument(w: Writer, code: string, document: { title: string; body: string }) {
  const trial = await lockedTrial(w, code);
  if (trial.status === 'closed' || trial.status === 'unblinded') throw conflict(`trial ${trial.code} is ${trial.status}: it takes no more consent`);
  const last = await w.db.selectFrom('consent_document').select((eb) => eb.fn.max('version').as('version')).where('trial_id', '=', trial.id).executeTakeFirst();
  const version = Number(last?.version ?? 0) + 1;
  const sha256 = sha256Hex(canonicalJson(document));
  await w.db.insertInto('consent_document').values({ trial_id: trial.id, version, title: document.title, body: document.body, sha256, created_at: w.now.toISOString() }).execute();
  await w.record({ action: 'trial.consent-document', entity: 'trial', entityId: trial.code, after: { version, title: document.title, sha256 }, reason: `consent document version ${version}` });
  return { version, title: document.title, body: document.body, sha256, createdAt: w.now.toISOString() };
}

export type ConsentDecision = 'given' | 'refused';

/**
 * Records a decision on a consent document version. `recordedBy` is null when the participant
 * answers in their own login; a paper form's recorder must be outside the participant's chain of
 * command (a superior must not recruit a subordinate: US DoD human research protection guidance).
 */
export async function recordConsent(
  w: Writer,
  code: string,
  personId: number,
  input: { documentVersion: number; decision: ConsentDecision; reason: string; recordedBy: number | null },
): Promise<{ participant: string; documentVersion: number; decision: ConsentDecision; recordedAt: string }> {
  const trial = await lockedTrial(w, code);
  requireRecruiting(trial, 'consent');
  const person = await personOf(w.db, personId);
  if (input.recordedBy !== null) await requireOutsideChainOfCommand(w.db, person, input.recordedBy);
  const document = await w.db.selectFrom('consent_document').select(['id', 'sha256']).where('trial_id', '=', trial.id).where('version', '=', input.documentVersion).executeTakeFirst();
  if (!document) throw badRequest('documentVersion', `trial ${trial.code} has no consent document version ${input.documentVersion}`);
  const at = w.now.toISOString();
  await w.db
    .insertInto('trial_consent')
    .values({ trial_id: trial.id, person_id: person.id, document_id: document.id, decision: input.decision, recorded_by_person_id: input.recordedBy, recorded_by_label: w.actor.label, recorded_at: at })
    .execute();
  await w.record({
    action: 'trial.consent',
    entity: 'trial_consent',
    entityId: `${trial.code}/${person.designation}`,
    after: { participant: person.designation, documentVersion: input.documentVersion, documentSha256: document.sha256, decision: input.decision, onPaper: input.recordedBy !== null },
    reason: input.reason,
  });
  return { participant: person.designation, documentVersion: input.documentVersion, decision: input.decision, recordedAt: at };
}

async function requireOutsideChainOfCommand(db: Db, person: { id: number; designation: string }, recorderId: number): Promise<void> {
  if (recorderId === person.id) throw forbidden(`record your own consent in your own login (PUT /api/me/trials/:code/consent), not as a paper form`);
  const superior = (await chainOfCommand(db, person.id)).find((link) => link.person.id === recorderId);
  if (superior) {
    throw forbidden(
      `you are ${person.designation}'s ${superior.relation} (${superior.unitName}), in their chain of command: a superior may not record a subordinate's consent; ask someone outside it`,
    );
  }
}

export interface ScreeningResult {
  participant: string;
  eligible: boolean;
  reason: string | null;
  screenedAt: string;
}

/**
 * Eligible when every inclusion criterion is met and no exclusion criterion applies. A screen
 * failure is kept with its reason: the one given, or the criteria that failed.
 */
export async function screen(w: Writer, code: string, personId: number, input: { answers: Record<string, boolean>; reason?: string }): Promise<ScreeningResult> {
  const trial = await lockedTrial(w, code);
  requireRecruiting(trial, 'screening');
  const person = await personOf(w.db, personId);
  const failures = screenFailures(trial.protocol, input.answers);
  const eligible = failures.length === 0;
  const reason = eligible ? null : (input.reason ?? failures.join('; '));
  const already = await w.db.selectFrom('trial_screening').select(['eligible', 'screened_at']).where('trial_id', '=', trial.id).where('person_id', '=', person.id).executeTakeFirst();
  if (already) throw conflict(`${person.designation} was already screened for ${trial.code} on ${already.screened_at} (${already.eligible ? 'eligible' : 'not eligible'})`);
  const at = w.now.toISOString();
  await w.db
    .insertInto('trial_screening')
    .values({ trial_id: trial.id, person_id: person.id, answers_json: JSON.stringify(input.answers), eligible: eligible ? 1 : 0, reason, screened_at: at, screened_by_label: w.actor.label })
    .execute();
  await w.record({ action: 'trial.screen', entity: 'trial_screening', entityId: `${trial.code}/${person.designation}`, after: { participant: person.designation, answers: input.answers, eligible }, reason: reason ?? 'eligible' });
  return { participant: person.designation, eligible, reason, screenedAt: at };
}

/** Each criterion that keeps a participant out, in the protocol's order; refuses answers that miss or invent a criterion. */
function screenFailures(protocol: Protocol, answers: Record<string, boolean>): string[] {
  const ids = new Set(protocol.eligibility.map((criterion) => criterion.id));
  const stray = Object.keys(answers).find((id) => !ids.has(id));
  if (stray !== undefined) throw badRequest(`answers.${stray}`, `is not an eligibility criterion of ${protocol.code} (${[...ids].join(', ')})`);
  const missing = protocol.eligibility.find((criterion) => answers[criterion.id] === undefined);
  if (missing) throw badRequest(`answers.${missing.id}`, `answer every criterion: "${missing.text}" is missing`);
  return protocol.eligibility
    .filter((criterion) => (criterion.kind === 'inclusion' ? !answers[criterion.id] : answers[criterion.id]))
    .map((criterion) => `${criterion.kind} ${criterion.id} ${criterion.kind === 'inclusion' ? 'not met' : 'applies'}: ${criterion.text}`);
}

export interface AllocationAnswer {
  participant: { id: number; designation: string };
  sequence: number;
  kitCode: string;
  randomisedAt: string;
  /** Only for those who see arms (src/access/blinding.ts). */
  arm?: string;
}

/**
 * Randomises one participant. Inside the transaction, with the trial row locked: recruiting, the
 * participant's latest consent decision is "given", they screened eligible, are not withdrawn and
 * not yet allocated; the arm is `nextAllocation` from the seed and the allocations before, in
 * order of sequence. The unique (trial, sequence), (trial, participant) and (trial, kit) constraints
 * back the checks. Answers the arm only to those who see arms.
 */
export async function randomise(w: Writer, code: string, personId: number, reason: string, showArm: (trial: TrialView) => boolean): Promise<AllocationAnswer> {
  const trial = await lockedTrial(w, code);
  requireRecruiting(trial, 'randomisation');
  if (trial.seed === null) throw new Error(`trial ${trial.code} is recruiting without a seed`);
  const person = await personOf(w.db, personId);
  await requireEnrollable(w.db, trial, person);
  const prior = await recordedAllocations(w.db, trial.id);
  const next: Enrolment = { participant: person.designation, strata: strataOf(trial.protocol, person) };
  const allocation = nextAllocation(trial.protocol, trial.seed, prior, next);
  const kitCode = await newKitCode(w.db, trial.id);
  const at = w.now.toISOString();
  try {
    await w.db
      .insertInto('trial_allocation')
      .values({
        trial_id: trial.id,
        person_id: person.id,
        sequence: allocation.sequence,
        strata_json: JSON.stringify(next.strata),
        arm: allocation.arm,
        kit_code: kitCode,
        record_json: JSON.stringify(allocation.record),
        protocol_version: trial.version,
        randomised_at: at,
        randomised_by_label: w.actor.label,
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`another randomisation of ${trial.code} took slot ${allocation.sequence} or this participant at the same moment: try again`);
    throw error;
  }
  // The audit event never holds the arm: blinded readers of the audit trail must not learn it there.
  await w.record({
    action: 'trial.randomise',
    entity: 'trial_allocation',
    entityId: `${trial.code}/${person.designation}`,
    after: { participant: person.designation, sequence: allocation.sequence, kitCode, strata: next.strata, protocolVersion: trial.version },
    reason,
  });
  return {
    participant: { id: person.id, designation: person.designation },
    sequence: allocation.sequence,
    kitCode,
    randomisedAt: at,
    ...(showArm(trial) && { arm: allocation.arm }),
  };
}

function requireRecruiting(trial: TrialView, what: string): void {
  if (trial.status !== 'recruiting') throw conflict(`trial ${trial.code} is ${trial.status}: ${what} needs it to be recruiting`);
}

async function requireEnrollable(db: Db, trial: TrialView, person: Person): Promise<void> {
  const who = person.designation;
  const [allocated, withdrawn, consent, screening] = await Promise.all([
    db.selectFrom('trial_allocation').select(['sequence', 'kit_code']).where('trial_id', '=', trial.id).where('person_id', '=', person.id).executeTakeFirst(),
    db.selectFrom('trial_withdrawal').select('kind').where('trial_id', '=', trial.id).where('person_id', '=', person.id).executeTakeFirst(),
    db.selectFrom('trial_consent').select('decision').where('trial_id', '=', trial.id).where('person_id', '=', person.id).orderBy('recorded_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst(),
    db.selectFrom('trial_screening').select(['eligible', 'reason']).where('trial_id', '=', trial.id).where('person_id', '=', person.id).executeTakeFirst(),
  ]);
  if (allocated) throw conflict(`${who} is already randomised in ${trial.code} (kit ${allocated.kit_code})`);
  if (withdrawn) throw conflict(`${who} has left ${trial.code} (${withdrawn.kind}) and cannot be randomised`);
  if (!consent) throw conflict(`${who} has not given consent to ${trial.code}`);
  if (consent.decision !== 'given') throw conflict(`${who} refused consent to ${trial.code}`);
  if (!screening) throw conflict(`${who} has not been screened for ${trial.code}`);
  if (!screening.eligible) throw conflict(`${who} is not eligible for ${trial.code}: ${screening.reason ?? 'screen failure'}`);
}

interface Person {
  id: number;
  designation: string;
  sex: string | null;
  unitName: string | null;
}

/** The person with their current unit; 404 when there is none. */
async function personOf(db: Db, personId: number): Promise<Person> {
  const row = await db
    .selectFrom('person')
    .leftJoin('person_unit', (join) => join.onRef('person_unit.person_id', '=', 'person.id').on('person_unit.effective_to', 'is', null))
    .leftJoin('unit', 'unit.id', 'person_unit.unit_id')
    .select(['person.id', 'person.designation', 'person.sex', 'unit.name as unitName'])
    .where('person.id', '=', personId)
    .executeTakeFirst();
  if (!row) throw notFound(`person ${personId}`);
  return row;
}

/** Where each stratification factor's level comes from on the roster. */
const strataSources: Record<string, (person: Person) => string | null> = {
  unit: (person) => person.unitName,
  sex: (person) => person.sex,
};

function strataSource(factor: string): (person: Person) => string | null {
  const source = strataSources[factor];
  if (!source) throw badRequest('stratificationFactors', `Muster reads only ${Object.keys(strataSources).join(' and ')} from the roster; "${factor}" has no source`);
  return source;
}

/** The participant's level of each of the protocol's stratification factors, from the roster. */
function strataOf(protocol: Protocol, person: Person): Record<string, string> {
  return Object.fromEntries(
    protocol.stratificationFactors.map((factor) => {
      const level = strataSource(factor)(person);
      if (level === null) throw new AppError('conflict', `${person.designation} has no ${factor} on the roster, which stratification by ${factor} needs`, { field: factor });
      return [factor, level];
    }),
  );
}

/** The factors a design report can draw from the roster, and the frequency of each level among current participants. */
export async function cohortPopulation(db: Db, protocol: Protocol): Promise<{ participants: number; population: Record<string, Record<string, number>> }> {
  const rows = await db
    .selectFrom('person')
    .innerJoin('person_role', (join) => join.onRef('person_role.person_id', '=', 'person.id').on('person_role.role', '=', 'participant'))
    .leftJoin('person_unit', (join) => join.onRef('person_unit.person_id', '=', 'person.id').on('person_unit.effective_to', 'is', null))
    .leftJoin('unit', 'unit.id', 'person_unit.unit_id')
    .select(['person.id', 'person.designation', 'person.sex', 'unit.name as unitName'])
    .execute();
  const population: Record<string, Record<string, number>> = {};
  for (const factor of protocol.stratificationFactors) {
    const source = strataSource(factor);
    const levels: Record<string, number> = {};
    for (const person of rows) {
      const level = source(person);
      if (level !== null) levels[level] = (levels[level] ?? 0) + 1;
    }
    population[factor] = levels;
  }
  return { participants: rows.length, population };
}

const KIT_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** "K-" and six characters from the operating system's generator (32 letters and digits, no 0/O or 1/I), unused in this trial. */
async function newKitCode(db: Db, trialId: number): Promise<string> {
  for (;;) {
    const code = `K-${[...randomBytes(6)].map((byte) => KIT_ALPHABET[byte % KIT_ALPHABET.length]).join('')}`;
    const taken = await db.selectFrom('trial_allocation').select('id').where('trial_id', '=', trialId).where('kit_code', '=', code).executeTakeFirst();
    if (!taken) return code;
  }
}

/** Every allocation in order of enrolment, as replay reads it: designation, strata, the recorded arm, and the slot. */
export async function recordedAllocations(db: Db, trialId: number): Promise<(RecordedAllocation & { sequence: number })[]> {
  const rows = await db
    .selectFrom('trial_allocation')
    .innerJoin('person', 'person.id', 'trial_allocation.person_id')
    .select(['person.designation', 'trial_allocation.strata_json', 'trial_allocation.arm', 'trial_allocation.sequence'])
    .where('trial_allocation.trial_id', '=', trialId)
    .orderBy('trial_allocation.sequence')
    .execute();
  return rows.map((row) => ({ participant: row.designation, strata: JSON.parse(row.strata_json) as Record<string, string>, arm: row.arm, sequence: row.sequence }));
}

export interface AllocationListEntry {
  participant: { id: number; designation: string };
  sequence: number;
  kitCode: string;
  randomisedAt: string;
  arm?: string;
}

/** The allocations the actor may see (`visible`: their person scope), with arms only when `showArms`. */
export async function listAllocations(db: Db, trialId: number, visible: (person: { id: number; unitId: number | null }) => boolean, showArms: boolean): Promise<AllocationListEntry[]> {
  const rows = await db
    .selectFrom('trial_allocation')
    .innerJoin('person', 'person.id', 'trial_allocation.person_id')
    .leftJoin('person_unit', (join) => join.onRef('person_unit.person_id', '=', 'person.id').on('person_unit.effective_to', 'is', null))
    .select(['person.id', 'person.designation', 'person_unit.unit_id as unitId', 'trial_allocation.sequence', 'trial_allocation.kit_code', 'trial_allocation.randomised_at', 'trial_allocation.arm'])
    .where('trial_allocation.trial_id', '=', trialId)
    .orderBy('trial_allocation.sequence')
    .execute();
  return rows
    .filter((row) => visible({ id: row.id, unitId: row.unitId }))
    .map((row) => ({
      participant: { id: row.id, designation: row.designation },
      sequence: row.sequence,
      kitCode: row.kit_code,
      randomisedAt: row.randomised_at,
      ...(showArms && { arm: row.arm }),
    }));
}
