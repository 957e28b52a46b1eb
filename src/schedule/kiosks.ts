import { randomBytes } from 'node:crypto';
import type { Actor } from '../shared/actor.ts';
import { sha256Hex } from '../shared/canonical-json.ts';
import { conflict, notFound } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';
import type { Writer } from '../store/write.ts';

/**
 * Kiosks: device accounts bound to one location. A kiosk's token is shown once and stored as its
 * SHA-256 (like API tokens: 256 random bits need no slow hash); the guard looks it up only on
 * routes whose rule is `kioskOnly`, so a kiosk's token opens no other route (docs/schedule.md).
 */
const KIOSK_TOKEN_PREFIX = 'mst_';

export interface LocationView {
  id: number;
  name: string;
  timeZone: string;
  directions: string;
}

export async function listLocations(db: Db): Promise<LocationView[]> {
  return db.selectFrom('location').select(['id', 'name', 'time_zone as timeZone', 'directions']).orderBy('name').execute();
}

export interface KioskView {
  id: number;
  name: string;
  location: { id: number; name: string };
  createdAt: string;
  revokedAt: string | null;
}

export async function listKiosks(db: Db): Promise<KioskView[]> {
  const rows = await db
    .selectFrom('kiosk')
    .innerJoin('location', 'location.id', 'kiosk.location_id')
    .select(['kiosk.id', 'kiosk.name', 'location.id as locationId', 'location.name as locationName', 'kiosk.created_at', 'kiosk.revoked_at'])
    .orderBy('kiosk.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, location: { id: r.locationId, name: r.locationName }, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** One kiosk with its location (the kiosk page shows where it stands). */
export async function kioskWithLocation(db: Db, kioskId: number): Promise<{ id: number; name: string; location: LocationView }> {
  const row = await db
    .selectFrom('kiosk')
    .innerJoin('location', 'location.id', 'kiosk.location_id')
    .select(['kiosk.id', 'kiosk.name', 'location.id as locationId', 'location.name as locationName', 'location.time_zone', 'location.directions'])
    .where('kiosk.id', '=', kioskId)
    .executeTakeFirst();
  if (!row) throw notFound(`kiosk ${kioskId}`);
  return { id: row.id, name: row.name, location: { id: row.locationId, name: row.locationName, timeZone: row.time_zone, directions: row.directions } };
}

/** Adds a kiosk at the named location; the answer carries its token, which is never shown again. */
export async function addKiosk(w: Writer, input: { location: string; name?: string; /** The demo's well-known token; otherwise 256 random bits. */ token?: string }): Promise<KioskView & { token: string }> {
  const location = await w.db.selectFrom('location').select(['id', 'name']).where('name', '=', input.location).executeTakeFirst();
  if (!location) throw notFound(`location '${input.location}'`);
  const name = input.name ?? `Kiosk at ${location.name}`;
  const token = input.token ?? KIOSK_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const createdAt = w.now.toISOString();
  const { id } = await w.db
    .insertInto('kiosk')
    .values({ location_id: location.id, name, token_hash: sha256Hex(token), created_at: createdAt, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'kiosk.create', entity: 'kiosk', entityId: id, after: { name, locationId: location.id } });
  return { id, name, location, createdAt, revokedAt: null, token };
}

/** Revokes a kiosk: its token stops working at once. Revoking twice is refused, so nothing changes silently. */
export async function revokeKiosk(w: Writer, kioskId: number): Promise<void> {
  const kiosk = await w.db.selectFrom('kiosk').select(['id', 'revoked_at']).where('id', '=', kioskId).executeTakeFirst();
  if (!kiosk) throw notFound(`kiosk ${kioskId}`);
  if (kiosk.revoked_at) throw conflict(`kiosk ${kioskId} was already revoked at ${kiosk.revoked_at}`);
  await w.db.updateTable('kiosk').set({ revoked_at: w.now.toISOString() }).where('id', '=', kioskId).execute();
  await w.record({ action: 'kiosk.revoke', entity: 'kiosk', entityId: kioskId });
}

/** The actor of a kiosk's token, or undefined when the token is unknown or revoked (one indexed query). */
export async function authenticateKiosk(db: Db, token: string): Promise<Actor | undefined> {
  if (!token.startsWith(KIOSK_TOKEN_PREFIX)) return undefined;
  const kiosk = await db
    .selectFrom('kiosk')
    .select(['id', 'location_id', 'revoked_at'])
    .where('token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!kiosk || kiosk.revoked_at) return undefined;
  return { accountId: null, personId: null, label: `kiosk:${kiosk.id}`, roles: [], kiosk: { id: kiosk.id, locationId: kiosk.location_id } };
}

/**
 * Badges are stored as the SHA-256 of what the scanner types, so a check-in finds its person by
 * index. A badge is an identifier, not a secret (in the demo it is the designation).
 */
export const badgeHash = (badge: string) => sha256Hex(`badge:${badge.trim()}`);

/**
 * Gives people their badges, replacing any they had; one audit event for the batch (the demo
 * gives every participant one). A badge held by someone else is refused.
 */
export async function setBadges(w: Writer, badges: readonly { personId: number; badge: string }[], source: 'form' | 'demo' | 'test'): Promise<void> {
  if (badges.length === 0) return;
  const rows = badges.map((b) => ({ person_id: b.personId, badge_hash: badgeHash(b.badge), created_at: w.now.toISOString() }));
  if (new Set(rows.map((r) => r.badge_hash)).size < rows.length) throw conflict('two people cannot share a badge', 'badge');
  const personIds = rows.map((r) => r.person_id);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const held = await w.db
      .selectFrom('badge')
      .select('person_id')
      .where('badge_hash', 'in', chunk.map((r) => r.badge_hash))
      .where('person_id', 'not in', personIds.slice(i, i + CHUNK))
      .executeTakeFirst();
    if (held) throw conflict(`a badge given here belongs to person ${held.person_id}`, 'badge');
    await w.db.deleteFrom('badge').where('person_id', 'in', chunk.map((r) => r.person_id)).execute();
    await w.db.insertInto('badge').values(chunk).execute();
  }
  await w.record({ action: 'badge.set', entity: 'badge', entityId: personIds[0], after: { source, personIds } });
}

/** Rows per statement: well under SQLite's 32,766 bound parameters. */
const CHUNK = 1000;
