import type { Readable } from 'node:stream';
import { CompiledQuery } from 'kysely';
import type { Actor } from '../auth/model.ts';
import type { PersonScope } from '../auth/policy.ts';
import { write, type Writer } from '../audit/store.ts';
import { designationKey } from '../roster/model.ts';
import { ImportRejected } from '../roster/import.ts';
import type { Clock } from '../shared/clock.ts';
import { readCsv, type RowProblem } from '../shared/csv.ts';
import { AppError } from '../shared/errors.ts';
import { localToInstant } from '../shared/time.ts';
import { dialectOf, type Db } from '../store/db.ts';
import { distanceSchema, durationSchema, loadAmountSchema, nameKey, notesSchema, repsSchema, rpeSchema, setNumberSchema, type LoadUnit } from './model.ts';
import { exerciseLookup, setColumns, type SetValues } from './store.ts';

export const trainingFileFormats = ['muster', 'strong'] as const;
export type TrainingFileFormat = (typeof trainingFileFormats)[number];

export const trainingColumns = ['designation', 'date', 'time', 'exercise', 'set', 'reps', 'load', 'load_unit', 'rpe', 'duration_s', 'distance_m', 'notes'] as const;
/** The workout CSV the Strong app exports (lower-cased, as readCsv gives header names). */
export const strongColumns = ['date', 'workout name', 'duration', 'exercise name', 'set order', 'weight', 'reps', 'distance', 'seconds', 'notes', 'workout notes', 'rpe'] as const;

/** Opens the file afresh: the import reads it twice (check, then write) so memory stays bounded. */
export type CsvSource = () => string | Buffer | Readable;

export interface TrainingImportOptions {
  scope: PersonScope;
  /** Who a Strong export belongs to: the file names nobody. */
  designation?: string;
  /** The unit of a Strong export's Weight column (default kg). */
  loadUnit?: LoadUnit;
  clock?: Clock;
  /** Called with each problem as it is found (the CLI prints them); otherwise they are collected. */
  onProblem?: (problem: RowProblem) => void;
  onProgress?: (pass: 'check' | 'write', rows: number) => void;
}

export interface TrainingImportSummary {
  format: TrainingFileFormat;
  rows: number;
  added: number;
  /** Rows whose set (person, session start, exercise, set number) was already stored: left as stored. */
  alreadyStored: number;
  sessionsCreated: number;
  /** Strong's rest-timer rows, which are not sets. */
  skipped: number;
}

interface Person {
  id: number;
  unitId: number | null;
  zone: string | null;
}

/** One good row, ready to store. */
interface CheckedRow {
  personId: number;
  unitId: number;
  startsAt: string;
  title: string;
  sessionMinutes: number | null;
  sessionNotes: string;
  exerciseId: number;
  setNumber: number;
  loadUnit: LoadUnit;
  actual: SetValues;
  notes: string;
}

const BATCH_ROWS = 500;
const PROGRESS_EVERY = 10_000;

/** A number cell: plain decimal notation only, so "1e3" or "0x10" are refused rather than guessed at. */
function numberCell(text: string): number | null | undefined {
  if (text === '') return null;
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

function parseLoadUnit(text: string): LoadUnit | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'kg' || t === 'kgs') return 'kg';
  if (t === 'lb' || t === 'lbs') return 'lb';
  return undefined;
}

/** Strong writes durations like "1h 5m" or "45m" or "30s". */
export function parseStrongDuration(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  const m = /^(?:(\d+)h)?\s*(?:(\d+)m(?:in)?)?\s*(?:(\d+)s)?$/.exec(t);
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  return Math.round(Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 60);
}

/** A 53-bit hash of a set's natural key: the in-file duplicate check keeps numbers, not a million strings. */
function keyHash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

class RowChecker {
  private readonly instants = new Map<string, string | AppError>();
  private readonly seen = new Map<number, number>();

  constructor(
    private readonly format: TrainingFileFormat,
    private readonly people: Map<string, Person>,
    private readonly exercises: Map<string, number>,
    private readonly options: TrainingImportOptions,
  ) {}

  /** The UTC instant of a local date and time in a zone, cached: rows of one session share it. */
  private instant(date: string, time: string, zone: string): string | AppError {
    const key = `${zone}|${date}|${time}`;
    let found = this.instants.get(key);
    if (found === undefined) {
      try {
        found = localToInstant(date, time, zone);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        found = e;
      }
      if (this.instants.size > 100_000) this.instants.clear();
      this.instants.set(key, found);
    }
    return found;
  }

