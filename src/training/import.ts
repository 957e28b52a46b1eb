import { Readable } from 'node:stream';
import type { Actor } from '../shared/actor.ts';
import { inScope, type PersonScope } from '../access/index.ts';
import { write, type Writer } from '../store/write.ts';
import { designationKey } from '../roster/index.ts';
import { ImportRejected } from '../shared/import-result.ts';
import { importInBatches } from '../shared/batch-import.ts';
import type { Clock } from '../shared/clock.ts';
import { readCsv, type CsvRecord, type RowProblem } from '../shared/csv.ts';
import { AppError } from '../shared/errors.ts';
import { localToInstant } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { distanceSchema, durationSchema, loadAmountSchema, nameKey, notesSchema, repsSchema, rpeSchema, setNumberSchema, type LoadUnit } from './model.ts';
import { exerciseLookup, setColumns, writeSessions, writeSets, type SetValues } from './store.ts';

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

/** A set's natural key (person, session start in ms since the epoch, exercise, set number) hashed to 32 bits with murmur3's mixing: the hash only picks a slot. */
export function setKeyHash(personId: number, startsAtMs: number, exerciseId: number, setNumber: number): number {
  let h = Math.imul(personId ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ lowWord(startsAtMs), 0xc2b2ae35);
  h = Math.imul(h ^ highWord(startsAtMs), 0x85ebca6b);
  h = Math.imul(h ^ exerciseId ^ (setNumber << 24), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// A whole number of milliseconds as two 32-bit words, exactly (instants before 1970 included).
const lowWord = (ms: number) => ms >>> 0;
const highWord = (ms: number) => Math.floor(ms / 0x100000000) >>> 0;

const MAX_UINT32 = 0xffffffff;
/** A slot's words: the instant's low and high words, person, exercise, set number, and the line (0: empty). */
const SLOT = 6;
const LINE = 5;

/**
 * The line each set's natural key was first seen on, for the in-file duplicate check. Exact: the
 * key's fields are kept in one typed array (24 bytes a slot, together so that a lookup touches
 * one place in memory, rather than a million strings) and compared field by field, so two keys
 * that share a hash are still told apart. Open addressing with linear probing; a slot whose line
 * is 0 is empty (data starts on line 2).
 */
export class FirstLines {
  private slots = new Uint32Array(SLOT << 16);
  private capacity = 1 << 16;
  private count = 0;

  constructor(private readonly hash = setKeyHash) {}

  /** The line the key was first seen on, or undefined after recording `line` for it. */
  firstOr(personId: number, startsAtMs: number, exerciseId: number, setNumber: number, line: number): number | undefined {
    if (personId > MAX_UINT32 || exerciseId > MAX_UINT32 || setNumber > MAX_UINT32 || !Number.isSafeInteger(startsAtMs)) throw new RangeError(`set key (${personId}, ${startsAtMs}, ${exerciseId}, ${setNumber}) is out of range`);
    const low = lowWord(startsAtMs);
    const high = highWord(startsAtMs);
    const slots = this.slots;
    const mask = this.capacity - 1;
    for (let i = this.hash(personId, startsAtMs, exerciseId, setNumber) & mask; ; i = (i + 1) & mask) {
      const at = i * SLOT;
      if (slots[at + LINE] === 0) {
        slots[at] = low;
        slots[at + 1] = high;
        slots[at + 2] = personId;
        slots[at + 3] = exerciseId;
        slots[at + 4] = setNumber;
        slots[at + LINE] = line;
        if (++this.count * 2 > this.capacity) this.grow();
        return undefined;
      }
      if (slots[at] === low && slots[at + 1] === high && slots[at + 2] === personId && slots[at + 3] === exerciseId && slots[at + 4] === setNumber) return slots[at + LINE];
    }
  }

  private grow() {
    const old = this.slots;
    this.capacity *= 2;
    this.slots = new Uint32Array(SLOT * this.capacity);
    const mask = this.capacity - 1;
    for (let from = 0; from < old.length; from += SLOT) {
      if (old[from + LINE] === 0) continue;
      const ms = (old[from + 1] | 0) * 0x100000000 + old[from];
      let i = this.hash(old[from + 2], ms, old[from + 3], old[from + 4]) & mask;
      while (this.slots[i * SLOT + LINE] !== 0) i = (i + 1) & mask;
      for (let k = 0; k < SLOT; k++) this.slots[i * SLOT + k] = old[from + k];
    }
  }
}

type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };

/** A cell's check: its value, or why it is refused. */
type CellCheck<T> = { value: T; reason?: undefined } | { reason: string };

/**
 * A pure check of a cell's text, remembered for each distinct text: a file repeats a few names,
 * loads, reps and times a million times, so the rule (zod, a time-zone conversion) runs once per
 * value rather than once per cell. Only short texts are kept, and forgotten when full, so memory
 * stays bounded whatever the file holds.
 */
function remembered<T>(check: (text: string) => CellCheck<T>): (text: string) => CellCheck<T> {
  const known = new Map<string, CellCheck<T>>();
  // Consecutive rows often share a cell (a person's sets, a session's time): compared first.
  let lastText: string | undefined;
  let last: CellCheck<T> | undefined;
  return (text) => {
    if (text === lastText) return last!;
    let found = known.get(text);
    if (found === undefined) {
      found = check(text);
      if (text.length <= 64) {
        if (known.size >= 10_000) known.clear();
        known.set(text, found);
      }
    }
    lastText = text;
    return (last = found);
  };
}

/** A number column checked by its zod rule; `scale` turns the file's unit into the stored one. */
function numberColumn<T>(schema: { safeParse(v: unknown): Parsed<T> }, scale = 1) {
  return remembered((text): CellCheck<T | null> => {
    const n = numberCell(text);
    if (n === undefined) return { reason: `'${text}' is not a number` };
    if (n === null) return { value: null };
    const parsed = schema.safeParse(n * scale);
    return parsed.success ? { value: parsed.data } : { reason: `${text}: ${parsed.error.issues[0].message}` };
  });
}

interface Instant {
  iso: string;
  ms: number;
}

/** Checks rows one at a time against the roster and catalogue read once at the start. */
class RowChecker {
  private readonly seen = new FirstLines();
  private problems: RowProblem[] = [];
  private line = 0;
  skipped = 0;

  private readonly reps = numberColumn(repsSchema);
  private readonly load = numberColumn(loadAmountSchema);
  private readonly rpe = numberColumn(rpeSchema);
  private readonly durationS = numberColumn(durationSchema);
  private readonly distanceM: ReturnType<typeof numberColumn<number>>;
  private readonly setNumber = remembered((text): CellCheck<number> => {
    const parsed = setNumberSchema.safeParse(numberCell(text));
    return parsed.success ? { value: parsed.data } : { reason: text ? `'${text}' is not a set number from 1 to 100` : 'is required' };
  });
  private readonly notes = remembered((text): CellCheck<string> => (notesSchema.safeParse(text).success ? { value: text } : { reason: 'is longer than 2000 characters' }));
  private readonly exercise = remembered((name): CellCheck<number> => {
    const id = this.exercises.get(nameKey(name));
    if (id !== undefined) return { value: id };
    return { reason: name ? `'${name}' is not in the exercise catalogue (add it, or this name to an exercise, on the datapad's Exercises screen or with POST /api/exercises/:id/aliases)` : 'is required' };
  });
  private readonly person = remembered((designation): CellCheck<Person> => {
    if (!designation) return { reason: 'is required' };
    const person = this.people.get(designationKey(designation));
    const scope = this.options.scope;
    const visible = person && inScope(scope, person);
    if (!person || !visible) return { reason: `nobody on the roster you may see is ${designation}` };
    if (person.unitId === null) return { reason: `${designation} belongs to no unit, so their local time is unknown` };
    return { value: person };
  });
  /** The UTC instant of a local date and time in a zone ("zone|date|time"): the rows of a session share it. */
  private readonly instant = remembered((key): CellCheck<Instant> => {
    const [zone, date, time] = key.split('|');
    try {
      const iso = localToInstant(date, time, zone);
      return { value: { iso, ms: Date.parse(iso) } };
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return { reason: e.message.replace(/^time: /, '') };
    }
  });

  constructor(
    private readonly format: TrainingFileFormat,
    private readonly people: Map<string, Person>,
    private readonly exercises: Map<string, number>,
    private readonly options: TrainingImportOptions,
  ) {
    // Strong exports distance in kilometres (its metric setting).
    this.distanceM = numberColumn(distanceSchema, format === 'strong' ? 1000 : 1);
  }

  private problem(column: string, reason: string) {
    this.problems.push({ line: this.line, column, reason });
  }

  /** A checked cell's value, or null after noting its problem. */
  private valueOf<T>(column: string, check: CellCheck<T>): T | null {
    if (check.reason === undefined) return check.value;
    this.problem(column, check.reason);
    return null;
  }

  /** The row, or every problem with it; an empty list for a row that is not a set (Strong's rest timers). */
  check({ line, values }: CsvRecord): CheckedRow | RowProblem[] {
    this.line = line;
    const problems: RowProblem[] = (this.problems = []);
    const strong = this.format === 'strong';
    const get = (c: string) => (values[c] ?? '').trim();
    if (strong && get('set order').toLowerCase() === 'rest timer') {
      this.skipped += 1;
      return problems;
    }

    let date = get('date');
    let time = get('time');
    if (strong) {
      const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::\d{2})?$/.exec(date);
      if (m) [date, time] = [m[1], `${m[2].padStart(2, '0')}:${m[3]}`];
      else this.problem('date', date ? `'${date}' is not a date and time YYYY-MM-DD HH:MM:SS` : 'is required');
    } else {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) this.problem('date', date ? `'${date}' is not a date YYYY-MM-DD` : 'is required');
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) this.problem('time', time ? `'${time}' is not a local time HH:MM (24-hour)` : 'is required');
    }
    const person = this.valueOf('designation', this.person(strong ? (this.options.designation ?? '') : get('designation')));
    const exerciseColumn = strong ? 'exercise name' : 'exercise';
    const exerciseId = this.valueOf(exerciseColumn, this.exercise(get(exerciseColumn)));
    const setColumn = strong ? 'set order' : 'set';
    const setNumber = this.valueOf(setColumn, this.setNumber(get(setColumn)));

    const reps = this.valueOf('reps', this.reps(get('reps')));
    const loadColumn = strong ? 'weight' : 'load';
    const load = this.valueOf(loadColumn, this.load(get(loadColumn)));
    let loadUnit: LoadUnit = this.options.loadUnit ?? 'kg';
    if (!strong && load !== null) {
      const unit = parseLoadUnit(get('load_unit'));
      if (unit) loadUnit = unit;
      else this.problem('load_unit', get('load_unit') ? `'${get('load_unit')}' is not kg or lb` : 'is required when a load is given');
    }
    const rpe = this.valueOf('rpe', this.rpe(get('rpe')));
    const durationS = this.valueOf(strong ? 'seconds' : 'duration_s', this.durationS(get(strong ? 'seconds' : 'duration_s')));
    const distanceM = this.valueOf(strong ? 'distance' : 'distance_m', this.distanceM(get(strong ? 'distance' : 'distance_m')));
    const notes = this.valueOf('notes', this.notes(get('notes')));
    if (problems.length === 0 && reps === null && load === null && durationS === null && distanceM === null) this.problem('reps', 'the row records nothing: give reps, a load, a duration or a distance');

    let sessionMinutes: number | null = null;
    if (strong) {
      const minutes = parseStrongDuration(get('duration'));
      if (minutes === undefined) this.problem('duration', `'${get('duration')}' is not a duration such as 1h 5m`);
      else sessionMinutes = minutes;
    }
    if (problems.length || person === null || exerciseId === null || setNumber === null || notes === null) return problems;

    const startsAt = this.instant(`${person.zone}|${date}|${time}`);
    if (startsAt.reason !== undefined) return [{ line, column: strong ? 'date' : 'time', reason: startsAt.reason }];
    const first = this.seen.firstOr(person.id, startsAt.value.ms, exerciseId, setNumber, line);
    if (first !== undefined) return [{ line, column: setColumn, reason: `the same person, session, exercise and set as line ${first}` }];
    let columns: StoredSet;
    try {
      columns = setColumns({ sessionId: 0, personId: person.id, exerciseId, setNumber, loadUnit, target: noTarget, actual: { reps, load, rpe, rir: null, durationS, distanceM }, notes });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return [{ line, column: loadColumn, reason: `${load} ${loadUnit}: ${e.message.replace(/^actual\.load: /, '')}` }];
    }
    return {
      personId: person.id,
      unitId: person.unitId!,
      startsAt: startsAt.value.iso,
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

/** Writes checked rows a batch at a time through the sessions' and sets' write paths. */
class BatchWriter {
  /** Session ids by unit, then start. */
  private readonly sessions = new Map<number, Map<string, number>>();
  added = 0;
  sessionsCreated = 0;

  constructor(private readonly w: Writer) {}

  private remember(unitId: number, startsAt: string, id: number) {
    let ofUnit = this.sessions.get(unitId);
    if (!ofUnit) this.sessions.set(unitId, (ofUnit = new Map()));
    ofUnit.set(startsAt, id);
  }

  /** The batch's sessions not seen before: found, or created as held (the first row of each gives its title). */
  private async findOrCreateSessions(rows: CheckedRow[]) {
    const missing = new Map<string, CheckedRow>();
    for (const row of rows) {
      const key = `${row.unitId}|${row.startsAt}`;
      if (this.sessions.get(row.unitId)?.get(row.startsAt) === undefined && !missing.has(key)) missing.set(key, row);
    }
    if (missing.size === 0) return;
    const wanted = [...missing.values()];
    const found = await this.w.db
      .selectFrom('training_session')
      .select(['id', 'unit_id', 'starts_at'])
      .where('unit_id', 'in', [...new Set(wanted.map((r) => r.unitId))])
      .where('starts_at', 'in', [...new Set(wanted.map((r) => r.startsAt))])
      .execute();
    for (const f of found) {
      if (missing.delete(`${f.unit_id}|${f.starts_at}`)) this.remember(f.unit_id, f.starts_at, f.id);
    }
    const create = [...missing.values()];
    const ids = await writeSessions(
      this.w,
      create.map((row) => ({
        unit_id: row.unitId,
        title: row.title,
        planned_start: row.startsAt,
        planned_minutes: row.sessionMinutes,
        actual_start: row.startsAt,
        actual_minutes: row.sessionMinutes,
        starts_at: row.startsAt,
        status: 'held' as const,
        trainer_person_id: null,
        notes: row.sessionNotes,
      })),
      'import',
    );
    create.forEach((row, i) => this.remember(row.unitId, row.startsAt, ids[i]));
    this.sessionsCreated += ids.length;
  }

  async write(rows: CheckedRow[]) {
    await this.findOrCreateSessions(rows);
    const sets = rows.map((row) => {
      // The columns were made for this row alone while checking: they take their session here.
      row.columns.session_id = this.sessions.get(row.unitId)!.get(row.startsAt)!;
      return row.columns;
    });
    this.added += (await writeSets(this.w, sets, { source: 'import', selfReported: false, duplicates: 'keep' })).length;
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
        (badRows) => readCsv(input, shape, badRows),
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
