/**
 * The schedule's pure rules: an appointment's statuses and the only moves between them, when a
 * summons is relayed without its trainer, when it is missed, which reminders are due, and the
 * settings that tune them (docs/schedule.md). No I/O; "now" is always passed in.
 */
import { localDateOf, localDayBounds } from '../shared/time.ts';
import type { ScheduleTables } from './tables.ts';

export type AppointmentStatus = ScheduleTables['appointment']['status'];
export type Purpose = ScheduleTables['appointment']['purpose'];

export const purposes = ['trial-visit', 'assessment', 'test', 'briefing'] as const satisfies readonly Purpose[];
export const statuses = ['ordered', 'relayed', 'acknowledged', 'checked-in', 'completed', 'missed', 'cancelled'] as const satisfies readonly AppointmentStatus[];

/** How far along an appointment is; a status moves only to a later step. */
const step: Record<AppointmentStatus, number> = { ordered: 0, relayed: 1, acknowledged: 2, 'checked-in': 3, completed: 4, missed: 4, cancelled: 4 };

/** Still waiting for the person to come: reminders go out, and it may yet be missed. */
export const open: readonly AppointmentStatus[] = ['ordered', 'relayed', 'acknowledged'];

/**
 * Whether an appointment may move from one status to another: only forward, never out of
 * completed or cancelled, and once someone has checked in only to completed. One way back: a
 * kiosk that was offline may report an arrival after the appointment was marked missed, and the
 * arrival is the truth. A summons is acknowledged only once it has come down the chain (relayed).
 */
export function mayMove(from: AppointmentStatus, to: AppointmentStatus): boolean {
  if (from === 'missed') return to === 'checked-in';
  if (to === 'acknowledged') return from === 'relayed';
  if (from === 'completed' || from === 'cancelled') return false;
  if (from === 'checked-in') return to === 'completed';
  return step[to] > step[from];
}

/**
 * When an unrelayed summons goes down without its trainer: `delay` after it was ordered, but no
 * later than `delay` before it starts (a summons for tonight must still reach the participant),
 * and never before it was ordered.
 */
export function autoRelayAt(orderedAt: Date, startsAt: string, delayMinutes: number): string {
  const delay = delayMinutes * 60_000;
  const at = Math.max(orderedAt.getTime(), Math.min(orderedAt.getTime() + delay, Date.parse(startsAt) - delay));
  return new Date(at).toISOString();
}

/**
 * The instant after which an appointment not held is missed: the end of a trial visit's window's
 * last day, otherwise the end of the appointment's day, both at the location.
 */
export function missedAfter(appointment: { starts_at: string; window_latest: string | null }, zone: string): string {
  return localDayBounds(appointment.window_latest ?? localDateOf(appointment.starts_at, zone), zone).end;
}

/**
 * The reminders due at `now` that were not sent (minutes before the start, largest first), and
 * the one to send: when several fell due together only the nearest goes out, the others are
 * recorded as passed so none of them goes out later.
 */
export function dueReminders(startsAt: string, now: Date, reminderMinutes: readonly number[], sent: readonly number[]): { due: number[]; send: number | null } {
  const start = Date.parse(startsAt);
  if (now.getTime() >= start) return { due: [], send: null };
  const due = reminderMinutes.filter((m) => !sent.includes(m) && start - m * 60_000 <= now.getTime()).sort((a, b) => b - a);
  return { due, send: due.length ? due[due.length - 1] : null };
}

/** Where a held visit falls against its window: before, inside or after (local dates compare as strings). */
export function againstWindow(heldOn: string, window: { earliest: string; latest: string }): 'before' | 'inside' | 'after' {
  return heldOn < window.earliest ? 'before' : heldOn > window.latest ? 'after' : 'inside';
}

export interface ScheduleSettings {
  /** After how long an unrelayed summons is relayed without its trainer (MUSTER_AUTO_RELAY_MINUTES). */
  autoRelayMinutes: number;
  /** Reminders, in minutes before the start (MUSTER_REMINDER_MINUTES, e.g. "1440,60"). */
  reminderMinutes: number[];
  /** SMTP server for e-mail (MUSTER_SMTP_URL, e.g. smtp://127.0.0.1:2525); null: the in-app inbox only. */
  smtpUrl: string | null;
  /** The sender of e-mail (MUSTER_MAIL_FROM). */
  mailFrom: string;
}

/** The settings from the environment; a bad value stops the server with its variable named rather than being ignored. */
export function scheduleSettings(env: Record<string, string | undefined>): ScheduleSettings {
  const minutes = (name: string, text: string) => {
    const value = Number(text.trim());
    if (!/^\d+$/.test(text.trim()) || value > 525_600) throw new Error(`${name}: '${text}' is not a whole number of minutes (0 to 525600)`);
    return value;
  };
  const reminders = env.MUSTER_REMINDER_MINUTES ?? '1440,60';
  return {
    autoRelayMinutes: minutes('MUSTER_AUTO_RELAY_MINUTES', env.MUSTER_AUTO_RELAY_MINUTES ?? '60'),
    reminderMinutes: reminders.trim() === '' ? [] : [...new Set(reminders.split(',').map((m) => minutes('MUSTER_REMINDER_MINUTES', m)))],
    smtpUrl: env.MUSTER_SMTP_URL || null,
    mailFrom: env.MUSTER_MAIL_FROM || 'Muster <muster@localhost>',
  };
}