  private person(designation: string, problem: (column: string, reason: string) => void, column: string): (Person & { unitId: number; zone: string }) | undefined {
    if (!designation) return void problem(column, 'is required');
    const person = this.people.get(designationKey(designation));
    const scope = this.options.scope;
    const visible = person && (scope.kind === 'all' || scope.selfId === person.id || (scope.kind === 'units' && person.unitId !== null && scope.unitIds.includes(person.unitId)));
    if (!person || !visible) return void problem(column, `nobody on the roster you may see is ${designation}`);
    if (person.unitId === null || person.zone === null) return void problem(column, `${designation} belongs to no unit, so their local time is unknown`);
    return person as Person & { unitId: number; zone: string };
  }

  /** Checks one record; returns the row, the string 'skip' for a row that is not a set, or nothing after reporting its problems. */
  check(values: Record<string, string>, line: number, report: (p: RowProblem) => void): CheckedRow | 'skip' | undefined {
    let bad = false;
    const problem = (column: string, reason: string) => {
      bad = true;
      report({ line, column, reason });
    };
    const get = (c: string) => (values[c] ?? '').trim();
    const strong = this.format === 'strong';
    if (strong && get('set order').toLowerCase() === 'rest timer') return 'skip';

    const number = <T>(column: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, scale = 1): T | null => {
      const n = numberCell(get(column));
      if (n === undefined) return problem(column, `'${get(column)}' is not a number`), null;
      if (n === null) return null;
      const parsed = schema.safeParse(n * scale);
      if (!parsed.success) return problem(column, `${get(column)}: ${parsed.error.issues[0].message}`), null;
      return parsed.data;
    };

    let date = get('date');
    let time = get('time');
    if (strong) {
      const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::\d{2})?$/.exec(date);
      if (m) [date, time] = [m[1], `${m[2].padStart(2, '0')}:${m[3]}`];
      else problem('date', date ? `'${date}' is not a date and time YYYY-MM-DD HH:MM:SS` : 'is required');
    } else {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) problem('date', date ? `'${date}' is not a date YYYY-MM-DD` : 'is required');
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) problem('time', time ? `'${time}' is not a local time HH:MM (24-hour)` : 'is required');
    }
    const person = strong ? this.person(this.options.designation ?? '', problem, 'designation') : this.person(get('designation'), problem, 'designation');

    const exerciseColumn = strong ? 'exercise name' : 'exercise';
    const exerciseName = get(exerciseColumn);
    const exerciseId = this.exercises.get(nameKey(exerciseName));
    if (exerciseId === undefined) problem(exerciseColumn, exerciseName ? `'${exerciseName}' is not in the exercise catalogue (add it, or an alias, through POST /api/exercises)` : 'is required');

    const setColumn = strong ? 'set order' : 'set';
    const setNumber = numberCell(get(setColumn));
    const setParsed = setNumberSchema.safeParse(setNumber);
    if (!setParsed.success) problem(setColumn, get(setColumn) ? `'${get(setColumn)}': ${setNumber === undefined ? 'is not a whole number' : setParsed.error.issues[0].message}` : 'is required');

    const reps = number('reps', repsSchema);
    const loadColumn = strong ? 'weight' : 'load';
    const load = number(loadColumn, loadAmountSchema);
    let loadUnit: LoadUnit = this.options.loadUnit ?? 'kg';
    if (!strong && load !== null) {
      const unit = parseLoadUnit(get('load_unit'));
      if (unit) loadUnit = unit;
      else problem('load_unit', get('load_unit') ? `'${get('load_unit')}' is not kg or lb` : 'is required when a load is given');
    }
    const rpe = number('rpe', rpeSchema);
    const durationS = number(strong ? 'seconds' : 'duration_s', durationSchema);
    // Strong exports distance in kilometres (its metric setting).
    const distanceM = strong ? number('distance', distanceSchema, 1000) : number('distance_m', distanceSchema);
    const notes = get('notes');
    if (!notesSchema.safeParse(notes).success) problem('notes', 'is longer than 2000 characters');
    if (reps === null && load === null && durationS === null && distanceM === null && !bad) problem(strong ? 'reps' : 'reps', 'the row records nothing: give reps, a load, a duration or a distance');

    let sessionMinutes: number | null = null;
    if (strong) {
      const minutes = parseStrongDuration(get('duration'));
      if (minutes === undefined) problem('duration', `'${get('duration')}' is not a duration such as 1h 5m`);
      else sessionMinutes = minutes;
    }
    if (bad || !person) return undefined;

    const startsAt = this.instant(date, time, person.zone);
    if (startsAt instanceof AppError) return void problem(strong ? 'date' : 'time', startsAt.message.replace(/^time: /, ''));
    const hash = keyHash(`${person.id}|${startsAt}|${exerciseId}|${setParsed.data}`);
    const first = this.seen.get(hash);
    if (first !== undefined) return void problem(setColumn, `the same person, session, exercise and set as line ${first}`);
    this.seen.set(hash, line);
    const row: CheckedRow = {
      personId: person.id,
      unitId: person.unitId,
      startsAt,
      title: strong ? get('workout name') || 'Strong workout' : 'Imported training',
      sessionMinutes,
      sessionNotes: strong ? get('workout notes') : '',
      exerciseId: exerciseId!,
      setNumber: setParsed.data!,
      loadUnit,
      actual: { reps, load, rpe, rir: null, durationS, distanceM },
      notes,
    };
    try {
      setColumns({ ...row, sessionId: 0, target: { reps: null, load: null, rpe: null, rir: null, durationS: null, distanceM: null } });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return void problem(loadColumn, e.message.replace(/^actual\.load: /, ''));
    }
    return row;
  }
}

