/**
 * Appointments and summons (docs/schedule.md): who, where, when, for what, ordered by whom, and
 * every step. Reads take a `Db`; writes a `Writer` and an `Outbox` for the e-mails that go out
 * once the write commits. Who may see which appointment is the access rule's (`PersonScope`).
 */
import { sql } from 'kysely';
import { unitsBelow, type PersonScope } from '../access/index.ts';
import { recordVisitHeldOutsideWindow, visitScheduleOf } from '../trial/index.ts';
import { systemActor } from '../shared/actor.ts';
import type { Clock } from '../shared/clock.ts';
import { badRequest, conflict, notFound } from '../shared/errors.ts';
import { instantToLocal, localDateOf, localToInstant } from '../shared/time.ts';
import { dialectOf, type Db } from '../store/db.ts';
import { write, type Writer } from '../store/write.ts';
import { againstWindow, autoRelayAt, dueReminders, mayMove, missedAfter, open, type AppointmentStatus, type Purpose, type ScheduleSettings } from './model.ts';
import { tell, type Outbox } from './notifications.ts';

export interface AppointmentView {
  id: number;
  person: { id: number; designation: string; name: string; rank: string };
  location: { id: number; name: string; timeZone: string; directions: string };
  startsAt: string;
  /** The start at the location, in its zone. */
  local: { date: string; time: string; offset: string };
  durationMinutes: number;
  purpose: Purpose;
  title: string;
  visit: { trialCode: string; name: string; windowEarliest: string; windowLatest: string } | null;
  orderedBy: string;
  status: AppointmentStatus;
  autoRelayAt: string | null;
  createdAt: string;
  checkIn: { at: string; minutesLate: number } | null;
}

export interface AppointmentStep {
  status: string;
  at: string;
  by: string;
  note: string | null;
}

