import { createHash, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Writer } from '../store/write.ts';
import { AppError, badRequest, conflict, notFound } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';
import { ACCOUNT_LINK_DAYS, LOCKOUT_AFTER_FAILURES, LOCKOUT_MINUTES, lockoutAfterFailure, SESSION_HOURS } from './model.ts';
import { type Actor, type Role } from '../shared/actor.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

// argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's minimum recommendation).
export const hashPassword = (password: string) => argonHash(password, { algorithm: 2 });

// A fixed hash to verify against when the username is unknown, so timing does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

export const MIN_PASSWORD_LENGTH = 10;

export function checkPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw badRequest('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,99}$/;

export async function createAccount(w: Writer, input: { username: string; password: string | null; personId: number }) {
  if (input.password !== null) checkPasswordStrength(input.password);
  const username = input.username.trim().toLowerCase();
  // Typed at every sign-in, often on a phone: no spaces or punctuation to get wrong.
  if (!USERNAME.test(username)) throw badRequest('username', `'${username}' is not a username: letters, digits, '.', '_', '-' or '@', starting with a letter or digit`);
  const taken = await w.db.selectFrom('account').select(['username', 'person_id']).where((eb) => eb.or([eb('username', '=', username), eb('person_id', '=', input.personId)])).executeTakeFirst();
  if (taken?.person_id === input.personId) throw conflict(`this person already has a login (${taken.username}): reset its password instead`, 'username');
  if (taken) throw conflict(`the username '${username}' is taken: choose another`, 'username');
  const person = await w.db.selectFrom('person').select('id').where('id', '=', input.personId).executeTakeFirst();
  if (!person) throw notFound(`person ${input.personId}`);
  const { id } = await w.db
    .insertInto('account')
    .values({ username, password_hash: input.password === null ? null : await hashPassword(input.password), person_id: input.personId, created_at: w.now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'account.create', entity: 'account', entityId: id, after: { username, personId: input.personId } });
  return { id, username };
}

export async function setPassword(w: Writer, accountId: number, password: string) {
  checkPasswordStrength(password);
  await w.db.updateTable('account').set({ password_hash: await hashPassword(password), failed_logins: 0, locked_until: null }).where('id', '=', accountId).execute();
  await w.record({ action: 'account.password', entity: 'account', entityId: accountId });
}

async function rolesOf(db: Db, personId: number): Promise<Role[]> {
  const rows = await db.selectFrom('person_role').select('role').where('person_id', '=', personId).orderBy('role').execute();
  return rows.map((r) => r.role);
}

async function actorForAccount(db: Db, accountId: number): Promise<Actor | undefined> {
  const account = await db
    .selectFrom('account')
    .innerJoin('person', 'person.id', 'account.person_id')
    .select(['account.id', 'account.username', 'account.person_id', 'account.disabled', 'person.status'])
    .where('account.id', '=', accountId)
    .executeTakeFirst();
  // A discharged or withdrawn person signs in no more (their sessions and tokens also end with the change: endAccess).
  if (!account || account.disabled || account.status === 'discharged' || account.status === 'withdrawn') return undefined;
  return { accountId: account.id, personId: account.person_id, label: account.username, roles: await rolesOf(db, account.person_id) };
}

/**
 * The one answer to a refused sign-in, whatever the reason: unknown username, wrong password or a
 * locked account (README's error table).
 */
export const SIGN_IN_REFUSED = `wrong username or password (after ${LOCKOUT_AFTER_FAILURES} wrong passwords an account is locked for ${LOCKOUT_MINUTES} minutes)`;

export type LoginResult = { ok: true; actor: Actor } | { ok: false; error: AppError };

/**
 * Checks a password. Wrong passwords count towards a temporary lockout (auth/model.ts);
 * the answer does not say whether the username exists.
 */
export async function checkLogin(w: Writer, username: string, password: string): Promise<LoginResult> {
  const invalid = new AppError('unauthenticated', SIGN_IN_REFUSED);
  const account = await w.db.selectFrom('account').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
  const locked = account?.locked_until != null && account.locked_until > w.now.toISOString();
  // An unknown name, an account without a password and a locked account answer exactly as a wrong
  // password, after as long a hash (issue 14: a 423 for real names told who has an account).
  if (!account || !account.password_hash || account.disabled || locked) {
    dummyHash ??= hashPassword('not a real password at all');
    await argonVerify(await dummyHash, password);
    if (account && locked) await w.record({ action: 'account.login_refused_locked', entity: 'account', entityId: account.id });
    return { ok: false, error: invalid };
  }
  if (!(await argonVerify(account.password_hash, password))) {
    const next = lockoutAfterFailure(account.failed_logins, w.now);
    await w.db.updateTable('account').set({ failed_logins: next.failedLogins, locked_until: next.lockedUntil }).where('id', '=', account.id).execute();
    await w.record({ action: next.lockedUntil ? 'account.locked' : 'account.login_failed', entity: 'account', entityId: account.id });
    return { ok: false, error: invalid };
  }
  if (account.failed_logins || account.locked_until) await w.db.updateTable('account').set({ failed_logins: 0, locked_until: null }).where('id', '=', account.id).execute();
  const actor = await actorForAccount(w.db, account.id);
  if (!actor) return { ok: false, error: invalid };
  return { ok: true, actor };
}

/**
 * Re-authentication before a sensitive act (e.g. a trial's emergency code-break): the signed-in
 * account's own password, checked and counted towards the lockout exactly as a sign-in.
 */
export async function confirmPassword(w: Writer, accountId: number, password: string): Promise<LoginResult> {
  const account = await w.db.selectFrom('account').select('username').where('id', '=', accountId).executeTakeFirst();
  if (!account) return { ok: false, error: new AppError('unauthenticated', 'wrong username or password') };
  return checkLogin(w, account.username, password);
}

export async function createSession(w: Writer, accountId: number) {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(w.now.getTime() + SESSION_HOURS * 3_600_000).toISOString();
  const { id } = await w.db
    .insertInto('auth_session')
    .values({ token_hash: sha256(token), csrf_token: csrfToken, account_id: accountId, created_at: w.now.toISOString(), expires_at: expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'session.create', entity: 'account', entityId: accountId, after: { sessionId: id, expiresAt } });
  return { token, csrfToken, expiresAt };
}

export async function endSession(w: Writer, token: string) {
  const session = await w.db.selectFrom('auth_session').select(['id', 'account_id']).where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!session) return;
  await w.db.deleteFrom('auth_session').where('id', '=', session.id).execute();
  await w.record({ action: 'session.end', entity: 'account', entityId: session.account_id, before: { sessionId: session.id } });
}

