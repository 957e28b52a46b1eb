/**
 * Private calendar feeds (docs/schedule.md): a URL with an unguessable token in its path, which a
 * phone or desktop calendar subscribes to without signing in. The token is shown once and stored
 * as its SHA-256 (256 random bits need no slow hash); one live feed per account, revocable.
 */
import { randomBytes } from 'node:crypto';
import { personScope } from '../access/index.ts';
import type { Actor, Role } from '../shared/actor.ts';
import { sha256Hex } from '../shared/canonical-json.ts';
import type { Db } from '../store/db.ts';
import type { Writer } from '../store/write.ts';
import { listAppointments, type AppointmentView } from './appointments.ts';
import { calendarFeed, type CalendarEvent } from './ical.ts';

const FEED_TOKEN_PREFIX = 'cal_';
const tokenHash = (token: string) => sha256Hex(`calendar-feed:${token}`);

/** Revokes the account's live feed, if any; answers whether there was one. */
export async function revokeFeed(w: Writer, accountId: number): Promise<boolean> {
  const revoked = await w.db.updateTable('calendar_feed').set({ revoked_at: w.now.toISOString() }).where('account_id', '=', accountId).where('revoked_at', 'is', null).returning('id').execute();
  if (revoked.length) await w.record({ action: 'calendar-feed.revoke', entity: 'calendar_feed', entityId: revoked[0].id, after: { ids: revoked.map((r) => r.id) } });
  return revoked.length > 0;
}

/** A new feed for the account (the old one stops working); answers its token, shown once. */
export async function createFeed(w: Writer, accountId: number): Promise<string> {
  await revokeFeed(w, accountId);
  const token = FEED_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const { id } = await w.db.insertInto('calendar_feed').values({ account_id: accountId, token_hash: tokenHash(token), created_at: w.now.toISOString(), revoked_at: null }).returning('id').executeTakeFirstOrThrow();
  await w.record({ action: 'calendar-feed.create', entity: 'calendar_feed', entityId: id });
  return token;
}

/**
 * The account a live feed token opens, as the actor whose appointments the feed carries; undefined
 * for an unknown, revoked or disabled one. The account is auth's row, read here, never written.
 */
export async function feedOwner(db: Db, token: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('calendar_feed')
    .innerJoin('account', 'account.id', 'calendar_feed.account_id')
    .select(['account.id', 'account.username', 'account.person_id', 'account.disabled'])
    .where('calendar_feed.token_hash', '=', tokenHash(token))
    .where('calendar_feed.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.disabled) return undefined;
  const roles = await db.selectFrom('person_role').select('role').where('person_id', '=', row.person_id).execute();
  return { accountId: row.id, personId: row.person_id, label: row.username, roles: roles.map((r) => r.role as Role) };
}

/** How far back a feed reaches: calendars keep what they already have. */
const FEED_DAYS_BACK = 31;
const FEED_LIMIT = 2000;

/**
 * The appointments a feed carries: a participant's own; a trainer's units' people (theirs to
 * relay); and what the owner ordered. Never everyone's, even for those who may see everyone: the
 * feed is the owner's diary, so only the trainer and participant part of their scope counts.
 */
export async function feedAppointments(db: Db, owner: Actor, now: Date): Promise<AppointmentView[]> {
  const diary = await personScope(db, { ...owner, roles: owner.roles.filter((r) => r === 'trainer' || r === 'participant') });
  const from = new Date(now.getTime() - FEED_DAYS_BACK * 86_400_000).toISOString();
  return listAppointments(db, diary, { from, orderedBy: owner.personId ?? undefined, limit: FEED_LIMIT });
}

const icalStatus: Record<AppointmentView['status'], CalendarEvent['status']> = {
  ordered: 'TENTATIVE',
  relayed: 'CONFIRMED',
  acknowledged: 'CONFIRMED',
  'checked-in': 'CONFIRMED',
  completed: 'CONFIRMED',
  missed: 'CONFIRMED',
  cancelled: 'CANCELLED',
};

/** The feed's text: one event per appointment, its UID stable across fetches. */
export function feedText(owner: Actor, appointments: readonly AppointmentView[], host: string, steps: ReadonlyMap<number, number>, now: Date): string {
  return calendarFeed(
    `Muster: ${owner.label}`,
    appointments.map((a) => ({
      uid: `appointment-${a.id}@${host}`,
      start: a.startsAt,
      durationMinutes: a.durationMinutes,
      zone: a.location.timeZone,
      summary: a.person.id === owner.personId ? a.title : `${a.title}: ${[a.person.rank, a.person.name].filter(Boolean).join(' ')} (${a.person.designation})`,
      location: [a.location.name, a.location.directions].filter(Boolean).join(', '),
      description: `${a.purpose}, ordered by ${a.orderedBy}; ${a.status}.`,
      status: icalStatus[a.status],
      sequence: steps.get(a.id) ?? 0,
    })),
    now,
  );
}

/** How many steps each appointment has had: its SEQUENCE, so a calendar replaces an event that changed. */
export async function stepCounts(db: Db, ids: readonly number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('appointment_event').select(['appointment_id', (eb) => eb.fn.countAll<number>().as('n')]).where('appointment_id', 'in', ids).groupBy('appointment_id').execute();
  return new Map(rows.map((r) => [r.appointment_id, Number(r.n) - 1]));
}
