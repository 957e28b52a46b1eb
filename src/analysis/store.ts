import type { Selectable } from 'kysely';
import { listAssessments, type AssessmentView } from '../assess/index.ts';
import { mayArchiveDataset } from '../access/index.ts';
import { type Writer } from '../store/write.ts';
import { designationKey, listPeople, type PersonView } from '../roster/index.ts';
import { badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { sha256Hex } from '../shared/canonical-json.ts';
import { keysetPages } from '../shared/export.ts';
import { isUniqueViolation, type Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { describeCsv, physiqueByVisitCsv, type PhysiqueVisit } from './model.ts';
import { parseTable } from '../stats/table.ts';

export interface DatasetSummary {
  id: number;
  name: string;
  description: string;
  columns: string[];
  rowCount: number;
  createdBy: string;
  createdAt: string;
  archivedAt: string | null;
}

const summaryColumns = ['id', 'name', 'description', 'columns_json', 'row_count', 'created_by_label', 'created_at', 'archived_at'] as const;

function toSummary(row: Pick<Selectable<Database['analysis_dataset']>, (typeof summaryColumns)[number]>): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    columns: JSON.parse(row.columns_json) as string[],
    rowCount: row.row_count,
    createdBy: row.created_by_label,
    createdAt: row.created_at,
    archivedAt: row.archived_at,
  };
}

