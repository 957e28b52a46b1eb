import type { Generated } from 'kysely';
import { z } from 'zod';

export const strengthKinds = ['one_rm', 'grip', 'jump'] as const;
export type StrengthKind = (typeof strengthKinds)[number];
export const sides = ['left', 'right', 'both'] as const;
export type Side = (typeof sides)[number];

export interface DrillTables {
  /** A timed drill and its standard: passed when done within standard_s seconds. */
  drill: {
    id: Generated<number>;
    name: string;
    name_key: string;
    standard_s: number;
    description: string;
    created_at: string;
  };
  drill_attempt: {
    id: Generated<number>;
    drill_id: number;
    person_id: number;
    performed_at: string;
    time_s: number;
    notes: string;
    recorded_by: string;
    created_at: string;
  };
  /** Participants who do not want their name on unit leaderboards; they still see their own rank. */
  leaderboard_opt_out: { person_id: number; since: string };
  strength_protocol: {
    id: Generated<number>;
    key: string;
    name: string;
    kind: StrengthKind;
    /** What a trial measures, e.g. 'kg' (a load or a grip force in kgf) or 'cm'. */
    unit: string;
    /** 1 when trials are taken per hand (left and right). */
    sided: number;
    /** The most trials per side the protocol allows. */
    trials: number;
    protocol: string;
  };
  strength_test: {
    id: Generated<number>;
    protocol_id: number;
    person_id: number;
    exercise_id: number | null;
    performed_at: string;
    notes: string;
    recorded_by: string;
    created_at: string;
  };
  strength_trial: {
    test_id: number;
    side: Side;
    trial: number;
    /** Kilograms for loads and grip, centimetres for jumps; loads typed in lb are stored in exact kg. */
    value: number;
    load_unit: 'kg' | 'lb' | null;
    /** A 1RM attempt counts only when made (1); other protocols record every trial as made. */
    success: number;
  };
}

/** "4:32", "4:32.5", "1:02:03" or plain seconds "272.5", as seconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/.exec(t);
  if (!m || Number(m[3]) >= 60 || (m[1] !== undefined && Number(m[2]) >= 60)) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** Seconds as "m:ss" (or "h:mm:ss"), with tenths when there are any. */
export function formatDuration(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const whole = Math.floor(tenths / 10);
  const fraction = tenths % 10 ? `.${tenths % 10}` : '';
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}${fraction}` : `${m}:${s}${fraction}`;
}

/** Passed when the drill is done within the standard: "armour off: under 5:00" passes at 5:00.0 and fails at 5:00.1. */
export const passes = (timeS: number, standardS: number) => timeS <= standardS;

export const durationInput = z.union([z.number().positive().max(86_400), z.string()]).transform((v, ctx) => {
  const seconds = typeof v === 'number' ? v : parseDuration(v);
  if (seconds === undefined || seconds <= 0 || seconds > 86_400) {
    ctx.addIssue({ code: 'custom', message: `'${v}' is not a time such as 4:32 or 272.5 seconds` });
    return z.NEVER;
  }
  return seconds;
});

export interface TrialResult {
  side: Side;
  trial: number;
  value: number;
  success: boolean;
}

/** The result of a test per side: the best made trial (heaviest 1RM attempt, strongest grip of three, highest jump). */
export function bestPerSide(trials: readonly TrialResult[]): { side: Side; best: number }[] {
  const best = new Map<Side, number>();
  for (const t of trials) if (t.success && t.value > (best.get(t.side) ?? -Infinity)) best.set(t.side, t.value);
  return sides.filter((s) => best.has(s)).map((side) => ({ side, best: best.get(side)! }));
}