async function firstLine(source: CsvSource): Promise<string> {
  const input = source();
  if (typeof input === 'string' || Buffer.isBuffer(input)) return String(input).split(/\r?\n/, 1)[0];
  let text = '';
  for await (const chunk of input) {
    text += String(chunk);
    if (text.includes('\n') || text.length > 64 * 1024) break;
  }
  input.destroy();
  return text.split(/\r?\n/, 1)[0];
}

/** A Strong export says "Exercise Name"; Muster's format says "designation". */
export async function detectFormat(source: CsvSource): Promise<TrainingFileFormat> {
  return /exercise name/i.test(await firstLine(source)) ? 'strong' : 'muster';
}

async function loadPeople(db: Db): Promise<Map<string, Person>> {
  const rows = await db
    .selectFrom('person')
    .leftJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'person.id').on('person_unit.effective_to', 'is', null))
    .leftJoin('unit', 'unit.id', 'person_unit.unit_id')
    .select(['person.id', 'person.designation_key', 'unit.id as unit_id', 'unit.time_zone'])
    .execute();
  return new Map(rows.map((r) => [r.designation_key, { id: r.id, unitId: r.unit_id, zone: r.time_zone }]));
}

const setInsertColumns = ['session_id', 'person_id', 'exercise_id', 'set_number', 'target_reps', 'target_load_kg', 'target_rpe', 'target_rir', 'target_duration_s', 'target_distance_m', 'reps', 'load_kg', 'load_unit', 'rpe', 'rir', 'duration_s', 'distance_m', 'notes', 'created_at', 'updated_at'] as const;

/** One multi-row INSERT, its text built once per batch size: a million rows do not each go through the query builder. */
function insertSetsQuery(db: Db, rows: number): string {
  const postgres = dialectOf(db) === 'postgres';
  let n = 0;
  const tuple = () => `(${setInsertColumns.map(() => (postgres ? `$${++n}` : '?')).join(',')})`;
  const values = Array.from({ length: rows }, tuple).join(',');
  return `insert into training_set (${setInsertColumns.join(',')}) values ${values} on conflict (person_id, session_id, exercise_id, set_number) do nothing`;
}

class BatchWriter {
  private readonly sessions = new Map<string, number>();
  private readonly present = new Set<string>();
  private readonly queries = new Map<number, string>();
  private batch: CheckedRow[] = [];
  added = 0;
  sessionsCreated = 0;

  constructor(private readonly w: Writer) {}

  async add(row: CheckedRow) {
    this.batch.push(row);
    if (this.batch.length >= BATCH_ROWS) await this.flush();
  }

