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
import { dialectOf, type Db } from '../store/db.ts';
import { distanceSchema, durationSchema, exactProduct, loadAmountSchema, nameKey, notesSchema, repsSchema, rpeSchema, setNumberSchema, type LoadUnit, type SetKind } from './model.ts';
import { exerciseLookup, SetWriteEffects, setColumns, writeSessions, writeSets, type SetValues } from './store.ts';

export const trainingFileFormats = ['muster', 'strong', 'hevy'] as const;
export type TrainingFileFormat = (typeof trainingFileFormats)[number];

export const trainingColumns = ['designation', 'date', 'time', 'exercise', 'set', 'reps', 'load', 'load_unit', 'rpe', 'duration_s', 'distance_m', 'notes'] as const;

/**
 * How a file's columns map onto a set and its session (docs/training.md has a table per format).
 * Header names are lower-cased, as readCsv gives them. Strong and Hevy files name nobody: the
 * import says whose they are.
 */
interface Layout {
  format: TrainingFileFormat;
  separator: ',' | ';';
  required: readonly string[];
  optional: readonly string[];
  exercise: string;
  /** The set-order column: a number (muster), or Strong's number/W/D/F, or Hevy's set type. */
  set: string;
  reps: string;
  load: string;
  /** Where the load's unit comes from: a column of its own (muster), the load column's name, or the import's option. */
  loadUnit: 'column' | LoadUnit | 'option';
  rpe: string;
  duration: string;
  distance: string;
  /** Metres per unit of the distance column, as an exact decimal. */
  metresPer: string;
  notes: string;
  /** Strong and Hevy write 0 for "not recorded" in their number columns (a run's reps, a plank's weight): read as empty. */
  zeroIsEmpty: boolean;
  /** A decimal comma (Strong's semicolon form, written where the comma is the decimal mark). */
  decimalComma: boolean;
}

const strongCommaColumns = ['date', 'workout name', 'duration', 'exercise name', 'set order', 'weight', 'reps', 'distance', 'seconds', 'notes', 'workout notes', 'rpe'];
/** Strong's other export: semicolons, every field quoted, units in the column names. */
const strongSemicolonColumns = ['workout #', 'date', 'workout name', 'duration (sec)', 'exercise name', 'set order', 'reps', 'rpe', 'seconds', 'notes', 'workout notes'];
const hevyColumns = ['title', 'start_time', 'end_time', 'description', 'exercise_title', 'superset_id', 'exercise_notes', 'set_index', 'set_type', 'reps', 'duration_seconds', 'rpe'];

const columnUnits = {
  'weight (kg)': 'kg',
  'weight (lbs)': 'lb',
  weight_kg: 'kg',
  weight_lbs: 'lb',
} as const satisfies Record<string, LoadUnit>;
/** Metres in one unit of each distance column, exactly (the international mile is 1609.344 m). */
const distanceUnits: Record<string, string> = {
  'distance (meters)': '1',
  'distance (km)': '1000',
  'distance (miles)': '1609.344',
  distance_km: '1000',
  distance_miles: '1609.344',
};
const firstPresent = (header: readonly string[], names: readonly string[]) => names.find((n) => header.includes(n));

