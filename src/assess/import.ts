import type { Readable } from 'node:stream';
import type { Actor } from '../shared/actor.ts';
import { write, type Writer } from '../store/write.ts';
import { designationKey } from '../roster/index.ts';
import { ImportRejected } from '../shared/import-result.ts';
import { timeZonesOf } from '../roster/index.ts';
import { type ImportSummary } from '../shared/import-result.ts';
import { importInBatches } from '../shared/batch-import.ts';
import type { Clock } from '../shared/clock.ts';
import { csvLine, readCsv, type CsvRecord, type RowProblem } from '../shared/csv.ts';
import { exportDocument, keysetPages, type ExportFormat } from '../shared/export.ts';
import { AppError } from '../shared/errors.ts';
import { localToInstant } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import type { ReadSink } from '../shared/reads.ts';
import { bodyFatMethods, checkAssessment, checkTrials, isSite, siteLabel, type BodyFatMethod, type InputProblem, type Site } from './model.ts';
import { createAssessment, listAssessments, replaceAssessment, storedForm, type AssessmentView, type AssessmentWrite } from './store.ts';

/**
 * The measurements CSV: one row per site of a visit, the rows of a visit together. A visit is
 * the person, local date and time; method, device, fasted, assessor and notes repeat on each
 * of its rows. docs/assessments.md describes every column.
 */
export const measurementColumns = ['designation', 'date', 'time', 'method', 'device', 'fasted', 'assessor', 'site', 'trial_1', 'trial_2', 'trial_3'] as const;
/** What an export adds: computed on read, so an import accepts and ignores them (an export re-imports as is). */
export const computedColumns = ['time_zone', 'unit', 'value', 'rule', 'age', 'bmi', 'body_fat_percent', 'body_fat_equation', 'lean_mass'] as const;
const optionalColumns = ['notes', ...computedColumns];

type VisitField = 'method' | 'device' | 'fasted' | 'assessor' | 'notes';

interface VisitRow {
  firstLine: number;
  designation: string;
  date: string;
  time: string;
  method: BodyFatMethod | null;
  device: string;
  fasted: boolean;
  assessor: string;
  notes: string;
  sites: Partial<Record<Site, number[]>>;
  lineOfSite: Map<string, number>;
  /** Set by `resolve`: what the import will do with the visit. */
  plan?: { action: 'create' } | { action: 'update'; id: number } | { action: 'unchanged' };
  input?: AssessmentWrite;
}

const visitKey = (v: Record<string, string>) => `${designationKey(v.designation ?? '')}|${(v.date ?? '').trim()}|${(v.time ?? '').trim()}`;

/** Groups consecutive rows of the same visit; a visit whose rows come back later in the file is refused. */
async function* visitsOf(records: AsyncIterable<CsvRecord>): AsyncGenerator<CsvRecord[] | RowProblem[]> {
  // One entry per visit, not per row: a file of many sites per visit stays small here.
  const firstLineOf = new Map<string, number>();
  let visit: CsvRecord[] = [];
  for await (const record of records) {
    const key = visitKey(record.values);
    if (visit.length && visitKey(visit[0].values) === key) {
      visit.push(record);
      continue;
    }
    if (visit.length) yield visit;
    visit = [];
    const earlier = firstLineOf.get(key);
    if (earlier !== undefined) {
      yield [{ line: record.line, column: 'time', reason: `this visit already appeared on line ${earlier}: keep the rows of a visit together` }];
      continue;
    }
    firstLineOf.set(key, record.line);
    visit.push(record);
  }
  if (visit.length) yield visit;
}

const fastedValues: Record<string, boolean> = { yes: true, y: true, true: true, '1': true, no: false, n: false, false: false, '0': false };

