import type { Actor } from '../shared/actor.ts';
import { AppError, badRequest, conflict } from '../shared/errors.ts';
import { localDateTimeOf, localDayBounds } from '../shared/time.ts';
import { dialectOf } from '../store/db.ts';
import type { Writer } from '../store/write.ts';
import { visitHeld } from './appointments.ts';
import { badgeHash } from './kiosks.ts';
import { punctualityOf, type Punctuality } from './punctuality.ts';
import type { ScheduleTables } from './tables.ts';

/**
 * Which appointment a badge at the door is for: the person's appointment nearest in time (to its
 * start) among those from two hours before their start to their end, or, for a trial visit, to
 * the end of its window's last local day (a participant may come on another day of the window).
 */
export const EARLIEST_ARRIVAL_MINUTES = 120;
/** How far back the search for a trial visit's window reaches. */
const LONGEST_WINDOW_DAYS = 31;
/** A kiosk's clock may run a little ahead of the server's; an arrival later than this is refused. */
const CLOCK_SKEW_MINUTES = 5;

const MINUTE_MS = 60_000;

export interface CheckInInput {
  badge: string;
  idempotencyKey: string;
  /** When the person arrived (the kiosk's clock); the instant of the write when absent. */
  at?: string;
}

/**
 * What a kiosk may show on a shared screen, and nothing else: the person's name, the appointment
 * (a trial visit only as "Appointment": the trial is not for a shared screen) and where to go.
 * Never physique, health or trial data. A test holds the answer to exactly these fields.
 */
export interface CheckInAnswer {
  checkIn: { id: number; at: string; minutesLate: number; punctuality: Punctuality };
  person: { name: string };
  appointment: { what: string; startsAt: string; localDate: string; localTime: string; timeZone: string; durationMinutes: number };
  location: { name: string; directions: string };
}

export interface CheckInResult {
  /** False when the key, or the appointment, was already checked in: the stored check-in answers. */
  created: boolean;
  answer: CheckInAnswer;
}

type Appointment = ScheduleTables['appointment'];
type Purpose = Appointment['purpose'];
/** Steps that a check-in moves on; a completed appointment keeps its status (the check-in is still stored). */
const movesToCheckedIn = new Set<Appointment['status']>(['ordered', 'relayed', 'acknowledged', 'missed']);

const minutesBetween = (from: string, to: string) => Math.round(((Date.parse(to) - Date.parse(from)) / MINUTE_MS) * 100) / 100;
const shiftMinutes = (instant: string, minutes: number) => new Date(Date.parse(instant) + minutes * MINUTE_MS).toISOString();

interface StoredCheckIn {
  id: number;
  kiosk_id: number;
  at: string;
  minutes_late: number;
  name: string;
  purpose: Purpose;
  title: string;
  starts_at: string;
  duration_minutes: number;
  locationName: string;
  time_zone: string;
  directions: string;
}

function present(row: StoredCheckIn, toleranceMinutes: number): CheckInAnswer {
  const local = localDateTimeOf(row.starts_at, row.time_zone);
  return {
    checkIn: { id: row.id, at: row.at, minutesLate: Math.round(row.minutes_late * 10) / 10, punctuality: punctualityOf(row.minutes_late, toleranceMinutes) },
    person: { name: row.name },
    appointment: {
      what: row.purpose === 'trial-visit' ? 'Appointment' : row.title,
      startsAt: row.starts_at,
      localDate: local.date,
      localTime: local.time,
      timeZone: row.time_zone,
      durationMinutes: row.duration_minutes,
    },
    location: { name: row.locationName, directions: row.directions },
  };
}

function storedCheckIn(w: Writer) {
  return w.db
    .selectFrom('check_in')
    .innerJoin('person', 'person.id', 'check_in.person_id')
    .innerJoin('appointment', 'appointment.id', 'check_in.appointment_id')
    .innerJoin('location', 'location.id', 'appointment.location_id')
    .select([
      'check_in.id',
      'check_in.kiosk_id',
      'check_in.at',
      'check_in.minutes_late',
      'person.name',
      'appointment.purpose',
      'appointment.title',
      'appointment.starts_at',
      'appointment.duration_minutes',
      'location.name as locationName',
      'location.time_zone',
      'location.directions',
    ]);
}

/**
 * Checks a person in at a kiosk, in the writer's transaction: the check_in row, the appointment's
 * step to 'checked-in' (appointment_event) and the audit event. The same idempotency key again
 * answers the stored check-in; a second key for an appointment already checked in answers the
 * existing one (a check-in is counted once, backed by unique constraints on both).
 */