/** Keeps a long-format CSV under a new name, after checking that it reads as a table. */
export async function saveDataset(w: Writer, input: { name: string; description: string; csv: string }): Promise<DatasetSummary> {
  const shape = describeCsv(input.csv);
  if ('problem' in shape) throw badRequest('data', shape.problem);
  let id: number;
  try {
    ({ id } = await w.db
      .insertInto('analysis_dataset')
      .values({
        name: input.name,
        description: input.description,
        columns_json: JSON.stringify(shape.columns),
        row_count: shape.rowCount,
        csv: input.csv,
        created_by_account_id: w.actor.accountId,
        created_by_label: w.actor.label,
        created_at: w.now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow());
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a data set named "${input.name}" exists already (archived ones keep their names)`, 'name');
    throw error;
  }
  // The audit keeps what identifies the data, not the data: the row itself is never changed.
  await w.record({ action: 'analysis.dataset.create', entity: 'analysis_dataset', entityId: id, after: { name: input.name, description: input.description, ...shape } });
  return { id, name: input.name, description: input.description, ...shape, createdBy: w.actor.label, createdAt: w.now.toISOString(), archivedAt: null };
}

/** The data sets not archived, newest first, without their data. */
export async function listDatasets(db: Db): Promise<DatasetSummary[]> {
  const rows = await db.selectFrom('analysis_dataset').select(summaryColumns).where('archived_at', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toSummary);
}

/** One data set with its CSV text; archived ones too. */
export async function getDataset(db: Db, id: number): Promise<DatasetSummary & { data: string }> {
  const row = await db.selectFrom('analysis_dataset').select([...summaryColumns, 'csv']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`data set ${id}`);
  return { ...toSummary(row), data: row.csv };
}

/** Takes a data set off the list (`mayArchiveDataset` in src/access says who may); it stays readable by id. */
export async function archiveDataset(w: Writer, id: number): Promise<void> {
  const row = await w.db.selectFrom('analysis_dataset').select(['name', 'created_by_account_id', 'archived_at']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`data set ${id}`);
  if (!mayArchiveDataset(w.actor, row.created_by_account_id)) throw forbidden('only whoever saved a data set, or an investigator, may archive it');
  if (row.archived_at !== null) throw conflict(`data set ${id} is archived already`);
  await w.db.updateTable('analysis_dataset').set({ archived_at: w.now.toISOString(), archived_by_label: w.actor.label }).where('id', '=', id).execute();
  await w.record({ action: 'analysis.dataset.archive', entity: 'analysis_dataset', entityId: id, before: { name: row.name, archivedAt: null }, after: { name: row.name, archivedAt: w.now.toISOString() } });
}

const PAGE = 500;

const physiqueVisit = (personOf: Map<number, PersonView>) => (a: AssessmentView): PhysiqueVisit => ({
  designation: a.person.designation,
  unit: personOf.get(a.person.id)?.unit?.name ?? '',
  assessedAt: a.assessedAt,
  date: a.local.date,
  bodyMass: a.sites.find((s) => s.site === 'body_mass')?.value ?? null,
  bmi: a.derived.bmi.value,
  bodyFatPercent: a.derived.bodyFatPercent?.value ?? null,
  leanMass: a.derived.leanMass?.value ?? null,
});

/**
 * The derived data set "physique measurements by visit" (model.ts), built now from every stored
 * visit, with the people it covers (the route's read declaration records them as read).
 */
export async function physiqueByVisit(db: Db): Promise<{ data: string; rowCount: number; people: Set<number> }> {
  const personOf = new Map((await listPeople(db)).map((p) => [p.id, p]));
  const toVisit = physiqueVisit(personOf);
  const visits: PhysiqueVisit[] = [];
  const people = new Set<number>();
  for await (const page of keysetPages((afterId) => listAssessments(db, { afterId, limit: PAGE }), (a) => a.id)) {
    for (const a of page) {
      people.add(a.person.id);
      visits.push(toVisit(a));
    }
  }
  const { csv, rowCount } = physiqueByVisitCsv(visits);
  return { data: csv, rowCount, people };
}

/** The columns of a data set that name participants by designation: the physique data set's and the trial's. */
const subjectColumns = ['designation', 'participant', 'subject'];

/**
 * The people a stored data set is about: the designations in its subject columns that name someone
 * on the roster. A data set that names nobody (e.g. an uploaded file with other ids) covers nobody.
 */
export async function datasetSubjects(db: Db, csv: string): Promise<number[]> {
  const table = parseTable(csv);
  const columns = table.header.flatMap((name, i) => (subjectColumns.includes(name.trim().toLowerCase()) ? [i] : []));
  const keys = new Set(table.rows.flatMap((row) => columns.map((i) => (row.cells[i] ?? '').trim())).filter((d) => d !== '').map(designationKey));
  if (keys.size === 0) return [];
  const ids: number[] = [];
  const all = [...keys];
  for (let i = 0; i < all.length; i += 1000) {
    const rows = await db.selectFrom('person').select('id').where('designation_key', 'in', all.slice(i, i + 1000)).execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** A stored analysis as the list shows it. */
export interface RunSummary {
  id: number;
  dataLabel: string;
  trial: string | null;
  createdBy: string;
  createdAt: string;
}

export interface StoredRun<Request, Response> extends RunSummary {
  dataSha256: string;
  request: Request;
  response: Response;
}

/** Keeps an analysis as it was run: the request (without the CSV), the CSV's SHA-256 and the answer; audited. */
export async function saveRun<Request extends object, Response>(
  w: Writer,
  input: { dataLabel: string; csv: string; trial: string | null; request: Request; response: Response },
): Promise<number> {
  const dataSha256 = sha256Hex(input.csv);
  const { id } = await w.db
    .insertInto('analysis_run')
    .values({
      data_label: input.dataLabel,
      data_sha256: dataSha256,
      trial_code: input.trial,
      request_json: JSON.stringify(input.request),
      response_json: JSON.stringify(input.response),
      created_by_account_id: w.actor.accountId,
      created_by_label: w.actor.label,
      created_at: w.now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'analysis.run', entity: 'analysis_run', entityId: id, after: { dataLabel: input.dataLabel, dataSha256, trial: input.trial } });
  return id;
}

const RUNS_LISTED = 200;
const runColumns = ['id', 'data_label', 'trial_code', 'created_by_label', 'created_at'] as const;
const toRunSummary = (row: Pick<Selectable<Database['analysis_run']>, (typeof runColumns)[number]>): RunSummary => ({
  id: row.id,
  dataLabel: row.data_label,
  trial: row.trial_code,
  createdBy: row.created_by_label,
  createdAt: row.created_at,
});

/** The newest analyses, with the model and the verdict's sentence (or the description); a trial's only for `trialsShown`. */
export async function listRuns<Request, Response>(db: Db, trialsShown: readonly string[]): Promise<StoredRun<Request, Response>[]> {
  let query = db.selectFrom('analysis_run').select([...runColumns, 'data_sha256', 'request_json', 'response_json']);
  query = trialsShown.length > 0 ? query.where((eb) => eb.or([eb('trial_code', 'is', null), eb('trial_code', 'in', [...trialsShown])])) : query.where('trial_code', 'is', null);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(RUNS_LISTED).execute();
  return rows.map((row) => ({ ...toRunSummary(row), dataSha256: row.data_sha256, request: JSON.parse(row.request_json) as Request, response: JSON.parse(row.response_json) as Response }));
}

/** One stored analysis; a trial's only for a reader in `trialsShown` (else as if it did not exist). */
export async function getRun<Request, Response>(db: Db, id: number, trialsShown: readonly string[]): Promise<StoredRun<Request, Response>> {
  const row = await db.selectFrom('analysis_run').select([...runColumns, 'data_sha256', 'request_json', 'response_json']).where('id', '=', id).executeTakeFirst();
  if (!row || (row.trial_code !== null && !trialsShown.includes(row.trial_code))) throw notFound(`analysis ${id}`);
  return { ...toRunSummary(row), dataSha256: row.data_sha256, request: JSON.parse(row.request_json) as Request, response: JSON.parse(row.response_json) as Response };
}