  /** The unit's session starting at that instant: found, or created as held. */
  private async session(row: CheckedRow): Promise<number> {
    const key = `${row.unitId}|${row.startsAt}`;
    const known = this.sessions.get(key);
    if (known !== undefined) return known;
    const db = this.w.db;
    const existing = await db.selectFrom('training_session').select('id').where('unit_id', '=', row.unitId).where('starts_at', '=', row.startsAt).executeTakeFirst();
    let id = existing?.id;
    if (id === undefined) {
      const at = this.w.now.toISOString();
      ({ id } = await db
        .insertInto('training_session')
        .values({
          unit_id: row.unitId,
          title: row.title,
          planned_start: row.startsAt,
          planned_minutes: row.sessionMinutes,
          actual_start: row.startsAt,
          actual_minutes: row.sessionMinutes,
          starts_at: row.startsAt,
          status: 'held',
          trainer_person_id: null,
          notes: row.sessionNotes,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow());
      this.sessionsCreated += 1;
    }
    this.sessions.set(key, id);
    return id;
  }

  async flush() {
    if (this.batch.length === 0) return;
    const at = this.w.now.toISOString();
    const params: unknown[] = [];
    const attendance: { session_id: number; person_id: number }[] = [];
    for (const row of this.batch) {
      const sessionId = await this.session(row);
      const pair = `${sessionId}:${row.personId}`;
      if (!this.present.has(pair)) {
        this.present.add(pair);
        attendance.push({ session_id: sessionId, person_id: row.personId });
      }
      const columns = setColumns({ ...row, sessionId, target: { reps: null, load: null, rpe: null, rir: null, durationS: null, distanceM: null } });
      for (const c of setInsertColumns) params.push(c === 'created_at' || c === 'updated_at' ? at : columns[c]);
    }
    if (attendance.length) {
      await this.w.db
        .insertInto('session_attendance')
        .values(attendance.map((a) => ({ ...a, status: 'present' as const, rpe: null, minutes: null })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const size = this.batch.length;
    let text = this.queries.get(size);
    if (!text) this.queries.set(size, (text = insertSetsQuery(this.w.db, size)));
    const result = await this.w.db.executeQuery(CompiledQuery.raw(text, params));
    this.added += Number(result.numAffectedRows ?? 0);
    this.batch = [];
  }
}

/**
 * Imports sets from a training CSV or a Strong export: a first streaming pass checks every row
 * and reports every problem; only when all are good does a second pass write them, batched,
 * in one transaction. A set already stored (same person, session start, exercise and set
 * number) is left as it is, so importing the same file twice adds nothing.
 */
export async function runTrainingImport(db: Db, actor: Actor, source: CsvSource, options: TrainingImportOptions): Promise<TrainingImportSummary> {
  const format = await detectFormat(source);
  const shape = format === 'strong' ? { required: ['date', 'exercise name', 'set order'], optional: strongColumns.filter((c) => !['date', 'exercise name', 'set order'].includes(c)) } : { required: trainingColumns };
  if (format === 'strong' && !options.designation) throw new ImportRejected([{ line: 1, column: 'designation', reason: 'a Strong export names nobody: say whose it is with --designation (API: ?designation=)' }]);

  return write(
    db,
    actor,
    async (w) => {
      const checker = new RowChecker(format, await loadPeople(w.db), await exerciseLookup(w.db), options);
      const problems: RowProblem[] = [];
      let problemCount = 0;
      const report = (p: RowProblem) => {
        problemCount += 1;
        if (options.onProblem) options.onProblem(p);
        else problems.push(p);
      };
      let rows = 0;
      let skipped = 0;
      for await (const { line, values } of readCsv(source(), shape)) {
        if (checker.check(values, line, report) === 'skip') skipped += 1;
        else rows += 1;
        if (rows % PROGRESS_EVERY === 0) options.onProgress?.('check', rows);
      }
      if (problems.length) throw new ImportRejected(problems);
      if (problemCount) throw new AppError('bad_request', `${problemCount} problem${problemCount === 1 ? '' : 's'}, nothing imported (each reported above)`, { field: 'file' });

      // Second pass: the same rows, known good, now written. A fresh checker sees no duplicates yet.
      const writer = new BatchWriter(w);
      const again = new RowChecker(format, await loadPeople(w.db), await exerciseLookup(w.db), options);
      let written = 0;
      for await (const { line, values } of readCsv(source(), shape)) {
        const row = again.check(values, line, (p) => {
          throw new ImportRejected([p]);
        });
        if (row === 'skip' || row === undefined) continue;
        await writer.add(row);
        written += 1;
        if (written % PROGRESS_EVERY === 0) options.onProgress?.('write', written);
      }
      await writer.flush();
      const summary: TrainingImportSummary = { format, rows, added: writer.added, alreadyStored: rows - writer.added, sessionsCreated: writer.sessionsCreated, skipped };
      if (writer.added > 0) await w.record({ action: 'training.import', entity: 'training_set', entityId: 'import', after: summary });
      return summary;
    },
    options.clock,
  );
}
