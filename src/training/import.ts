import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Actor } from '../auth/model.ts';
import type { PersonScope } from '../auth/policy.ts';
import { write, type Writer } from '../audit/store.ts';
import { designationKey } from '../roster/model.ts';
import { ImportRejected } from '../roster/import.ts';
import { importInBatches } from '../shared/batch-import.ts';
import type { Clock } from '../shared/clock.ts';
import { readCsv, type CsvRecord, type RowProblem } from '../shared/csv.ts';
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
const strongRequired = ['date', 'exercise name', 'set order'];

export interface TrainingImportOptions {
  scope: PersonScope;
  /** Who a Strong export belongs to: the file names nobody. */
  designation?: string;
  /** The unit of a Strong export's Weight column (default kg). */
  loadUnit?: LoadUnit;
  clock?: Clock;
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
  /** The set's stored columns but its session, computed once while checking. */
  columns: StoredSet;
}

type StoredSet = ReturnType<typeof setColumns>;

const BATCH_ROWS = 1000;
const noTarget: SetValues = { reps: null, load: null, rpe: null, rir: null, durationS: null, distanceM: null };

/** A number cell: plain decimal notation only, so "1e3" or "0x10" are refused rather than guessed at. */
function numberCell(text: string): number | null | undefined {
  if (text === '') return null;
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

function parseLoadUnit(text: string): LoadUnit | undefined {
  const t = text.toLowerCase();
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

/**
 * The line each set's natural key was first seen on, by a 64-bit hash of the key (cyrb53's two
 * 32-bit lanes): the in-file duplicate check keeps 12 bytes a row rather than a million strings,
 * and two different keys of a million-row file share a hash with odds of about 1 in 40 million.
 * Open addressing over typed arrays; a slot whose line is 0 is empty (data starts on line 2).
 */
export class FirstLines {
  private hashes = new Uint32Array(2 << 16);
  private lines = new Int32Array(1 << 16);
  private count = 0;

  /** The line `key` was first seen on, or undefined after recording `line` for it. */
  firstOr(key: string, line: number): number | undefined {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return this.find(h1 >>> 0, h2 >>> 0, line);
  }

  private find(h1: number, h2: number, line: number): number | undefined {
    const mask = this.lines.length - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      if (this.lines[i] === 0) {
        this.hashes[2 * i] = h1;
        this.hashes[2 * i + 1] = h2;
        this.lines[i] = line;
        if (++this.count * 2 > this.lines.length) this.grow();
        return undefined;
      }
      if (this.hashes[2 * i] === h1 && this.hashes[2 * i + 1] === h2) return this.lines[i];
    }
  }

  private grow() {
    const { hashes, lines } = this;
    this.hashes = new Uint32Array(hashes.length * 2);
    this.lines = new Int32Array(lines.length * 2);
    this.count = 0;
    for (let i = 0; i < lines.length; i++) if (lines[i] !== 0) this.find(hashes[2 * i], hashes[2 * i + 1], lines[i]);
  }
}

type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };

/** Checks rows one at a time against the roster and catalogue read once at the start. */
class RowChecker {
  private readonly instants = new Map<string, string | AppError>();
  private readonly seen = new FirstLines();
  skipped = 0;

  constructor(
    private readonly format: TrainingFileFormat,
    private readonly people: Map<string, Person>,
    private readonly exercises: Map<string, number>,
    private readonly options: TrainingImportOptions,
  ) {}

  /** The UTC instant of a local date and time in a zone, cached: the rows of a session share it. */
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

  private person(designation: string): Person | string {
    if (!designation) return 'is required';
    const person = this.people.get(designationKey(designation));
    const scope = this.options.scope;
    const visible = person && (scope.kind === 'all' || scope.selfId === person.id || (scope.kind === 'units' && person.unitId !== null && scope.unitIds.includes(person.unitId)));
    if (!person || !visible) return `nobody on the roster you may see is ${designation}`;
    if (person.unitId === null) return `${designation} belongs to no unit, so their local time is unknown`;
    return person;
  }

