import type { Generated } from 'kysely';
import { z } from 'zod';

export const loadUnits = ['kg', 'lb'] as const;
export type LoadUnit = (typeof loadUnits)[number];
export const exerciseCategories = ['strength', 'bodyweight', 'conditioning'] as const;
export type ExerciseCategory = (typeof exerciseCategories)[number];
export const sessionStatuses = ['planned', 'held', 'cancelled'] as const;
export type SessionStatus = (typeof sessionStatuses)[number];
/** What kind of set it was: warm-ups stay out of personal bests and lift counts unless asked for (docs/training.md, "Set kinds"). */
export const setKinds = ['normal', 'warmup', 'drop', 'failure'] as const;
export type SetKind = (typeof setKinds)[number];
export const attendanceStatuses = ['present', 'absent', 'excused', 'injured'] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];

export interface TrainingTables {
  exercise: {
    id: Generated<number>;
    name: string;
    /** Lower-cased name: names are unique whatever their case. */
    name_key: string;
    category: ExerciseCategory;
    created_at: string;
  };
  /** Other names an import may use for an exercise, e.g. Strong's "Squat (Barbell)". */
  exercise_alias: { alias_key: string; exercise_id: number };
  training_session: {
    id: Generated<number>;
    unit_id: number;
    title: string;
    planned_start: string;
    planned_minutes: number | null;
    actual_start: string | null;
    actual_minutes: number | null;
    /** The actual start once recorded, else the planned one: what load metrics and week windows use. */
    starts_at: string;
    status: SessionStatus;
    trainer_person_id: number | null;
    notes: string;
    created_at: string;
    updated_at: string;
  };
  session_attendance: {
    session_id: number;
    person_id: number;
    status: AttendanceStatus;
    /** Session RPE on Borg's CR-10 scale (0-10), asked about 30 minutes after the session (Foster 2001). */
    rpe: number | null;
    /** Minutes this participant trained, when not the whole session. */
    minutes: number | null;
  };
  /** Each person's EWMA load-ratio state (`LoadRatioState`), kept current by every write that changes a load (docs/adr/0006). */
  load_ratio_state: {
    person_id: number;
    first_date: string;
    last_date: string;
    last_load: number;
    acute_before: number;
    chronic_before: number;
    /** The bytes of `LoadRatioState.ratiosBefore`: RATIO_HISTORY_DAYS little-endian doubles, NaN where a ratio is withheld. */
    ratios_before: Buffer;
    /** last_date as days since 1970-01-01: day arithmetic in SQL that SQLite and PostgreSQL share. */
    last_day: number;
    /** The load-ratio flag of each of the FLAG_DAYS_AHEAD days from last_date, a character a day (`flagCodes`). */
    flags_ahead: string;
  };
  /** One set, target and actual side by side (as wger models it). Natural key: session, person, exercise, set number. */
  training_set: {
    id: Generated<number>;
    session_id: number;
    person_id: number;
    exercise_id: number;
    set_number: number;
    kind: Generated<SetKind>;
    target_reps: number | null;
    target_load_kg: number | null;
    target_rpe: number | null;
    target_rir: number | null;
    target_duration_s: number | null;
    target_distance_m: number | null;
    reps: number | null;
    /** Kilograms, the exact decimal of what was typed (see toKilograms). */
    load_kg: number | null;
    /** The unit the load was typed in. */
    load_unit: LoadUnit | null;
    rpe: number | null;
    rir: number | null;
    duration_s: number | null;
    distance_m: number | null;
    notes: string;
    /** 1 when the participant logged the set themselves (POST /api/training/sets as a participant), 0 when staff did. */
    self_reported: Generated<number>;
    created_at: string;
    updated_at: string;
  };
  training_preference: { account_id: number; load_unit: LoadUnit };
}

/**
 * Why a participant may not log their own set at a session, or null when they may
 * (docs/training.md, "Self-logged sets"): the session has started, is not cancelled, and they
 * are not recorded as absent or excused there. The caller has checked that it is a session of
 * their unit or a unit above it.
 */
export function selfLogRefusal(session: { status: SessionStatus; startsAt: string }, attendance: AttendanceStatus | undefined, now: Date): string | null {
  if (session.status === 'cancelled') return 'the session was cancelled';
  if (session.startsAt > now.toISOString()) return 'the session has not started yet';
  if (attendance === 'absent' || attendance === 'excused') return `you are recorded as ${attendance} at this session`;
  return null;
}