export interface Authenticated {
  actor: Actor;
  /** Set for cookie sessions: unsafe requests must echo it in the x-csrf-token header. */
  csrfToken: string | null;
}

export async function authenticateSession(db: Db, token: string, now: Date): Promise<Authenticated | undefined> {
  const session = await db.selectFrom('auth_session').select(['account_id', 'csrf_token', 'expires_at']).where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!session || session.expires_at <= now.toISOString()) return undefined;
  const actor = await actorForAccount(db, session.account_id);
  return actor && { actor, csrfToken: session.csrf_token };
}

const TOKEN_PREFIX = 'mst_';

export async function createApiToken(w: Writer, accountId: number, name: string, expiresAt: string | null) {
  if (expiresAt !== null && Date.parse(expiresAt) <= w.now.getTime()) throw badRequest('expiresAt', 'must be in the future');
  const token = TOKEN_PREFIX + randomToken();
  const { id } = await w.db
    .insertInto('api_token')
    .values({ name, token_hash: sha256(token), account_id: accountId, created_at: w.now.toISOString(), expires_at: expiresAt, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'api_token.create', entity: 'api_token', entityId: id, after: { name, accountId, expiresAt } });
  return { id, name, token, expiresAt };
}

export async function listApiTokens(db: Db, accountId: number) {
  return db
    .selectFrom('api_token')
    .select(['id', 'name', 'created_at as createdAt', 'expires_at as expiresAt', 'revoked_at as revokedAt'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
}

export async function revokeApiToken(w: Writer, accountId: number, tokenId: number) {
  const token = await w.db.selectFrom('api_token').select(['id', 'revoked_at']).where('id', '=', tokenId).where('account_id', '=', accountId).executeTakeFirst();
  if (!token) throw notFound(`API token ${tokenId}`);
  if (token.revoked_at) return;
  await w.db.updateTable('api_token').set({ revoked_at: w.now.toISOString() }).where('id', '=', tokenId).execute();
  await w.record({ action: 'api_token.revoke', entity: 'api_token', entityId: tokenId });
}

export async function authenticateApiToken(db: Db, token: string, now: Date): Promise<Authenticated | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await db.selectFrom('api_token').select(['account_id', 'expires_at', 'revoked_at']).where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now.toISOString())) return undefined;
  const actor = await actorForAccount(db, row.account_id);
  return actor && { actor, csrfToken: null };
}