/** The file's layout, told by its header line; a problem at line 1 when it is none we read. */
export function layoutOf(headerLine: string): Layout | RowProblem {
  const semicolons = (headerLine.match(/;/g) ?? []).length;
  const commas = (headerLine.match(/,/g) ?? []).length;
  const separator = semicolons > commas ? ';' : ',';
  const header = headerLine
    .replace(/^\uFEFF/, '')
    .split(separator)
    .map((h) => h.trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase());
  const muster = { format: 'muster', separator: ',', required: trainingColumns, optional: [], exercise: 'exercise', set: 'set', reps: 'reps', load: 'load', loadUnit: 'column', rpe: 'rpe', duration: 'duration_s', distance: 'distance_m', metresPer: '1', notes: 'notes', zeroIsEmpty: false, decimalComma: false } as const;
  if (header.includes('exercise_title')) {
    const load = firstPresent(header, ['weight_kg', 'weight_lbs']) ?? 'weight_kg';
    const distance = firstPresent(header, ['distance_km', 'distance_miles']) ?? 'distance_km';
    return { ...muster, format: 'hevy', required: ['title', 'start_time', 'exercise_title', 'set_type'], optional: [...hevyColumns, load, distance], exercise: 'exercise_title', set: 'set_type', load, loadUnit: columnUnits[load as keyof typeof columnUnits], duration: 'duration_seconds', distance, metresPer: distanceUnits[distance], notes: 'exercise_notes', zeroIsEmpty: true };
  }
  if (header.includes('exercise name')) {
    const common = { ...muster, format: 'strong', exercise: 'exercise name', set: 'set order', rpe: 'rpe', duration: 'seconds', notes: 'notes', zeroIsEmpty: true } as const;
    if (separator === ',') return { ...common, required: ['date', 'exercise name', 'set order'], optional: strongCommaColumns, load: 'weight', loadUnit: 'option', distance: 'distance', metresPer: '1000' };
    const load = firstPresent(header, Object.keys(columnUnits));
    const distance = firstPresent(header, Object.keys(distanceUnits)) ?? 'distance (meters)';
    if (!load) return { line: 1, column: 'weight', reason: "Strong's semicolon export names the weight's unit in its column: 'Weight (kg)' or 'Weight (lbs)'" };
    return { ...common, separator, required: ['date', 'exercise name', 'set order'], optional: [...strongSemicolonColumns, load, distance], load, loadUnit: columnUnits[load as keyof typeof columnUnits], distance, metresPer: distanceUnits[distance], decimalComma: true };
  }
  return muster;
}

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

/**
 * Rows a batch. A batch's checked rows live until it is written; on SQLite, where statements run
 * in the process, a small batch lets them die young, whereas at 1,000 (with the tallies and lift
 * bests kept on write lengthening each write) V8 learned to allocate them straight into the old
 * generation and a million-row import's peak memory passed 300 MB in about a third of runs
 * (docs/adr/0008). On PostgreSQL a batch is a round trip, and 250 rows made an import 11% slower.
 */
const batchRows = (db: Db) => (dialectOf(db) === 'sqlite' ? 250 : 1000);
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

interface NumberReading {
  /** The file's unit to the stored one, as an exact decimal factor (miles to metres: "1609.344"). */
  factor?: string;
  /** Round to this many decimals (another app's kilograms, converted from pounds on the phone). */
  decimals?: number;
}