export async function checkIn(w: Writer, kiosk: NonNullable<Actor['kiosk']>, input: CheckInInput, toleranceMinutes: number): Promise<CheckInResult> {
  const received = w.now.toISOString();
  // Most keys are new: look for the key alone, and read the stored check-in only for a replay.
  const replay = await w.db.selectFrom('check_in').select(['id', 'kiosk_id']).where('idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
  if (replay) {
    if (replay.kiosk_id !== kiosk.id) throw conflict('this idempotency key was used by another kiosk', 'idempotencyKey');
    return { created: false, answer: present(await storedCheckIn(w).where('check_in.id', '=', replay.id).executeTakeFirstOrThrow(), toleranceMinutes) };
  }
  const at = input.at === undefined ? received : new Date(input.at).toISOString();
  if (Date.parse(at) > w.now.getTime() + CLOCK_SKEW_MINUTES * MINUTE_MS) throw badRequest('at', `${input.at} is in the future`);

  const person = await w.db
    .selectFrom('badge')
    .innerJoin('person', 'person.id', 'badge.person_id')
    .select(['person.id', 'person.name'])
    .where('badge.badge_hash', '=', badgeHash(input.badge))
    .executeTakeFirst();
  if (!person) throw new AppError('not_found', 'badge: unknown badge (no one holds it)', { field: 'badge' });

  const candidates = await w.db
    .selectFrom('appointment')
    .innerJoin('location', 'location.id', 'appointment.location_id')
    .leftJoin('check_in', 'check_in.appointment_id', 'appointment.id')
    .select([
      'appointment.id',
      'appointment.location_id',
      'appointment.trial_id',
      'check_in.id as checkInId',
      'appointment.starts_at',
      'appointment.duration_minutes',
      'appointment.window_latest',
      'appointment.status',
      'appointment.purpose',
      'appointment.title',
      'location.name as locationName',
      'location.time_zone',
      'location.directions',
    ])
    .where('appointment.person_id', '=', person.id)
    .where('appointment.starts_at', '<=', shiftMinutes(at, EARLIEST_ARRIVAL_MINUTES))
    .where('appointment.starts_at', '>=', shiftMinutes(at, -LONGEST_WINDOW_DAYS * 24 * 60))
    .where('appointment.status', '!=', 'cancelled')
    .execute();
  const open = candidates.filter((a) => {
    const end = shiftMinutes(a.starts_at, a.duration_minutes);
    const windowEnd = a.window_latest ? localDayBounds(a.window_latest, a.time_zone).end : end;
    return at <= (windowEnd > end ? windowEnd : end);
  });
  const nearest = (list: typeof open) =>
    list.reduce<(typeof open)[number] | undefined>((best, a) => (!best || Math.abs(Date.parse(a.starts_at) - Date.parse(at)) < Math.abs(Date.parse(best.starts_at) - Date.parse(at)) ? a : best), undefined);
  const appointment = nearest(open.filter((a) => a.location_id === kiosk.locationId));
  if (!appointment) {
    const elsewhere = nearest(open);
    if (elsewhere) throw conflict(`wrong location: go to ${elsewhere.locationName} (${elsewhere.directions})`, 'badge');
    throw new AppError('not_found', `no appointment for ${person.name} now (${at})`, { field: 'badge' });
  }

  // One check-in per appointment. SQLite runs one writer at a time, so the join above is current; on
  // PostgreSQL another transaction may have checked it in since: lock the appointment, then look again.
  const onPostgres = dialectOf(w.db) === 'postgres';
  if (onPostgres) await w.db.selectFrom('appointment').select('id').where('id', '=', appointment.id).forUpdate().execute();
  if (appointment.checkInId !== null || onPostgres) {
    const existing = await storedCheckIn(w).where('check_in.appointment_id', '=', appointment.id).executeTakeFirst();
    if (existing) return { created: false, answer: present(existing, toleranceMinutes) };
  }

  const minutesLate = minutesBetween(appointment.starts_at, at);
  const { id } = await w.db
    .insertInto('check_in')
    .values({ appointment_id: appointment.id, person_id: person.id, kiosk_id: kiosk.id, at, received_at: received, idempotency_key: input.idempotencyKey, minutes_late: minutesLate })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (movesToCheckedIn.has(appointment.status)) {
    await w.db.updateTable('appointment').set({ status: 'checked-in' }).where('id', '=', appointment.id).execute();
    await w.db.insertInto('appointment_event').values({ appointment_id: appointment.id, status: 'checked-in', at, by_label: w.actor.label, note: null }).execute();
  }
  await w.record({
    action: 'check_in.create',
    entity: 'check_in',
    entityId: id,
    before: { status: appointment.status },
    after: { appointmentId: appointment.id, personId: person.id, kioskId: kiosk.id, at, receivedAt: received, minutesLate },
  });
  // A trial visit checked in on a day outside its window is a protocol deviation, recorded once through the trial.
  if (appointment.trial_id !== null) await visitHeld(w, appointment.id, at);
  return {
    created: true,
    answer: present({ ...appointment, id, kiosk_id: kiosk.id, at, minutes_late: minutesLate, name: person.name }, toleranceMinutes),
  };
}
