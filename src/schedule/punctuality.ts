import { unitsBelow } from '../access/index.ts';
import { getUnit, participantsOf } from '../roster/index.ts';
import { instantToLocal } from '../shared/time.ts';
import type { Db } from '../store/db.ts';

/**
 * Punctuality: minutes early or late against the appointment's start, counted by the arrival
 * (`check_in.at`, the kiosk's clock), never by when the server received it: a check-in queued
 * offline and sent later keeps its time. Within the tolerance either side is on time.
 */
export type Punctuality = 'early' | 'on-time' | 'late';

export const DEFAULT_ON_TIME_MINUTES = 2;

/** The tolerance, from MUSTER_ON_TIME_MINUTES (minutes either side of the start; default 2). */
export function onTimeToleranceMinutes(env: Record<string, string | undefined> = process.env): number {
  const raw = env.MUSTER_ON_TIME_MINUTES;
  if (raw === undefined || raw === '') return DEFAULT_ON_TIME_MINUTES;
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes < 0) throw new Error(`MUSTER_ON_TIME_MINUTES: '${raw}' is not a number of minutes, 0 or more`);
  return minutes;
}

export function punctualityOf(minutesLate: number, toleranceMinutes: number): Punctuality {
  if (minutesLate > toleranceMinutes) return 'late';
  if (minutesLate < -toleranceMinutes) return 'early';
  return 'on-time';
}

export interface PunctualityCounts {
  /** Appointments that have started in the period (not cancelled). */
  appointments: number;
  checkedIn: number;
  onTime: number;
  early: number;
  late: number;
  /** Started but no check-in (yet: one queued on a kiosk may still come). */
  notCheckedIn: number;
  /** Mean of minutes late over the check-ins (negative: early on average); null without any. */
  meanMinutesLate: number | null;
}

export interface AppointmentPunctuality {
  appointmentId: number;
  title: string;
  startsAt: string;
  localDate: string;
  localTime: string;
  location: string;
  status: string;
  checkedInAt: string | null;
  minutesLate: number | null;
  punctuality: Punctuality | null;
}

interface Row {
  id: number;
  person_id: number;
  title: string;
  starts_at: string;
  status: string;
  location: string;
  time_zone: string;
  at: string | null;
  minutes_late: number | null;
}

/** The period: appointments that started in the last `days` days, up to now. */
export interface Period {
  days: number;
  now: Date;
}

async function appointmentRows(db: Db, personIds: readonly number[], period: Period): Promise<Row[]> {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('appointment')
    .innerJoin('location', 'location.id', 'appointment.location_id')
    .leftJoin('check_in', 'check_in.appointment_id', 'appointment.id')
    .select([
      'appointment.id',
      'appointment.person_id',
      'appointment.title',
      'appointment.starts_at',
      'appointment.status',
      'location.name as location',
      'location.time_zone',
      'check_in.at',
      'check_in.minutes_late',
    ])
    .where('appointment.person_id', 'in', personIds)
    .where('appointment.status', '!=', 'cancelled')
    .where('appointment.starts_at', '>', new Date(period.now.getTime() - period.days * 86_400_000).toISOString())
    .where('appointment.starts_at', '<=', period.now.toISOString())
    .orderBy('appointment.starts_at', 'desc')
    .execute();
}

function counts(rows: readonly Row[], toleranceMinutes: number): PunctualityCounts {
  const lateness = rows.flatMap((r) => (r.minutes_late === null ? [] : [r.minutes_late]));
  const kinds = lateness.map((m) => punctualityOf(m, toleranceMinutes));
  const mean = lateness.length ? lateness.reduce((a, b) => a + b, 0) / lateness.length : null;
  return {
    appointments: rows.length,
    checkedIn: lateness.length,
    onTime: kinds.filter((k) => k === 'on-time').length,
    early: kinds.filter((k) => k === 'early').length,
    late: kinds.filter((k) => k === 'late').length,
    notCheckedIn: rows.length - lateness.length,
    meanMinutesLate: mean === null ? null : Math.round(mean * 10) / 10,
  };
}

function appointmentView(r: Row, toleranceMinutes: number): AppointmentPunctuality {
  const local = instantToLocal(r.starts_at, r.time_zone);
  return {
    appointmentId: r.id,
    title: r.title,
    startsAt: r.starts_at,
    localDate: local.date,
    localTime: local.time,
    location: r.location,
    status: r.status,
    checkedInAt: r.at,
    minutesLate: r.minutes_late === null ? null : Math.round(r.minutes_late * 10) / 10,
    punctuality: r.minutes_late === null ? null : punctualityOf(r.minutes_late, toleranceMinutes),
  };
}

/** One participant's punctuality over the period, with each appointment (newest first). */
export async function personPunctuality(db: Db, personId: number, period: Period, toleranceMinutes: number) {
  const rows = await appointmentRows(db, [personId], period);
  return { personId, days: period.days, toleranceMinutes, summary: counts(rows, toleranceMinutes), appointments: rows.map((r) => appointmentView(r, toleranceMinutes)) };
}

/** A unit's punctuality (its participants now and those of the units below), in total and per participant. */
export async function unitPunctuality(db: Db, unitId: number, period: Period, toleranceMinutes: number) {
  const unit = await getUnit(db, unitId);
  const people = await participantsOf(db, await unitsBelow(db, [unitId]));
  const rows = await appointmentRows(
    db,
    people.map((p) => p.id),
    period,
  );
  const byPerson = new Map<number, Row[]>();
  for (const row of rows) {
    const list = byPerson.get(row.person_id);
    if (list) list.push(row);
    else byPerson.set(row.person_id, [row]);
  }
  return {
    unit: { id: unit.id, name: unit.name },
    days: period.days,
    toleranceMinutes,
    total: counts(rows, toleranceMinutes),
    people: people.map((p) => ({ personId: p.id, designation: p.designation, name: p.name, rank: p.rank, ...counts(byPerson.get(p.id) ?? [], toleranceMinutes) })),
  };
}