/** A number column checked by its zod rule, read as the layout writes numbers (0 for "not recorded", a decimal comma). */
function numberColumn<T>(schema: { safeParse(v: unknown): Parsed<T> }, layout: Pick<Layout, 'zeroIsEmpty' | 'decimalComma'>, reading: NumberReading = {}) {
  return remembered((text): CellCheck<T | null> => {
    const plain = layout.decimalComma ? text.replace(',', '.') : text;
    let n = numberCell(plain);
    if (n === undefined) return { reason: `'${text}' is not a number` };
    if (n === null || (layout.zeroIsEmpty && n === 0)) return { value: null };
    if (reading.factor) n = exactProduct(plain, reading.factor);
    if (reading.decimals !== undefined) n = Number(n.toFixed(reading.decimals));
    const parsed = schema.safeParse(n);
    return parsed.success ? { value: parsed.data } : { reason: `${text}: ${parsed.error.issues[0].message}` };
  });
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad2 = (n: string | number) => String(n).padStart(2, '0');

/** A 12-hour clock's hour as 0-23 ("12 AM" is 0); a 24-hour one as it is. */
function hour24(hour: string, meridiem: string | undefined): number {
  const h = Number(hour);
  if (!meridiem) return h;
  return (h % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
}

/**
 * A local date and time as another app writes it: Strong "2026-02-03 18:22:05" (or with a
 * 12-hour clock, "2026-02-03 6:22:05 PM"), Hevy "26 Apr 2024, 06:30". Undefined when it is neither.
 */
export function parseAppDateTime(text: string): { date: string; time: string } | undefined {
  const t = text.replace(/[\u202f\u00a0]/g, ' ').trim();
  const iso = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::\d{2})?(?: ?([ap]m))?$/i.exec(t);
  if (iso) return { date: iso[1], time: `${pad2(hour24(iso[2], iso[4]))}:${iso[3]}` };
  const named = /^(\d{1,2}) ([a-z]{3})[a-z]* (\d{4}),? (\d{1,2}):(\d{2})(?::\d{2})?(?: ?([ap]m))?$/i.exec(t);
  const month = named ? months.indexOf(named[2].toLowerCase()) : -1;
  if (!named || month < 0) return undefined;
  return { date: `${named[3]}-${pad2(month + 1)}-${pad2(named[1])}`, time: `${pad2(hour24(named[4], named[6]))}:${named[5]}` };
}

/** Strong's Set Order (a number, or W, D, F) and Hevy's set_type, as a set kind; undefined when neither. */
export function setKindOf(text: string): SetKind | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t) || t === 'normal') return 'normal';
  return ({ w: 'warmup', warmup: 'warmup', d: 'drop', dropset: 'drop', f: 'failure', failure: 'failure' } as const)[t];
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
  /** Strong and Hevy number sets within a workout's exercise by their place in the file, warm-ups included: the last number given to each. */
  private readonly setsSoFar = new Map<string, number>();

  private readonly reps: ReturnType<typeof numberColumn<number>>;
  private readonly load: ReturnType<typeof numberColumn<number>>;
  private readonly rpe: ReturnType<typeof numberColumn<number>>;
  private readonly durationS: ReturnType<typeof numberColumn<number>>;
  private readonly distanceM: ReturnType<typeof numberColumn<number>>;
  /** Strong's "Duration (sec)", in whole minutes. */
  private readonly sessionSeconds: ReturnType<typeof numberColumn<number>>;
  private readonly setNumber = remembered((text): CellCheck<number> => {
    const parsed = setNumberSchema.safeParse(numberCell(text));
    return parsed.success ? { value: parsed.data } : { reason: text ? `'${text}' is not a set number from 1 to 100` : 'is required' };
  });
  private readonly setKind = remembered((text): CellCheck<SetKind> => {
    const kind = setKindOf(text);
    if (kind) return { value: kind };
    const expected = this.layout.format === 'hevy' ? 'normal, warmup, dropset or failure' : 'a set number, or W, D or F (warm-up, drop, failure)';
    return { reason: text ? `'${text}' is not ${expected}` : 'is required' };
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
    private readonly layout: Layout,
    private readonly people: Map<string, Person>,
    private readonly exercises: Map<string, number>,
    private readonly options: TrainingImportOptions,
  ) {
    this.reps = numberColumn(repsSchema, layout);
    // Another app's kilograms may carry a phone's conversion from pounds: kept to the gram.
    this.load = numberColumn(loadAmountSchema, layout, { decimals: layout.format === 'muster' ? undefined : 3 });
    this.rpe = numberColumn(rpeSchema, layout);
    this.durationS = numberColumn(durationSchema, layout);
    this.distanceM = numberColumn(distanceSchema, layout, { factor: layout.metresPer });
    this.sessionSeconds = numberColumn(durationSchema, layout);
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

  /** The local date and time of the row's session, or nulls after noting the problem. */
  private when(get: (c: string) => string): { date: string; time: string } | null {
    const { format } = this.layout;
    if (format === 'muster') {
      const date = get('date');
      const time = get('time');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) this.problem('date', date ? `'${date}' is not a date YYYY-MM-DD` : 'is required');
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) this.problem('time', time ? `'${time}' is not a local time HH:MM (24-hour)` : 'is required');
      return { date, time };
    }
    const column = format === 'hevy' ? 'start_time' : 'date';
    const text = get(column);
    const at = parseAppDateTime(text);
    if (!at) this.problem(column, text ? `'${text}' is not a date and time such as ${format === 'hevy' ? '26 Apr 2024, 06:30' : '2026-02-03 18:22:05'}` : 'is required');
    return at ?? null;
  }

  /** The session's minutes: Strong's "1h 5m" or "Duration (sec)", Hevy's end time less its start. */
  private sessionMinutes(get: (c: string) => string, when: { date: string; time: string } | null): number | null {
    const { format } = this.layout;
    if (format === 'muster') return null;
    if (format === 'hevy') {
      const end = parseAppDateTime(get('end_time'));
      if (!end || !when) return null;
      const minutes = Math.round((Date.parse(`${end.date}T${end.time}:00Z`) - Date.parse(`${when.date}T${when.time}:00Z`)) / 60_000);
      return minutes >= 0 && minutes <= 24 * 60 ? minutes : null;
    }
    if (this.layout.separator === ';') {
      const seconds = this.valueOf('duration (sec)', this.sessionSeconds(get('duration (sec)')));
      return seconds === null ? null : Math.round(seconds / 60);
    }
    const minutes = parseStrongDuration(get('duration'));
    if (minutes === undefined) this.problem('duration', `'${get('duration')}' is not a duration such as 1h 5m`);
    return minutes ?? null;
  }

  /** The row, or every problem with it; an empty list for a row that is not a set (Strong's rest timers). */
  check({ line, values }: CsvRecord): CheckedRow | RowProblem[] {
    this.line = line;
    const problems: RowProblem[] = (this.problems = []);
    const layout = this.layout;
    const muster = layout.format === 'muster';
    const get = (c: string) => (values[c] ?? '').trim();
    if (layout.format === 'strong' && get('set order').toLowerCase() === 'rest timer') {
      this.skipped += 1;
      return problems;
    }

    const when = this.when(get);
    const person = this.valueOf('designation', this.person(muster ? get('designation') : (this.options.designation ?? '')));
    const exerciseId = this.valueOf(layout.exercise, this.exercise(get(layout.exercise)));
    const kind = muster ? 'normal' : this.valueOf(layout.set, this.setKind(get(layout.set)));
    const givenNumber = muster ? this.valueOf(layout.set, this.setNumber(get(layout.set))) : null;

    const reps = this.valueOf(layout.reps, this.reps(get(layout.reps)));
    const load = this.valueOf(layout.load, this.load(get(layout.load)));
    let loadUnit: LoadUnit = layout.loadUnit === 'column' || layout.loadUnit === 'option' ? (this.options.loadUnit ?? 'kg') : layout.loadUnit;
    if (layout.loadUnit === 'column' && load !== null) {
      const unit = parseLoadUnit(get('load_unit'));
      if (unit) loadUnit = unit;
      else this.problem('load_unit', get('load_unit') ? `'${get('load_unit')}' is not kg or lb` : 'is required when a load is given');
    }
    const rpe = this.valueOf(layout.rpe, this.rpe(get(layout.rpe)));
    const durationS = this.valueOf(layout.duration, this.durationS(get(layout.duration)));
    const distanceM = this.valueOf(layout.distance, this.distanceM(get(layout.distance)));
    const notes = this.valueOf(layout.notes, this.notes(get(layout.notes)));
    if (problems.length === 0 && reps === null && load === null && durationS === null && distanceM === null) this.problem(layout.reps, 'the row records nothing: give reps, a load, a duration or a distance');
    const sessionMinutes = this.sessionMinutes(get, when);
    const title = muster ? 'Imported training' : get(layout.format === 'hevy' ? 'title' : 'workout name') || `${layout.format === 'hevy' ? 'Hevy' : 'Strong'} workout`;
    const sessionNotes = this.valueOf(layout.format === 'hevy' ? 'description' : 'workout notes', this.notes(muster ? '' : get(layout.format === 'hevy' ? 'description' : 'workout notes')));
    if (problems.length || when === null || person === null || exerciseId === null || kind === null || notes === null || sessionNotes === null) return problems;

    const startsAt = this.instant(`${person.zone}|${when.date}|${when.time}`);
    if (startsAt.reason !== undefined) return [{ line, column: muster ? 'time' : layout.format === 'hevy' ? 'start_time' : 'date', reason: startsAt.reason }];
    const setNumber = givenNumber ?? this.nextSetNumber(`${startsAt.value.ms}|${exerciseId}`);
    if (setNumber === null) return problems;
    const first = this.seen.firstOr(person.id, startsAt.value.ms, exerciseId, setNumber, line);
    if (first !== undefined) return [{ line, column: layout.set, reason: `the same person, session, exercise and set as line ${first}` }];
    let columns: StoredSet;
    try {
      columns = setColumns({ sessionId: 0, personId: person.id, exerciseId, setNumber, kind, loadUnit, target: noTarget, actual: { reps, load, rpe, rir: null, durationS, distanceM }, notes });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return [{ line, column: layout.load, reason: `${load} ${loadUnit}: ${e.message.replace(/^actual\.load: /, '')}` }];
    }
    return { personId: person.id, unitId: person.unitId!, startsAt: startsAt.value.iso, title, sessionMinutes, sessionNotes, columns };
  }

  /** The next set number of a workout's exercise (its place in the file), or null after noting that there are too many. */
  private nextSetNumber(key: string): number | null {
    const n = (this.setsSoFar.get(key) ?? 0) + 1;
    this.setsSoFar.set(key, n);
    if (n <= 100) return n;
    this.problem(this.layout.set, 'more than 100 sets of one exercise in one workout');
    return null;
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
  /** What the batches change in the state kept on write (tallies, lift bests), applied once at the end. */
  readonly effects: SetWriteEffects;

  constructor(private readonly w: Writer) {
    this.effects = new SetWriteEffects(w);
  }

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
    this.added += (await writeSets(this.w, sets, { source: 'import', selfReported: false, duplicates: 'keep', effects: this.effects })).length;
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
  const layout = layoutOf(header);
  if (!('format' in layout)) throw new ImportRejected([layout]);
  const { format } = layout;
  if (format !== 'muster' && !options.designation) throw new ImportRejected([{ line: 1, column: 'designation', reason: `a ${format === 'hevy' ? 'Hevy' : 'Strong'} export names nobody: say whose it is with --designation (API: ?designation=)` }]);
  const shape = { required: layout.required, optional: layout.optional.filter((c) => !layout.required.includes(c)), separator: layout.separator };
  return write(
    db,
    actor,
    async (w) => {
      const checker = new RowChecker(layout, await loadPeople(w.db), await exerciseLookup(w.db), options);
      const writer = new BatchWriter(w);
      let rows = 0;
      const problems = await importInBatches(
        (badRows) => readCsv(input, shape, badRows),
        {
          check: (record) => checker.check(record),
          resolve: async (batch) => ((rows += batch.length), []),
          write: (batch) => writer.write(batch),
        },
        batchRows(w.db),
      );
      if (problems.length) throw new ImportRejected(problems);
      await writer.effects.apply();
      const summary: TrainingImportSummary = { format, rows, added: writer.added, alreadyStored: rows - writer.added, sessionsCreated: writer.sessionsCreated, skipped: checker.skipped };
      if (writer.added > 0) await w.record({ action: 'training.import', entity: 'training_set', entityId: 'import', after: summary });
      return summary;
    },
    options.clock,
  );
}