function selectAppointments(db: Db) {
  return db
    .selectFrom('appointment')
    .innerJoin('person', 'person.id', 'appointment.person_id')
    .innerJoin('location', 'location.id', 'appointment.location_id')
    .leftJoin('check_in', 'check_in.appointment_id', 'appointment.id')
    // The trial's code names the visit; the trial's row is read, never written, here.
    .leftJoin('trial', 'trial.id', 'appointment.trial_id')
    .select([
      'appointment.id',
      'appointment.person_id',
      'person.designation',
      'person.name as person_name',
      'person.rank',
      'appointment.location_id',
      'location.name as location_name',
      'location.time_zone',
      'location.directions',
      'appointment.starts_at',
      'appointment.duration_minutes',
      'appointment.purpose',
      'appointment.title',
      'trial.code as trial_code',
      'appointment.visit_name',
      'appointment.window_earliest',
      'appointment.window_latest',
      'appointment.ordered_by_label',
      'appointment.status',
      'appointment.auto_relay_at',
      'appointment.created_at',
      'check_in.at as check_in_at',
      'check_in.minutes_late',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectAppointments>['execute']>>[number];

function present(r: Row): AppointmentView {
  return {
    id: r.id,
    person: { id: r.person_id, designation: r.designation, name: r.person_name, rank: r.rank },
    location: { id: r.location_id, name: r.location_name, timeZone: r.time_zone, directions: r.directions },
    startsAt: r.starts_at,
    local: instantToLocal(r.starts_at, r.time_zone),
    durationMinutes: r.duration_minutes,
    purpose: r.purpose,
    title: r.title,
    visit: r.trial_code && r.visit_name ? { trialCode: r.trial_code, name: r.visit_name, windowEarliest: r.window_earliest!, windowLatest: r.window_latest! } : null,
    orderedBy: r.ordered_by_label,
    status: r.status,
    autoRelayAt: r.auto_relay_at,
    createdAt: r.created_at,
    checkIn: r.check_in_at === null ? null : { at: r.check_in_at, minutesLate: Math.round(Number(r.minutes_late) * 10) / 10 },
  };
}

export interface AppointmentFilter {
  /** Instants: appointments starting at or after `from` and before `to`. */
  from?: string;
  to?: string;
  personId?: number;
  /** The unit and those below it, by the people's current unit. */
  unitId?: number;
  status?: AppointmentStatus;
  /** Only these appointments (e.g. those just ordered). */
  ids?: readonly number[];
  /** For a calendar feed: those this person ordered, besides the scope's. */
  orderedBy?: number;
  limit: number;
}

/** Appointments in the scope (a trainer's units' people, a participant's own, everyone's), soonest first. */
export async function listAppointments(db: Db, scope: PersonScope, filter: AppointmentFilter): Promise<AppointmentView[]> {
  const inUnits = (unitIds: readonly number[]) =>
    db
      .selectFrom('person_unit')
      .select('person_unit.person_id')
      .where('person_unit.effective_to', 'is', null)
      .where('person_unit.unit_id', 'in', unitIds.length ? unitIds : [0]);
  let query = selectAppointments(db);
  // A participant learns of a summons when it comes down the chain of command: not while it waits for their trainer.
  if (scope.kind === 'self') query = query.where('appointment.status', '<>', 'ordered');
  if (scope.kind !== 'all') {
    const trained = scope.kind === 'units' ? inUnits(scope.unitIds) : null;
    query = query.where((eb) =>
      eb.or([
        eb('appointment.person_id', '=', scope.selfId ?? 0),
        ...(trained ? [eb('appointment.person_id', 'in', trained)] : []),
        ...(filter.orderedBy !== undefined ? [eb('appointment.ordered_by_person_id', '=', filter.orderedBy)] : []),
      ]),
    );
  } else if (filter.orderedBy !== undefined) {
    query = query.where('appointment.ordered_by_person_id', '=', filter.orderedBy);
  }
  if (filter.unitId !== undefined) query = query.where('appointment.person_id', 'in', await inUnits(await unitsBelow(db, [filter.unitId])));
  if (filter.ids !== undefined) query = query.where('appointment.id', 'in', filter.ids.length ? filter.ids : [0]);
  if (filter.personId !== undefined) query = query.where('appointment.person_id', '=', filter.personId);
  if (filter.from !== undefined) query = query.where('appointment.starts_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('appointment.starts_at', '<', filter.to);
  if (filter.status !== undefined) query = query.where('appointment.status', '=', filter.status);
  const rows = await query.orderBy('appointment.starts_at').orderBy('appointment.id').limit(filter.limit).execute();
  return rows.map(present);
}

/** One appointment with its steps, or 404. Visibility is the caller's to check (`visibleTo`). */
export async function getAppointment(db: Db, id: number): Promise<AppointmentView & { steps: AppointmentStep[] }> {
  const row = await selectAppointments(db).where('appointment.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`appointment ${id}`);
  const steps = await db.selectFrom('appointment_event').select(['status', 'at', 'by_label as by', 'note']).where('appointment_id', '=', id).orderBy('at').orderBy('id').execute();
  return { ...present(row), steps };
}

/**
 * Whether an actor in `scope` may see this appointment: the person is in their scope (the access
 * rule), and a participant sees their own summons only once it has been relayed to them.
 */
export function visibleTo(scope: PersonScope, appointment: { status: AppointmentStatus; person: { id: number } }, personInScope: boolean): boolean {
  return personInScope && !(scope.kind === 'self' && appointment.status === 'ordered');
}

/** The trainers of each person: of their current unit and every unit above it (the chain of command's trainers), in one pass. */
export async function trainersOf(db: Db, personIds: readonly number[]): Promise<Map<number, number[]>> {
  const result = new Map<number, number[]>(personIds.map((id) => [id, []]));
  if (personIds.length === 0) return result;
  const [memberships, units, trainers] = await Promise.all([
    db.selectFrom('person_unit').select(['person_id', 'unit_id']).where('effective_to', 'is', null).where('person_id', 'in', personIds).execute(),
    db.selectFrom('unit').select(['id', 'parent_id']).execute(),
    db.selectFrom('unit_trainer').select(['unit_id', 'person_id']).execute(),
  ]);
  const parentOf = new Map(units.map((u) => [u.id, u.parent_id]));
  const trainersIn = new Map<number, number[]>();
  for (const t of trainers) trainersIn.set(t.unit_id, [...(trainersIn.get(t.unit_id) ?? []), t.person_id]);
  for (const m of memberships) {
    const found = new Set<number>();
    for (let unit: number | null | undefined = m.unit_id; unit != null; unit = parentOf.get(unit)) for (const t of trainersIn.get(unit) ?? []) found.add(t);
    found.delete(m.person_id);
    result.set(m.person_id, [...found]);
  }
  return result;
}

export interface LocationInput {
  name: string;
  timeZone: string;
  directions: string;
}

export async function createLocation(w: Writer, input: LocationInput): Promise<{ id: number } & LocationInput> {
  const taken = await w.db.selectFrom('location').select('id').where('name', '=', input.name).executeTakeFirst();
  if (taken) throw conflict(`a location named '${input.name}' exists`, 'name');
  const { id } = await w.db
    .insertInto('location')
    .values({ name: input.name, time_zone: input.timeZone, directions: input.directions, created_at: w.now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'location.create', entity: 'location', entityId: id, after: input });
  return { id, ...input };
}

export interface AppointmentInput {
  personIds: readonly number[];
  locationId: number;
  /** The local date and time at the location. */
  localDate: string;
  localTime: string;
  durationMinutes: number;
  purpose: Purpose;
  title: string;
  reason?: string;
}

interface VisitOrder {
  trialId: number;
  name: string;
  earliest: string;
  latest: string;
}

const when = (a: { local: { date: string; time: string } ; location: { name: string; timeZone: string; directions: string } }) =>
  `${a.local.date} at ${a.local.time} (${a.location.timeZone}), ${a.location.name}${a.location.directions ? `: ${a.location.directions}` : ''}`;

async function requireLocation(db: Db, id: number) {
  const location = await db.selectFrom('location').select(['id', 'name', 'time_zone']).where('id', '=', id).executeTakeFirst();
  if (!location) throw notFound(`location ${id}`);
  return location;
}

/**
 * Orders appointments, one per person, in the writer's transaction: each row and its first step
 * ('ordered'), one audit event naming the ids, and one inbox message to each trainer in the
 * people's chain of command, who relays it (or it goes down by itself at `auto_relay_at`).
 */
export async function orderAppointments(w: Writer, outbox: Outbox, input: AppointmentInput, settings: ScheduleSettings, visit?: VisitOrder): Promise<number[]> {
  const location = await requireLocation(w.db, input.locationId);
  const startsAt = localToInstant(input.localDate, input.localTime, location.time_zone, 'localTime');
  const people = [...new Set(input.personIds)];
  const known = await w.db.selectFrom('person').select('id').where('id', 'in', people).execute();
  const missing = people.filter((id) => !known.some((k) => k.id === id));
  if (missing.length) throw notFound(`person ${missing.join(', ')}`);
  const at = w.now.toISOString();
  const inserted = await w.db
    .insertInto('appointment')
    .values(
      people.map((person_id) => ({
        person_id,
        location_id: location.id,
        starts_at: startsAt,
        duration_minutes: input.durationMinutes,
        purpose: input.purpose,
        title: input.title,
        trial_id: visit?.trialId ?? null,
        visit_name: visit?.name ?? null,
        window_earliest: visit?.earliest ?? null,
        window_latest: visit?.latest ?? null,
        ordered_by_person_id: w.actor.personId,
        ordered_by_label: w.actor.label,
        status: 'ordered' as const,
        auto_relay_at: autoRelayAt(w.now, startsAt, settings.autoRelayMinutes),
        created_at: at,
      })),
    )
    .returning(['id', 'person_id'])
    .execute();
  const ids = inserted.map((r) => r.id);
  await w.db
    .insertInto('appointment_event')
    .values(ids.map((appointment_id) => ({ appointment_id, status: 'ordered', at, by_label: w.actor.label, note: input.reason ?? null })))
    .execute();
  await w.record({
    action: 'appointment.order',
    entity: 'appointment',
    entityId: ids[0],
    after: { ids, people, locationId: location.id, startsAt, localDate: input.localDate, localTime: input.localTime, timeZone: location.time_zone, purpose: input.purpose, title: input.title, visit: visit?.name ?? null },
    reason: input.reason ?? null,
  });
  const trainers = await trainersOf(w.db, people);
  const summonsFor = new Map<number, number>();
  for (const theirs of trainers.values()) for (const t of theirs) summonsFor.set(t, (summonsFor.get(t) ?? 0) + 1);
  const local = instantToLocal(startsAt, location.time_zone);
  for (const [trainer, count] of summonsFor) {
    await tell(w, outbox, [trainer], {
      kind: 'schedule.summons.relay',
      subject: `To relay: ${input.title} (${count} ${count === 1 ? 'person' : 'people'})`,
      body: `${w.actor.label} orders ${count === 1 ? 'one of your people' : `${count} of your people`} to ${input.title} on ${when({ local, location: { name: location.name, timeZone: location.time_zone, directions: '' } })}. Relay it from the datapad; unrelayed, it goes down by itself.`,
      link: '/schedule/relay',
    });
  }
  return ids;
}

/**
 * Schedules visits of a randomised participant, each at its due day (or a chosen day) at the local
 * time given, with its window stored. A visit already scheduled (and not cancelled) is refused:
 * the unique index `appointment_visit_once` backs the check.
 */
export async function scheduleVisits(
  w: Writer,
  outbox: Outbox,
  input: { code: string; personId: number; locationId: number; localTime: string; durationMinutes: number; visits?: readonly { name: string; localDate?: string }[]; reason: string },
  settings: ScheduleSettings,
): Promise<number[]> {
  const schedule = await visitScheduleOf(w.db, input.code, input.personId);
  const wanted: readonly { name: string; localDate?: string }[] = input.visits ?? schedule.visits.map((v) => ({ name: v.name }));
  const taken = await w.db
    .selectFrom('appointment')
    .select('visit_name')
    .where('trial_id', '=', schedule.trialId)
    .where('person_id', '=', input.personId)
    .where('status', '<>', 'cancelled')
    .execute();
  const ids: number[] = [];
  for (const [i, want] of wanted.entries()) {
    const visit = schedule.visits.find((v) => v.name === want.name);
    if (!visit) throw badRequest(`visits.${i}.name`, `'${want.name}' is not a visit of ${schedule.code} (${schedule.visits.map((v) => v.name).join(', ')})`);
    if (taken.some((t) => t.visit_name === visit.name)) throw conflict(`${visit.name} of ${schedule.code} is already scheduled for person ${input.personId}`, `visits.${i}.name`);
    ids.push(
      ...(await orderAppointments(
        w,
        outbox,
        { personIds: [input.personId], locationId: input.locationId, localDate: want.localDate ?? visit.due, localTime: input.localTime, durationMinutes: input.durationMinutes, purpose: 'trial-visit', title: `${schedule.code} ${visit.name}`, reason: input.reason },
        settings,
        { trialId: schedule.trialId, name: visit.name, earliest: visit.earliest, latest: visit.latest },
      )),
    );
  }
  return ids;
}

/** The appointment's row for a move, locked on PostgreSQL (SQLite serialises writes). */
async function lockAppointment(w: Writer, id: number) {
  let query = w.db
    .selectFrom('appointment')
    .innerJoin('location', 'location.id', 'appointment.location_id')
    .select(['appointment.id', 'appointment.person_id', 'appointment.status', 'appointment.title', 'appointment.starts_at', 'appointment.trial_id', 'appointment.visit_name', 'appointment.window_earliest', 'appointment.window_latest', 'location.name', 'location.time_zone', 'location.directions'])
    .where('appointment.id', '=', id);
  if (dialectOf(w.db) === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound(`appointment ${id}`);
  return row;
}

/**
 * Moves an appointment to its next status, in the writer's transaction: checked against the
 * legal moves (model.ts) on the locked row, its step and an audit event recorded, and the people
 * concerned told (a relayed summons reaches the participant; a cancellation everyone who knew).
 */
export async function moveAppointment(w: Writer, outbox: Outbox, id: number, to: AppointmentStatus, note: string | null = null): Promise<void> {
  const row = await lockAppointment(w, id);
  if (!mayMove(row.status, to)) throw conflict(`appointment ${id} is ${row.status}; it cannot become ${to}`, 'status');
  await w.db.updateTable('appointment').set({ status: to }).where('id', '=', id).execute();
  await w.db.insertInto('appointment_event').values({ appointment_id: id, status: to, at: w.now.toISOString(), by_label: w.actor.label, note }).execute();
  await w.record({ action: `appointment.${to}`, entity: 'appointment', entityId: id, before: { status: row.status }, after: { status: to }, reason: note });
  const where = when({ local: instantToLocal(row.starts_at, row.time_zone), location: { name: row.name, timeZone: row.time_zone, directions: row.directions } });
  if (to === 'relayed') {
    await tell(w, outbox, [row.person_id], { kind: 'schedule.summons', subject: `Summons: ${row.title}`, body: `You are summoned to ${row.title} on ${where}. Acknowledge it in the datapad.`, link: '/schedule/mine' });
  } else if (to === 'cancelled') {
    const trainers = row.status === 'ordered' ? ((await trainersOf(w.db, [row.person_id])).get(row.person_id) ?? []) : [];
    const told = row.status === 'ordered' ? trainers : [row.person_id, ...trainers];
    await tell(w, outbox, told, { kind: 'schedule.cancelled', subject: `Cancelled: ${row.title}`, body: `${row.title} on ${where} is cancelled${note ? `: ${note}` : ''}.`, link: '/schedule/mine' });
  }
}

/**
 * A trial visit held at `heldAt` (a check-in, or the appointment completed): held on a local day
 * outside its window, it is a protocol deviation, recorded once through the trial. Other
 * appointments: nothing to do. Answers whether a deviation was recorded.
 */
export async function visitHeld(w: Writer, appointmentId: number, heldAt: string): Promise<boolean> {
  const row = await lockAppointment(w, appointmentId);
  if (row.trial_id === null || row.visit_name === null || row.window_earliest === null || row.window_latest === null) return false;
  const window = { earliest: row.window_earliest, latest: row.window_latest };
  const heldOn = localDateOf(heldAt, row.time_zone);
  if (againstWindow(heldOn, window) === 'inside') return false;
  return recordVisitHeldOutsideWindow(w, { trialId: row.trial_id, personId: row.person_id, name: row.visit_name, ...window, heldOn, appointmentId });
}

/** Completes an appointment: held when its check-in says, or at `heldAt`, or now; a visit held outside its window is a deviation. */
export async function completeAppointment(w: Writer, outbox: Outbox, id: number, heldAt: string | undefined, note: string | null): Promise<void> {
  const checkIn = await w.db.selectFrom('check_in').select('at').where('appointment_id', '=', id).executeTakeFirst();
  const held = checkIn?.at ?? heldAt ?? w.now.toISOString();
  if (held > w.now.toISOString()) throw badRequest('heldAt', 'must not be in the future');
  await moveAppointment(w, outbox, id, 'completed', note);
  await visitHeld(w, id, held);
}

/**
 * The schedule's work that falls due with time, done lazily whenever appointments are read and by
 * the server's timer: summonses whose trainer did not relay them go down (`auto_relay_at`),
 * appointments not held by the end of their day (a visit: its window) become missed, and reminders
 * go out, each once (`appointment_reminder` is unique per appointment and minutes before). Writes
 * nothing when nothing is due. Answers the e-mails to send.
 */
export async function processDue(db: Db, clock: Clock, settings: ScheduleSettings): Promise<Outbox> {
  const now = clock();
  const nowIso = now.toISOString();
  const lookahead = new Date(now.getTime() + Math.max(0, ...settings.reminderMinutes) * 60_000).toISOString();
  const [toRelay, maybeMissed, upcoming] = await Promise.all([
    db.selectFrom('appointment').select('id').where('status', '=', 'ordered').where('auto_relay_at', '<=', nowIso).orderBy('id').execute(),
    db
      .selectFrom('appointment')
      .innerJoin('location', 'location.id', 'appointment.location_id')
      .select(['appointment.id', 'appointment.starts_at', 'appointment.window_latest', 'location.time_zone'])
      .where('appointment.status', 'in', open)
      .where('appointment.starts_at', '<', nowIso)
      .execute(),
    settings.reminderMinutes.length === 0
      ? []
      : db
          .selectFrom('appointment')
          .leftJoin('appointment_reminder', 'appointment_reminder.appointment_id', 'appointment.id')
          .select(['appointment.id', 'appointment.starts_at', sql<string | null>`${sql.ref('appointment_reminder.minutes_before')}`.as('sent')])
          .where('appointment.status', 'in', ['relayed', 'acknowledged'])
          .where('appointment.starts_at', '>', nowIso)
          .where('appointment.starts_at', '<=', lookahead)
          .execute(),
  ]);
  const missed = maybeMissed.filter((a) => missedAfter(a, a.time_zone) <= nowIso).map((a) => a.id);
  const sentBy = new Map<number, { startsAt: string; sent: number[] }>();
  for (const r of upcoming) {
    const entry = sentBy.get(r.id) ?? { startsAt: r.starts_at, sent: [] };
    if (r.sent !== null) entry.sent.push(Number(r.sent));
    sentBy.set(r.id, entry);
  }
  const reminders = [...sentBy].map(([id, a]) => ({ id, ...dueReminders(a.startsAt, now, settings.reminderMinutes, a.sent) })).filter((r) => r.due.length > 0);
  if (toRelay.length === 0 && missed.length === 0 && reminders.length === 0) return [];

  const outbox: Outbox = [];
  await write(
    db,
    systemActor('schedule'),
    async (w) => {
      // Each is checked again on the locked row: a trainer (or another reader) may have moved it meanwhile.
      for (const { id } of toRelay) if ((await lockAppointment(w, id)).status === 'ordered') await moveAppointment(w, outbox, id, 'relayed', 'relayed automatically: not relayed in time');
      for (const id of missed) if (open.includes((await lockAppointment(w, id)).status)) await moveAppointment(w, outbox, id, 'missed', 'not held in time');
      for (const reminder of reminders) await remind(w, outbox, reminder.id, reminder.due, reminder.send!);
    },
    clock,
  );
  return outbox;
}

async function remind(w: Writer, outbox: Outbox, id: number, due: readonly number[], send: number): Promise<void> {
  const row = await lockAppointment(w, id);
  if (row.status !== 'relayed' && row.status !== 'acknowledged') return;
  const at = w.now.toISOString();
  const inserted = await w.db
    .insertInto('appointment_reminder')
    .values(due.map((minutes_before) => ({ appointment_id: id, minutes_before, sent_at: at })))
    .onConflict((oc) => oc.columns(['appointment_id', 'minutes_before']).doNothing())
    .returning('minutes_before')
    .execute();
  if (!inserted.some((r) => r.minutes_before === send)) return;
  await w.record({ action: 'appointment.remind', entity: 'appointment', entityId: id, after: { minutesBefore: send, passed: due.filter((m) => m !== send) } });
  const where = when({ local: instantToLocal(row.starts_at, row.time_zone), location: { name: row.name, timeZone: row.time_zone, directions: row.directions } });
  await tell(w, outbox, [row.person_id], { kind: 'schedule.reminder', subject: `Reminder: ${row.title}`, body: `${row.title} on ${where}.`, link: '/schedule/mine' });
}