  /** The row, or every problem with it; an empty list for a row that is not a set (Strong's rest timers). */
  check({ line, values }: CsvRecord): CheckedRow | RowProblem[] {
    const problems: RowProblem[] = [];
    const problem = (column: string, reason: string) => problems.push({ line, column, reason });
    const get = (c: string) => (values[c] ?? '').trim();
    const strong = this.format === 'strong';
    if (strong && get('set order').toLowerCase() === 'rest timer') {
      this.skipped += 1;
      return problems;
    }
    const number = <T>(column: string, schema: { safeParse(v: unknown): Parsed<T> }, scale = 1): T | null => {
      const text = get(column);
      const n = numberCell(text);
      if (n === undefined) return problem(column, `'${text}' is not a number`), null;
      if (n === null) return null;
      const parsed = schema.safeParse(n * scale);
      if (!parsed.success) return problem(column, `${text}: ${parsed.error.issues[0].message}`), null;
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
    const person = this.person(strong ? (this.options.designation ?? '') : get('designation'));
    if (typeof person === 'string') problem('designation', person);

    const exerciseColumn = strong ? 'exercise name' : 'exercise';
    const exerciseName = get(exerciseColumn);
    const exerciseId = this.exercises.get(nameKey(exerciseName));
    if (exerciseId === undefined) problem(exerciseColumn, exerciseName ? `'${exerciseName}' is not in the exercise catalogue (add it, or an alias, through POST /api/exercises)` : 'is required');

    const setColumn = strong ? 'set order' : 'set';
    const setText = get(setColumn);
    const setParsed = setNumberSchema.safeParse(numberCell(setText));
    if (!setParsed.success) problem(setColumn, setText ? `'${setText}' is not a set number from 1 to 100` : 'is required');

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
    if (problems.length === 0 && reps === null && load === null && durationS === null && distanceM === null) problem('reps', 'the row records nothing: give reps, a load, a duration or a distance');

    let sessionMinutes: number | null = null;
    if (strong) {
      const minutes = parseStrongDuration(get('duration'));
      if (minutes === undefined) problem('duration', `'${get('duration')}' is not a duration such as 1h 5m`);
      else sessionMinutes = minutes;
    }
    if (problems.length || typeof person === 'string') return problems;

    const startsAt = this.instant(date, time, person.zone!);
    if (startsAt instanceof AppError) return [{ line, column: strong ? 'date' : 'time', reason: startsAt.message.replace(/^time: /, '') }];
    const first = this.seen.firstOr(`${person.id}|${startsAt}|${exerciseId}|${setParsed.data}`, line);
    if (first !== undefined) return [{ line, column: setColumn, reason: `the same person, session, exercise and set as line ${first}` }];
    let columns: StoredSet;
    try {
      columns = setColumns({ sessionId: 0, personId: person.id, exerciseId: exerciseId!, setNumber: setParsed.data!, loadUnit, target: noTarget, actual: { reps, load, rpe, rir: null, durationS, distanceM }, notes });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return [{ line, column: loadColumn, reason: `${load} ${loadUnit}: ${e.message.replace(/^actual\.load: /, '')}` }];
    }
    return {
      personId: person.id,
      unitId: person.unitId!,
      startsAt,
      title: strong ? get('workout name') || 'Strong workout' : 'Imported training',
      sessionMinutes,
      sessionNotes: strong ? get('workout notes') : '',
      columns,
    };
  }
}

/**
 * The input's first line (the Strong export is told by its header) and the input again, whole.
 * The stream is read through its async iterator, never paused or peeked at, so a progress bar
 * listening to its data sees every byte once.
 */
async function withHeader(input: string | Buffer | Readable): Promise<{ header: string; input: string | Buffer | Readable }> {
  if (typeof input === 'string' || Buffer.isBuffer(input)) return { header: String(input).split(/\r?\n/, 1)[0], input };
  const chunks: AsyncIterator<string | Buffer> = input[Symbol.asyncIterator]();
  const first: (string | Buffer)[] = [];
  let text = '';
  while (!/[\r\n]/.test(text) && text.length < 64 * 1024) {
    const next = await chunks.next();
    if (next.done) break;
    first.push(next.value);
    text += String(next.value);
  }
  async function* again() {
    yield* first;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  return { header: text.split(/\r?\n/, 1)[0], input: Readable.from(again()) };
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

const setInsertColumns: [name: string, pgType: string][] = [
  ['session_id', 'integer'],
  ['person_id', 'integer'],
  ['exercise_id', 'integer'],
  ['set_number', 'integer'],
  ['reps', 'integer'],
  ['load_kg', 'double precision'],
  ['load_unit', 'text'],
  ['rpe', 'double precision'],
  ['duration_s', 'double precision'],
  ['distance_m', 'double precision'],
  ['notes', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];

/**
 * A batch of sets as one INSERT whose only parameter is a JSON array of rows: the statement is
 * short and the same for every batch, so neither database re-parses a thousand placeholders.
 */
function insertSetsFromJson(postgres: boolean) {
  const names = setInsertColumns.map(([name]) => name).join(', ');
  const onConflict = 'on conflict (person_id, session_id, exercise_id, set_number) do nothing';
  if (postgres) {
    const values = setInsertColumns.map(([, type], i) => `(r->>${i})::${type}`).join(', ');
    return (json: string) => sql`insert into training_set (${sql.raw(names)}) select ${sql.raw(values)} from json_array_elements(${json}::json) as r ${sql.raw(onConflict)}`;
  }
  const values = setInsertColumns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ');
  // "where true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
  return (json: string) => sql`insert into training_set (${sql.raw(names)}) select ${sql.raw(values)} from json_each(${json}) where true ${sql.raw(onConflict)}`;
}

class BatchWriter {
  private readonly sessions = new Map<string, number>();
  private readonly present = new Set<string>();
  private readonly insertSets: (json: string) => ReturnType<typeof sql>;
  added = 0;
  sessionsCreated = 0;

  constructor(private readonly w: Writer) {
    this.insertSets = insertSetsFromJson(dialectOf(w.db) === 'postgres');
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

  async write(rows: CheckedRow[]) {
    const at = this.w.now.toISOString();
    const values: unknown[][] = [];
    const attendance: { session_id: number; person_id: number }[] = [];
    for (const row of rows) {
      const sessionId = await this.session(row);
      const pair = `${sessionId}:${row.personId}`;
      if (!this.present.has(pair)) {
        this.present.add(pair);
        attendance.push({ session_id: sessionId, person_id: row.personId });
      }
      const c = row.columns;
      values.push([sessionId, c.person_id, c.exercise_id, c.set_number, c.reps, c.load_kg, c.load_unit, c.rpe, c.duration_s, c.distance_m, c.notes, at, at]);
    }
    if (attendance.length) {
      await this.w.db
        .insertInto('session_attendance')
        .values(attendance.map((a) => ({ ...a, status: 'present' as const, rpe: null, minutes: null })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const result = await this.insertSets(JSON.stringify(values)).execute(this.w.db);
    this.added += Number(result.numAffectedRows ?? 0);
  }
}

/**
 * Imports sets from a training CSV or a Strong export in one streaming pass inside one
 * transaction: rows are checked as they arrive and written a batch at a time while none is bad;
 * after the first bad row checking goes on so that every problem is reported, and the
 * transaction is rolled back: all rows or none. A set already stored (same person, session
 * start, exercise and set number) is left as it is, so importing the same file twice adds nothing.
 */
export async function runTrainingImport(db: Db, actor: Actor, source: string | Buffer | Readable, options: TrainingImportOptions): Promise<TrainingImportSummary> {
  const { header, input } = await withHeader(source);
  const format: TrainingFileFormat = /exercise name/i.test(header) ? 'strong' : 'muster';
  if (format === 'strong' && !options.designation) throw new ImportRejected([{ line: 1, column: 'designation', reason: 'a Strong export names nobody: say whose it is with --designation (API: ?designation=)' }]);
  const shape = format === 'strong' ? { required: strongRequired, optional: strongColumns.filter((c) => !strongRequired.includes(c)) } : { required: trainingColumns };
  return write(
    db,
    actor,
    async (w) => {
      const checker = new RowChecker(format, await loadPeople(w.db), await exerciseLookup(w.db), options);
      const writer = new BatchWriter(w);
      let rows = 0;
      const problems = await importInBatches(
        readCsv(input, shape),
        {
          check: (record) => checker.check(record),
          resolve: async (batch) => ((rows += batch.length), []),
          write: (batch) => writer.write(batch),
        },
        BATCH_ROWS,
      );
      if (problems.length) throw new ImportRejected(problems);
      const summary: TrainingImportSummary = { format, rows, added: writer.added, alreadyStored: rows - writer.added, sessionsCreated: writer.sessionsCreated, skipped: checker.skipped };
      if (writer.added > 0) await w.record({ action: 'training.import', entity: 'training_set', entityId: 'import', after: summary });
      return summary;
    },
    options.clock,
  );
}