/**
 * Why a participant's session-RPE load (RPE x minutes, Foster 2001) cannot be computed, or null
 * when it can or none is due (not present). Shown beside the load instead of a 0 (docs/training.md).
 */
export function loadMissingReason(a: { status: AttendanceStatus; rpe: number | null; minutes: number | null }, sessionStatus: SessionStatus): string | null {
  if (a.status !== 'present' || sessionStatus === 'cancelled') return null;
  if (a.rpe === null) return 'no session RPE recorded';
  if (a.minutes === null) return sessionStatus === 'held' ? "the session's minutes are not recorded" : 'the session is not marked held with its minutes yet';
  return null;
}

/** A session started within this many minutes of now is the one "Start a session now" answers instead of making another. */
export const JUST_STARTED_MINUTES = 30;

export const nameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

// ---- loads ----

/** The international pound (1959): exactly 0.45359237 kg. */
export const KG_PER_LB = 0.45359237;
const KG_PER_LB_DECIMAL = '0.45359237';
export const MAX_LOAD_KG = 1000;

/**
 * The kilograms of a load typed in `unit`, computed in exact decimal arithmetic: 225 lb is
 * 102.05828325 kg, not 102.05828325000001. Loads have at most three decimals, so the result
 * has at most 15 significant digits and a double holds it as that exact decimal.
 */
export function toKilograms(amount: number, unit: LoadUnit): number {
  const text = String(amount);
  if (!/^\d+(\.\d{1,3})?$/.test(text)) throw new RangeError(`${text} is not a load with at most three decimals`);
  return unit === 'kg' ? amount : exactProduct(text, KG_PER_LB_DECIMAL);
}

/** The product of two plain decimals (e.g. "3.1" miles x "1609.344" m), computed exactly and returned as the nearest double. */
export function exactProduct(a: string, b: string): number {
  const [aWhole, aFraction = ''] = a.split('.');
  const [bWhole, bFraction = ''] = b.split('.');
  const scale = aFraction.length + bFraction.length;
  const digits = (BigInt(aWhole + aFraction) * BigInt(bWhole + bFraction)).toString().padStart(scale + 1, '0');
  return Number(scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`);
}

/** A load in kilograms shown in `unit`: exact for the unit it was typed in (three decimals), two decimals otherwise. */
export function fromKilograms(kg: number, unit: LoadUnit, enteredUnit: LoadUnit | null = unit): number {
  const value = unit === 'kg' ? kg : kg / KG_PER_LB;
  const places = unit === enteredUnit ? 1000 : 100;
  return Math.round(value * places) / places;
}

export const loadAmountSchema = z
  .number()
  .nonnegative('must not be negative')
  .refine((n) => /^\d+(\.\d{1,3})?$/.test(String(n)), 'at most three decimals');

/** Refuses a load heavier than anyone lifts, whichever unit it was typed in. */
export function checkLoadKg(kg: number): string | null {
  return kg > MAX_LOAD_KG ? `must be at most ${MAX_LOAD_KG} kg` : null;
}

// ---- estimated one-repetition maximum ----

/** Sets of more reps than this give no 1RM estimate: both equations drift apart beyond about ten reps. */
export const MAX_REPS_FOR_ESTIMATE = 12;

/** Epley (1985): 1RM = w x (1 + reps/30). A single is its own 1RM. */
export function epley(loadKg: number, reps: number): number | null {
  if (!Number.isInteger(reps) || reps < 1 || reps > MAX_REPS_FOR_ESTIMATE) return null;
  return reps === 1 ? loadKg : loadKg * (1 + reps / 30);
}

/** Brzycki (1993): 1RM = w x 36 / (37 - reps). */
export function brzycki(loadKg: number, reps: number): number | null {
  if (!Number.isInteger(reps) || reps < 1 || reps > MAX_REPS_FOR_ESTIMATE) return null;
  return (loadKg * 36) / (37 - reps);
}

// ---- set fields, shared by the API and the CSV import ----

export const rpeSchema = z.number().min(1, 'RPE is 1 to 10').max(10, 'RPE is 1 to 10').multipleOf(0.5, 'RPE goes in half steps');
export const rirSchema = z.number().int('RIR is a whole number of reps').min(0).max(10);
export const setNumberSchema = z.number().int().min(1).max(100);
export const repsSchema = z.number().int('reps are a whole number').min(0).max(1000);
export const durationSchema = z.number().nonnegative().max(24 * 3600);
export const distanceSchema = z.number().nonnegative().max(200_000);
export const notesSchema = z.string().max(2000);