// ---- first admin on a new installation ----

/** The person each account belongs to. */
export async function accountHolders(db: Db, accountIds: readonly number[]): Promise<Map<number, number>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db.selectFrom('account').select(['id', 'person_id']).where('id', 'in', [...new Set(accountIds)]).execute();
  return new Map(rows.map((r) => [r.id, r.person_id]));
}

export async function hasAdmin(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('account')
    .innerJoin('person_role', 'person_role.person_id', 'account.person_id')
    .select('account.id')
    .where('person_role.role', '=', 'admin')
    .where('account.password_hash', 'is not', null)
    .executeTakeFirst();
  return Boolean(row);
}

/** A one-time secret that lets whoever holds it create the first admin. */
export async function createSetupLink(w: Writer): Promise<string> {
  const token = randomToken();
  const { id } = await w.db
    .insertInto('setup_link')
    .values({ token_hash: sha256(token), created_at: w.now.toISOString(), used_at: null, account_id: null, expires_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'setup_link.create', entity: 'setup_link', entityId: id });
  return token;
}

export async function useSetupLink(w: Writer, token: string): Promise<void> {
  const link = await w.db.selectFrom('setup_link').select(['id', 'used_at']).where('token_hash', '=', sha256(token)).where('account_id', 'is', null).executeTakeFirst();
  if (!link || link.used_at) throw new AppError('forbidden', 'this set-up link is not valid or was already used');
  if (await hasAdmin(w.db)) throw new AppError('forbidden', 'an admin already exists');
  await w.db.updateTable('setup_link').set({ used_at: w.now.toISOString() }).where('id', '=', link.id).execute();
  await w.record({ action: 'setup_link.use', entity: 'setup_link', entityId: link.id });
}

/**
 * Ends every session and API token of a person whose roles changed or who was discharged or
 * withdrawn (registered with the roster by src/auth/index.ts); audited with what ended and why.
 */
