import type { Selectable } from 'kysely';
import type { Writer } from '../store/write.ts';
import { getPerson, timeZonesOf } from '../roster/index.ts';
import { AppError, badRequest, conflict, notFound } from '../shared/errors.ts';
import { instantToLocal, localDateOf } from '../shared/time.ts';
import { isUniqueViolation, type Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import {
  ageOn,
  checkAssessment,
  deriveValues,
  formatInputProblem,
  siteSpecs,
  siteValue,
  type BodyFatMethod,
  type DerivedValues,
  type InputProblem,
  type Site,
  type SiteValue,
  type Trials,
} from './model.ts';

export interface AssessmentWrite {
  personId: number;
  /** UTC instant of the visit. */
  assessedAt: string;
  assessorId: number | null;
  method: BodyFatMethod | null;
  device: string;
  fasted: boolean;
  notes: string;
  sites: Partial<Record<Site, Trials>>;
}

export interface AssessmentView {
  id: number;
  person: { id: number; designation: string };
  assessedAt: string;
  /** The visit in the person's unit's time zone: the time of day is one of the conditions. */
  local: { date: string; time: string; timeZone: string };
  assessor: { id: number; designation: string; name: string } | null;
  method: BodyFatMethod | null;
  device: string;
  fasted: boolean;
  notes: string;
  /** Completed years at the visit, from the roster's date of birth. */
  age: number | null;
  sites: (SiteValue & { unit: string })[];
  derived: DerivedValues;
  updatedAt: string;
}

/** Throws 400 naming every problem; the field is the first one's. */
function refuseProblems(problems: InputProblem[]): void {
  // The message names each site in words; `field` keeps the first one's machine name.
  if (problems.length) throw new AppError('bad_request', problems.map(formatInputProblem).join('; '), { field: problems[0].field, details: problems });
}

/** The stored form of a visit, shared by the audit record and the "unchanged" check of imports. */
export const storedForm = (input: AssessmentWrite) => ({
  assessedAt: input.assessedAt,
  assessorId: input.assessorId,
  method: input.method,
  device: input.device,
  fasted: input.fasted,
  notes: input.notes,
  sites: Object.fromEntries(Object.entries(input.sites).sort(([a], [b]) => a.localeCompare(b))),
});

async function checkInput(w: Writer, input: AssessmentWrite) {
  const person = await getPerson(w.db, input.personId);
  refuseProblems(checkAssessment(input, person));
  if (input.assessorId !== null) {
    const role = await w.db.selectFrom('person_role').select('role').where('person_id', '=', input.assessorId).where('role', '=', 'assessor').executeTakeFirst();
    if (!role) throw badRequest('assessorId', `person ${input.assessorId} does not exist or is not an assessor`);
  }
}

async function insertSites(w: Writer, assessmentId: number, sites: AssessmentWrite['sites']) {
  const rows = (Object.entries(sites) as [Site, Trials][]).map(([site, trials]) => ({
    assessment_id: assessmentId,
    site,
    trial_1: trials[0],
    trial_2: trials[1] ?? null,
    trial_3: trials[2] ?? null,
  }));
  if (rows.length) await w.db.insertInto('assessment_site').values(rows).execute();
}

/** Runs a write of a visit, answering the one-visit-per-instant constraint with 409 on the time. */
async function oneVisitPerInstant<T>(at: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`this person already has an assessment at ${at}`, 'time');
    throw e;
  }
}

const visitColumns = (input: AssessmentWrite) => ({
  assessed_at: input.assessedAt,
  assessor_person_id: input.assessorId,
  method: input.method,
  device: input.device,
  fasted: input.fasted ? 1 : 0,
  notes: input.notes,
});