/** Checks a visit's rows on their own: formats, one row per site, the same visit details on each row, the trial rule. */
function checkVisit(item: CsvRecord[] | RowProblem[]): VisitRow | RowProblem[] {
  if (!('values' in item[0])) return item as RowProblem[];
  const records = item as CsvRecord[];
  const problems: RowProblem[] = [];
  const first = records[0];
  const get = (r: CsvRecord, c: string) => (r.values[c] ?? '').trim();
  const problem = (line: number, column: string, reason: string) => problems.push({ line, column, reason });
  const designation = get(first, 'designation');
  const date = get(first, 'date');
  const time = get(first, 'time');
  if (!designation) problem(first.line, 'designation', 'is required');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) problem(first.line, 'date', `'${date}' is not a date YYYY-MM-DD`);
  if (!/^\d{2}:\d{2}$/.test(time)) problem(first.line, 'time', `'${time}' is not a local time HH:MM`);
  const method = get(first, 'method').toLowerCase();
  if (method && !(bodyFatMethods as readonly string[]).includes(method)) problem(first.line, 'method', `'${method}' is not one of ${bodyFatMethods.join(', ')} (or empty when body fat was not measured)`);
  const fasted = fastedValues[get(first, 'fasted').toLowerCase()];
  if (fasted === undefined) problem(first.line, 'fasted', `'${get(first, 'fasted')}' is not yes or no`);
  const visitFields: VisitField[] = ['method', 'device', 'fasted', 'assessor', 'notes'];
  const sites: Partial<Record<Site, number[]>> = {};
  const lineOfSite = new Map<string, number>();
  for (const record of records) {
    for (const field of visitFields) {
      if (get(record, field) !== get(first, field)) problem(record.line, field, `'${get(record, field)}' differs from line ${first.line} of the same visit ('${get(first, field)}')`);
    }
    const site = get(record, 'site').toLowerCase();
    if (!isSite(site)) {
      problem(record.line, 'site', site ? `'${site}' is not a known site (docs/assessments.md lists them)` : 'is required');
      continue;
    }
    if (lineOfSite.has(site)) {
      problem(record.line, 'site', `${site} is also on line ${lineOfSite.get(site)} of the same visit`);
      continue;
    }
    lineOfSite.set(site, record.line);
    const before = problems.length;
    const trials: number[] = [];
    for (const column of ['trial_1', 'trial_2', 'trial_3'] as const) {
      const cell = get(record, column);
      if (!cell) continue;
      const value = Number(cell);
      if (!Number.isFinite(value)) problem(record.line, column, `'${cell}' is not a number`);
      else if (trials.length < Number(column.slice(-1)) - 1) problem(record.line, column, `comes after an empty trial`);
      else trials.push(value);
    }
    if (!get(record, 'trial_1')) problem(record.line, 'trial_1', 'is required');
    else if (problems.length === before) sites[site] = trials;
  }
  for (const p of (Object.entries(sites) as [Site, number[]][]).flatMap(([site, trials]) => checkTrials(site, trials))) problems.push(toRowProblem(p, first.line, lineOfSite));
  if (problems.length) return problems;
  return {
    firstLine: first.line,
    designation,
    date,
    time,
    method: (method || null) as BodyFatMethod | null,
    device: get(first, 'device'),
    fasted: fasted!,
    assessor: get(first, 'assessor'),
    notes: get(first, 'notes'),
    sites,
    lineOfSite,
  };
}

/** Places a protocol problem on the row of its site, or on the visit's first row. */
function toRowProblem(p: InputProblem, firstLine: number, lineOfSite: Map<string, number>): RowProblem {
  const line = lineOfSite.get(p.field);
  if (line !== undefined) return { line, column: p.trial ? `trial_${p.trial}` : 'site', reason: `${isSite(p.field) ? siteLabel(p.field) : p.field}: ${p.reason}` };
  return { line: firstLine, column: p.field === 'sites' ? 'site' : p.field === 'body_fat_percent' ? 'site' : p.field, reason: p.reason };
}

/** Looks up people, assessors and stored visits for a batch, and decides what each visit does. */
async function resolveVisits(w: Writer, visits: VisitRow[]): Promise<RowProblem[]> {
  const keys = [...new Set(visits.flatMap((v) => [designationKey(v.designation), ...(v.assessor ? [designationKey(v.assessor)] : [])]))];
  const people = new Map(
    (await w.db.selectFrom('person').select(['id', 'designation_key', 'sex', 'date_of_birth']).where('designation_key', 'in', keys).execute()).map((p) => [p.designation_key, p]),
  );
  const personIds = [...people.values()].map((p) => p.id);
  const assessors = new Set(
    (await w.db.selectFrom('person_role').select('person_id').where('role', '=', 'assessor').where('person_id', 'in', personIds.length ? personIds : [-1]).execute()).map((r) => r.person_id),
  );
  const zones = await timeZonesOf(w.db, personIds);
  const problems: RowProblem[] = [];
  const planned: VisitRow[] = [];
  for (const visit of visits) {
    const person = people.get(designationKey(visit.designation));
    if (!person) {
      problems.push({ line: visit.firstLine, column: 'designation', reason: `nobody on the roster is ${visit.designation}` });
      continue;
    }
    const assessor = visit.assessor ? people.get(designationKey(visit.assessor)) : undefined;
    if (visit.assessor && (!assessor || !assessors.has(assessor.id))) {
      problems.push({ line: visit.firstLine, column: 'assessor', reason: `${visit.assessor} is not an assessor on the roster` });
      continue;
    }
    let assessedAt: string;
    try {
      assessedAt = localToInstant(visit.date, visit.time, zones.get(person.id)!, 'time');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push({ line: visit.firstLine, column: 'time', reason: error.message.replace(/^time: /, '') });
      continue;
    }
    visit.input = { personId: person.id, assessedAt, assessorId: assessor?.id ?? null, method: visit.method, device: visit.device, fasted: visit.fasted, notes: visit.notes, sites: visit.sites };
    const found = checkAssessment(visit.input, { sex: person.sex, dateOfBirth: person.date_of_birth });
    if (found.length) problems.push(...found.map((p) => toRowProblem(p, visit.firstLine, visit.lineOfSite)));
    else planned.push(visit);
  }
  if (planned.length === 0) return problems;
  const stored = await listAssessments(w.db, { personIds: [...new Set(planned.map((v) => v.input!.personId))], assessedAt: [...new Set(planned.map((v) => v.input!.assessedAt))] });
  const storedByKey = new Map(stored.map((a) => [`${a.person.id}|${a.assessedAt}`, a]));
  for (const visit of planned) {
    const existing = storedByKey.get(`${visit.input!.personId}|${visit.input!.assessedAt}`);
    if (!existing) visit.plan = { action: 'create' };
    else if (JSON.stringify(storedForm(writeOf(existing))) === JSON.stringify(storedForm(visit.input!))) visit.plan = { action: 'unchanged' };
    else visit.plan = { action: 'update', id: existing.id };
  }
  return problems;
}