export async function endAccess(w: Writer, personId: number, why: string): Promise<void> {
  const account = await w.db.selectFrom('account').select('id').where('person_id', '=', personId).executeTakeFirst();
  if (!account) return;
  const sessions = await w.db.deleteFrom('auth_session').where('account_id', '=', account.id).returning('id').execute();
  const tokens = await w.db
    .updateTable('api_token')
    .set({ revoked_at: w.now.toISOString() })
    .where('account_id', '=', account.id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  if (sessions.length === 0 && tokens.length === 0) return;
  await w.record({ action: 'account.access_ended', entity: 'account', entityId: account.id, before: { sessionIds: sessions.map((r) => r.id), apiTokenIds: tokens.map((r) => r.id) }, reason: why });
}

// ---- logins an admin gives and looks after (the datapad's person page) ----

/** A person's login as the admin sees it: never the password, whether one is set and whether it is locked now. */
export interface AccountView {
  id: number;
  username: string;
  createdAt: string;
  hasPassword: boolean;
  lockedUntil: string | null;
  /** The newest set-up link not yet used, while it is valid. */
  linkExpiresAt: string | null;
}

export async function accountOfPerson(db: Db, personId: number, now: Date): Promise<AccountView | null> {
  const account = await db.selectFrom('account').select(['id', 'username', 'created_at', 'password_hash', 'locked_until']).where('person_id', '=', personId).executeTakeFirst();
  if (!account) return null;
  const link = await db
    .selectFrom('setup_link')
    .select('expires_at')
    .where('account_id', '=', account.id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const locked = account.locked_until !== null && account.locked_until > now.toISOString();
  return { id: account.id, username: account.username, createdAt: account.created_at, hasPassword: account.password_hash !== null, lockedUntil: locked ? account.locked_until : null, linkExpiresAt: link?.expires_at ?? null };
}

/** Where a person's notifications go by e-mail, for the admin's form (the roster's setEmail changes it). */
export async function emailOf(db: Db, personId: number): Promise<string | null> {
  const person = await db.selectFrom('person').select('email').where('id', '=', personId).executeTakeFirst();
  if (!person) throw notFound(`person ${personId}`);
  return person.email;
}

async function requireAccountOf(db: Db, personId: number) {
  const account = await db.selectFrom('account').select(['id', 'locked_until', 'failed_logins']).where('person_id', '=', personId).executeTakeFirst();
  if (!account) throw notFound(`a login for person ${personId}`);
  return account;
}

/** A one-time link for the account's holder to set their password; an earlier unused link of theirs stops working. */
export interface AccountLink {
  token: string;
  expiresAt: string;
}

async function issueAccountLink(w: Writer, accountId: number): Promise<AccountLink> {
  const at = w.now.toISOString();
  await w.db.updateTable('setup_link').set({ used_at: at }).where('account_id', '=', accountId).where('used_at', 'is', null).execute();
  const token = randomToken();
  const expiresAt = new Date(w.now.getTime() + ACCOUNT_LINK_DAYS * 86_400_000).toISOString();
  const { id } = await w.db.insertInto('setup_link').values({ token_hash: sha256(token), created_at: at, used_at: null, account_id: accountId, expires_at: expiresAt }).returning('id').executeTakeFirstOrThrow();
  await w.record({ action: 'setup_link.create', entity: 'account', entityId: accountId, after: { setupLinkId: id, expiresAt } });
  return { token, expiresAt };
}

/** A login without a password yet, and the link its holder sets one with. */
export async function createLogin(w: Writer, personId: number, username: string) {
  const account = await createAccount(w, { username, password: null, personId });
  return { ...account, link: await issueAccountLink(w, account.id) };
}

/**
 * A forgotten or compromised password: the old one stops working at once, the person's sessions
 * and tokens end, and a new link lets them set another.
 */
export async function resetPassword(w: Writer, personId: number): Promise<AccountLink> {
  const account = await requireAccountOf(w.db, personId);
  await w.db.updateTable('account').set({ password_hash: null, failed_logins: 0, locked_until: null }).where('id', '=', account.id).execute();
  await w.record({ action: 'account.password_reset', entity: 'account', entityId: account.id });
  await endAccess(w, personId, 'password reset');
  return issueAccountLink(w, account.id);
}

/** Lifts a lockout after wrong passwords before it runs out. */
export async function unlockAccount(w: Writer, personId: number): Promise<void> {
  const account = await requireAccountOf(w.db, personId);
  await w.db.updateTable('account').set({ failed_logins: 0, locked_until: null }).where('id', '=', account.id).execute();
  await w.record({ action: 'account.unlock', entity: 'account', entityId: account.id, before: { lockedUntil: account.locked_until, failedLogins: account.failed_logins } });
}

/** The person sets their password with the link an admin gave them; the link works once. Answers who they are now. */
/** An account's set-up link by its token, if it still works at `now` (not used, not expired). */
async function usableAccountLink(db: Db, token: string, now: Date) {
  const link = await db
    .selectFrom('setup_link')
    .innerJoin('account', 'account.id', 'setup_link.account_id')
    .select(['setup_link.id', 'setup_link.account_id', 'setup_link.used_at', 'setup_link.expires_at', 'account.username'])
    .where('setup_link.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!link || link.used_at || (link.expires_at !== null && link.expires_at <= now.toISOString())) return undefined;
  return link;
}

/** Whether a set-up link still works, and whose login it sets: the page says so before a password is typed. */
export async function accountLinkStatus(db: Db, token: string, now: Date): Promise<{ valid: boolean; username: string | null }> {
  const link = await usableAccountLink(db, token, now);
  return { valid: link !== undefined, username: link?.username ?? null };
}

export async function useAccountLink(w: Writer, token: string, password: string): Promise<Actor> {
  const link = await usableAccountLink(w.db, token, w.now);
  if (!link) throw new AppError('forbidden', 'this link is not valid, was already used or has expired: ask your administrator for a new one');
  await setPassword(w, link.account_id!, password);
  await w.db.updateTable('setup_link').set({ used_at: w.now.toISOString() }).where('id', '=', link.id).execute();
  await w.record({ action: 'setup_link.use', entity: 'account', entityId: link.account_id!, after: { setupLinkId: link.id } });
  const actor = await actorForAccount(w.db, link.account_id!);
  if (!actor) throw new AppError('forbidden', 'this login is disabled: ask your administrator');
  return actor;
}