/** Records a visit after checking it against the protocol; derived values are computed on read. */
export async function createAssessment(w: Writer, input: AssessmentWrite): Promise<number> {
  await checkInput(w, input);
  const at = w.now.toISOString();
  const { id } = await oneVisitPerInstant(input.assessedAt, () =>
    w.db
      .insertInto('assessment')
      .values({ person_id: input.personId, ...visitColumns(input), created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  await insertSites(w, id, input.sites);
  await w.record({ action: 'assessment.create', entity: 'assessment', entityId: id, after: { personId: input.personId, ...storedForm(input) } });
  return id;
}

/** Replaces a visit's details and measurements; the person stays the same. */
export async function replaceAssessment(w: Writer, id: number, input: AssessmentWrite, reason?: string): Promise<void> {
  const before = await loadWrite(w.db, id);
  if (before.personId !== input.personId) throw badRequest('personId', 'an assessment cannot move to another person');
  await checkInput(w, input);
  await oneVisitPerInstant(input.assessedAt, () =>
    w.db
      .updateTable('assessment')
      .set({ ...visitColumns(input), updated_at: w.now.toISOString() })
      .where('id', '=', id)
      .execute(),
  );
  await w.db.deleteFrom('assessment_site').where('assessment_id', '=', id).execute();
  await insertSites(w, id, input.sites);
  await w.record({ action: 'assessment.update', entity: 'assessment', entityId: id, before: storedForm(before), after: storedForm(input), reason });
}

const trialsOf = (s: Pick<Selectable<Database['assessment_site']>, 'trial_1' | 'trial_2' | 'trial_3'>) =>
  [s.trial_1, s.trial_2, s.trial_3].filter((t): t is number => t !== null);

/** A stored visit in the shape it was written. */
export async function loadWrite(db: Db, id: number): Promise<AssessmentWrite> {
  const row = await db.selectFrom('assessment').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`assessment ${id}`);
  const sites = await db.selectFrom('assessment_site').selectAll().where('assessment_id', '=', id).execute();
  return toWrite(row, sites);
}

function toWrite(row: Selectable<Database['assessment']>, sites: Selectable<Database['assessment_site']>[]): AssessmentWrite {
  return {
    personId: row.person_id,
    assessedAt: row.assessed_at,
    assessorId: row.assessor_person_id,
    method: row.method,
    device: row.device,
    fasted: row.fasted === 1,
    notes: row.notes,
    sites: Object.fromEntries(sites.map((s) => [s.site, trialsOf(s)])),
  };
}

export interface AssessmentFilter {
  personIds?: readonly number[];
  ids?: readonly number[];
  assessedAt?: readonly string[];
  /** Keyset paging for exports: ids above this one, at most `limit`. */
  afterId?: number;
  limit?: number;
}

/** Visits with their sites, assessor and derived values, in one query per table. */
export async function listAssessments(db: Db, filter: AssessmentFilter): Promise<AssessmentView[]> {
  if (filter.personIds?.length === 0 || filter.ids?.length === 0 || filter.assessedAt?.length === 0) return [];
  let q = db
    .selectFrom('assessment')
    .innerJoin('person', 'person.id', 'assessment.person_id')
    .leftJoin('person as assessor', 'assessor.id', 'assessment.assessor_person_id')
    .selectAll('assessment')
    .select(['person.designation', 'person.sex', 'person.date_of_birth', 'assessor.designation as assessor_designation', 'assessor.name as assessor_name'])
    .orderBy('assessment.id');
  if (filter.personIds) q = q.where('assessment.person_id', 'in', filter.personIds);
  if (filter.ids) q = q.where('assessment.id', 'in', filter.ids);
  if (filter.assessedAt) q = q.where('assessment.assessed_at', 'in', filter.assessedAt);
  if (filter.afterId !== undefined) q = q.where('assessment.id', '>', filter.afterId);
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const siteRows = await db
    .selectFrom('assessment_site')
    .selectAll()
    .where(
      'assessment_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const sitesOf = new Map<number, typeof siteRows>();
  for (const site of siteRows) {
    const sites = sitesOf.get(site.assessment_id);
    if (sites) sites.push(site);
    else sitesOf.set(site.assessment_id, [site]);
  }
  const zones = await timeZonesOf(db, [...new Set(rows.map((r) => r.person_id))]);
  return rows.map((row) => {
    const write = toWrite(row, sitesOf.get(row.id) ?? []);
    const zone = zones.get(row.person_id)!;
    const local = instantToLocal(row.assessed_at, zone);
    const age = row.date_of_birth === null ? null : ageOn(row.date_of_birth, localDateOf(row.assessed_at, zone));
    const sites = (Object.entries(write.sites) as [Site, Trials][])
      .map(([site, trials]) => ({ ...siteValue(site, trials), unit: siteSpecs[site].unit }))
      .sort((a, b) => a.site.localeCompare(b.site));
    const values = Object.fromEntries(sites.map((s) => [s.site, s.value]));
    return {
      id: row.id,
      person: { id: row.person_id, designation: row.designation },
      assessedAt: row.assessed_at,
      local: { date: local.date, time: local.time, timeZone: zone },
      assessor: row.assessor_person_id === null ? null : { id: row.assessor_person_id, designation: row.assessor_designation!, name: row.assessor_name! },
      method: row.method,
      device: row.device,
      fasted: row.fasted === 1,
      notes: row.notes,
      age,
      sites,
      derived: deriveValues(row.method, row.sex, age, values),
      updatedAt: row.updated_at,
    };
  });
}

/** The measurements of a visit by the names data sets give them (a column of the analysis data sets, a trial outcome). */
export const measurementNames = ['body_mass_kg', 'bmi', 'body_fat_percent', 'lean_mass_kg'] as const;
export type MeasurementName = (typeof measurementNames)[number];
export const isMeasurementName = (name: string): name is MeasurementName => (measurementNames as readonly string[]).includes(name);

/** A visit's named measurements; null where the visit lacks what a value needs (e.g. lean mass without a body-fat method). */
export function measurementsOf(view: AssessmentView): Record<MeasurementName, number | null> {
  return {
    body_mass_kg: view.sites.find((s) => s.site === 'body_mass')?.value ?? null,
    bmi: view.derived.bmi.value,
    body_fat_percent: view.derived.bodyFatPercent?.value ?? null,
    lean_mass_kg: view.derived.leanMass?.value ?? null,
  };
}

export async function getAssessment(db: Db, id: number): Promise<AssessmentView> {
  const [view] = await listAssessments(db, { ids: [id] });
  if (!view) throw notFound(`assessment ${id}`);
  return view;
}

// ---- consent ----

export async function trainersMaySee(db: Db, personId: number): Promise<boolean> {
  const row = await db.selectFrom('physique_consent').select('trainers_may_see').where('person_id', '=', personId).executeTakeFirst();
  return row?.trainers_may_see === 1;
}

/** The participant's own choice, audited. */
export async function setTrainersMaySee(w: Writer, personId: number, allowed: boolean): Promise<boolean> {
  const before = await trainersMaySee(w.db, personId);
  const values = { trainers_may_see: allowed ? 1 : 0, updated_at: w.now.toISOString() };
  await w.db
    .insertInto('physique_consent')
    .values({ person_id: personId, ...values })
    .onConflict((oc) => oc.column('person_id').doUpdateSet(values))
    .execute();
  await w.record({ action: 'physique.consent', entity: 'person', entityId: personId, before: { trainersMaySee: before }, after: { trainersMaySee: allowed } });
  return allowed;
}