const writeOf = (a: AssessmentView): AssessmentWrite => ({
  personId: a.person.id,
  assessedAt: a.assessedAt,
  assessorId: a.assessor?.id ?? null,
  method: a.method,
  device: a.device,
  fasted: a.fasted,
  notes: a.notes,
  sites: Object.fromEntries(a.sites.map((s) => [s.site, s.trials])),
});

/** Checks every row of a measurements CSV while writing in one transaction; any problem and nothing is kept. */
export async function runMeasurementsImport(db: Db, actor: Actor, source: string | Buffer | Readable, clock?: Clock): Promise<ImportSummary> {
  return write(
    db,
    actor,
    async (w) => {
      const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0 };
      const problems = await importInBatches((badRows) => visitsOf(readCsv(source, { required: measurementColumns, optional: optionalColumns }, badRows)), {
        check: checkVisit,
        resolve: (visits) => resolveVisits(w, visits),
        async write(visits) {
          for (const visit of visits) {
            const plan = visit.plan!;
            if (plan.action === 'create') await createAssessment(w, visit.input!);
            else if (plan.action === 'update') await replaceAssessment(w, plan.id, visit.input!, 'measurements import');
            summary[plan.action === 'create' ? 'created' : plan.action === 'update' ? 'updated' : 'unchanged'] += 1;
          }
        },
      }, 200);
      if (problems.length) throw new ImportRejected(problems);
      if (summary.created + summary.updated > 0) await w.record({ action: 'assessments.import', entity: 'assessment', entityId: 'import', after: summary });
      return summary;
    },
    clock,
  );
}

const round = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? null : Number(x.toFixed(digits)));

/** The CSV rows of one visit: one per site, in the import's columns plus the computed ones. */
function visitLines(a: AssessmentView): string {
  return a.sites
    .map((s) =>
      csvLine([
        a.person.designation,
        a.local.date,
        a.local.time,
        a.method,
        a.device,
        a.fasted ? 'yes' : 'no',
        a.assessor?.designation ?? null,
        s.site,
        s.trials[0],
        s.trials[1] ?? null,
        s.trials[2] ?? null,
        a.notes,
        a.local.timeZone,
        s.unit,
        round(s.value, 3),
        s.rule,
        a.age,
        round(a.derived.bmi.value),
        round(a.derived.bodyFatPercent?.value),
        a.derived.bodyFatPercent?.equation ?? null,
        round(a.derived.leanMass?.value),
      ]),
    )
    .join('');
}

const EXPORT_PAGE = 500;

/**
 * Every visit: CSV with one row per site (the import's columns, so it re-imports as is, plus the
 * computed ones) or a JSON array of visits with their derived values. A page at a time; each page
 * is recorded in the access logs of its people.
 */
export function exportAssessments(db: Db, format: ExportFormat, noteRead: ReadSink): AsyncGenerator<string> {
  const pages = keysetPages(async (afterId) => {
    const page = await listAssessments(db, { afterId, limit: EXPORT_PAGE });
    await noteRead(page.map((a) => a.person.id));
    return page;
  }, (a) => a.id);
  return exportDocument(format, [...measurementColumns, ...optionalColumns], pages, visitLines, (a) => a);
}
