import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../shared/http-params.ts';
import { listAccessLog } from '../access/index.ts';
import { write } from '../store/write.ts';
import { createPerson, getPerson, listPeople, updatePerson } from '../roster/index.ts';
import { personFields } from '../roster/index.ts';
import { actorOf } from '../shared/context.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import { SESSION_HOURS } from './model.ts';
import { roles, type Actor } from '../shared/actor.ts';
import {
  accountHolders,
  accountLinkStatus,
  accountOfPerson,
  emailOf,
  checkLogin,
  createAccount,
  createApiToken,
  createLogin,
  createSession,
  endSession,
  listApiTokens,
  resetPassword,
  revokeApiToken,
  unlockAccount,
  useAccountLink,
  useSetupLink,
  type AccountLink,
} from './store.ts';
import { reads } from '../shared/reads.ts';

const anonymous = (username: string): Actor => ({ accountId: null, personId: null, label: `anonymous (as ${username.slice(0, 64)})`, roles: [] });

export const meSchema = z.object({
  accountId: z.number(),
  username: z.string(),
  personId: z.number(),
  designation: z.string(),
  name: z.string(),
  rank: z.string(),
  unit: z.object({ id: z.number(), name: z.string() }).nullable(),
  roles: z.array(z.enum(roles)),
  csrfToken: z.string().nullable(),
  /** The datapad's menu for these roles: the server decides, the datapad draws it. */
  screens: z.array(z.object({ path: z.string(), label: z.string() })),
});

/** Where the person opens their one-time link in the datapad (web/src/auth/AccountSetupPage.tsx). */
const ACCOUNT_SETUP_PATH = '/account-setup';
const setupLinkView = z.object({ path: z.string().describe(`${ACCOUNT_SETUP_PATH}?token=…: the datapad's page to set a password, shown once`), expiresAt: z.string() });
const setupLinkOf = (link: AccountLink) => ({ path: `${ACCOUNT_SETUP_PATH}?token=${encodeURIComponent(link.token)}`, expiresAt: link.expiresAt });
const accountView = z.object({ id: z.number(), username: z.string(), createdAt: z.string(), hasPassword: z.boolean(), lockedUntil: z.string().nullable(), linkExpiresAt: z.string().nullable() });

const credentials = z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) });

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  async function sessionReply(actor: Actor, accountId: number, reply: FastifyReply) {
    const session = await write(db, actor, (w) => createSession(w, accountId), clock);
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: app.muster.secureCookies,
      path: '/',
      maxAge: SESSION_HOURS * 3600,
    });
    return describe(actor, session.csrfToken);
  }

  async function describe(actor: Actor, csrfToken: string | null) {
    const person = await getPerson(db, actor.personId!);
    return {
      accountId: actor.accountId!,
      username: actor.label,
      personId: person.id,
      designation: person.designation,
      name: person.name,
      rank: person.rank,
      unit: person.unit,
      roles: [...actor.roles],
      csrfToken,
      screens: app.muster.screens.filter((s) => s.roles.some((r) => actor.roles.includes(r))).map(({ path, label }) => ({ path, label })),
    };
  }

  app.post(
    '/auth/login',
    {
      config: { reads: reads.none, rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], summary: 'Sign in; sets an httpOnly session cookie', body: credentials, response: { 200: meSchema } },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const result = await write(db, anonymous(username), (w) => checkLogin(w, username, password), clock);
      if (!result.ok) throw result.error;
      return sessionReply(result.actor, result.actor.accountId!, reply);
    },
  );

  app.post('/auth/logout', { config: { reads: reads.none }, schema: { tags: ['auth'], summary: 'Sign out', response: { 204: z.null() } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await write(db, actorOf(request), (w) => endSession(w, token), clock);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  // The datapad's first question: answered 200 either way, so a signed-out start logs no failed request.
  // GET /api/me keeps its 401 for tools and tests that rely on it.
  app.get(
    '/session',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['auth'],
        summary: 'Whether this browser is signed in, and who as (what GET /api/me answers), without a 401 when nobody is',
        response: { 200: z.union([z.object({ signedIn: z.literal(true), me: meSchema }), z.object({ signedIn: z.literal(false) })]) },
      },
    },
    async (request) => {
      const actor = request.actor;
      if (!actor || actor.accountId === null || actor.personId === null) return { signedIn: false as const };
      return { signedIn: true as const, me: await describe(actor, request.csrfToken) };
    },
  );

  app.get('/me', { config: { reads: reads.none }, schema: { tags: ['auth'], summary: 'Who is signed in', response: { 200: meSchema } } }, async (request) => {
    return describe(actorOf(request), request.csrfToken);
  });

  app.get(
    '/me/access-log',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['auth'],
        summary: "Who viewed my data, newest first: one entry per viewer and day (in my unit's time zone), with how many reads and of what",
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(200).describe('entries (viewer and day), not reads') }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                date: z.string(),
                at: z.string().describe('the latest read of the day'),
                viewer: z.string(),
                count: z.number(),
                reads: z.array(z.object({ what: z.string(), count: z.number() })),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (actor.personId === null) return { entries: [] };
      const entries = await listAccessLog(db, actor.personId, request.query.limit);
      // Viewers by rank, name and role, as a participant knows them, not by username.
      const holders = await accountHolders(db, entries.flatMap((e) => (e.viewerAccountId === null ? [] : [e.viewerAccountId])));
      const people = new Map((await listPeople(db, { ids: [...new Set(holders.values())] })).map((p) => [p.id, p]));
      const nameOf = (accountId: number | null) => {
        const person = accountId === null ? undefined : people.get(holders.get(accountId)!);
        return person && `${person.rank ? `${person.rank} ` : ''}${person.name} (${person.roles.join(', ')})`;
      };
      return { entries: entries.map(({ viewerAccountId, ...e }) => ({ ...e, viewer: nameOf(viewerAccountId) ?? e.viewer })) };
    },
  );

  const tokenView = z.object({ id: z.number(), name: z.string(), createdAt: z.string(), expiresAt: z.string().nullable(), revokedAt: z.string().nullable() });

  app.get('/auth/tokens', { config: { reads: reads.none }, schema: { tags: ['auth'], summary: 'My API tokens', response: { 200: z.object({ tokens: z.array(tokenView) }) } } }, async (request) => ({
    tokens: await listApiTokens(db, actorOf(request).accountId!),
  }));

  app.post(
    '/auth/tokens',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token for scripts; the token is shown once',
        body: z.strictObject({ name: z.string().trim().min(1).max(100), expiresAt: z.iso.datetime().nullable().default(null) }),
        response: { 201: z.object({ id: z.number(), name: z.string(), token: z.string(), expiresAt: z.string().nullable() }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const created = await write(db, actor, (w) => createApiToken(w, actor.accountId!, request.body.name, request.body.expiresAt), clock);
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/auth/tokens/:id',
    { config: { reads: reads.none }, schema: { tags: ['auth'], summary: 'Revoke an API token', params: idParams, response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = actorOf(request);
      await write(db, actor, (w) => revokeApiToken(w, actor.accountId!, request.params.id), clock);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/people/:id/account',
    {
      // Their e-mail address is theirs: the read goes in their access log.
      config: { reads: reads.person('login and e-mail address') },
      schema: {
        tags: ['auth'],
        summary: "A person's login (none: null) and the address their notifications go to by e-mail",
        params: idParams,
        response: { 200: z.object({ account: accountView.nullable(), email: z.string().nullable() }) },
      },
    },
    async (request) => {
      const email = await emailOf(db, request.params.id);
      return { account: await accountOfPerson(db, request.params.id, clock()), email };
    },
  );

  app.post(
    '/people/:id/account',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['auth'],
        summary: 'Give a person a login: with a password, or without one and a one-time link for them to set it; roles, when given, replace theirs',
        params: idParams,
        body: z.strictObject({ username: z.string().trim().min(1).max(100), password: z.string().max(1000).optional(), roles: personFields.roles.optional() }),
        response: { 201: z.object({ id: z.number(), username: z.string(), setupLink: setupLinkView.optional() }) },
      },
    },
    async (request, reply) => {
      const { username, password, roles: newRoles } = request.body;
      const personId = request.params.id;
      const created = await write(
        db,
        actorOf(request),
        async (w) => {
          // Through the roster's change, so its rules hold: nobody changes their own roles, grants of health-data roles are told.
          if (newRoles) await updatePerson(w, personId, { roles: newRoles });
          if (password !== undefined) return createAccount(w, { username, password, personId });
          const { link, ...account } = await createLogin(w, personId, username);
          return { ...account, setupLink: setupLinkOf(link) };
        },
        clock,
      );
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/people/:id/account/reset',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['auth'],
        summary: "Reset a person's password: the old one stops working, their sessions end, and a new one-time link lets them set another",
        params: idParams,
        response: { 200: z.object({ setupLink: setupLinkView }) },
      },
    },
    async (request) => ({ setupLink: setupLinkOf(await write(db, actorOf(request), (w) => resetPassword(w, request.params.id), clock)) }),
  );

  app.post(
    '/people/:id/account/unlock',
    {
      config: { reads: reads.none },
      schema: { tags: ['auth'], summary: 'Unlock a login locked after wrong passwords', params: idParams, response: { 200: z.object({ account: accountView }) } },
    },
    async (request) => {
      await write(db, actorOf(request), (w) => unlockAccount(w, request.params.id), clock);
      return { account: (await accountOfPerson(db, request.params.id, clock()))! };
    },
  );

  app.get(
    '/account-setup',
    {
      config: { reads: reads.none, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Whether a one-time set-up link still works, and the username it sets a password for',
        querystring: z.strictObject({ token: z.string().min(1).max(200) }),
        response: { 200: z.object({ valid: z.boolean(), username: z.string().nullable() }) },
      },
    },
    async (request) => accountLinkStatus(db, request.query.token, clock()),
  );

  app.post(
    '/account-setup',
    {
      config: { reads: reads.none, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Set my password with the one-time link an admin gave me, and sign in',
        body: z.strictObject({ token: z.string().min(1).max(200), password: z.string().max(1000) }),
        response: { 200: meSchema },
      },
    },
    async (request, reply) => {
      const system: Actor = { accountId: null, personId: null, label: 'set-up link', roles: [] };
      const actor = await write(db, system, (w) => useAccountLink(w, request.body.token, request.body.password), clock);
      return sessionReply(actor, actor.accountId!, reply);
    },
  );

  app.post(
    '/setup',
    {
      config: { reads: reads.none, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Create the first admin with the one-time link printed by `muster serve` on a new database',
        body: z.strictObject({
          token: z.string().min(1),
          username: z.string().trim().min(1).max(100),
          password: z.string().max(1000),
          name: personFields.name,
          designation: personFields.designation.default('ADMIN-1'),
        }),
        response: { 200: meSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const system: Actor = { accountId: null, personId: null, label: 'setup link', roles: ['admin'] };
      const account = await write(
        db,
        system,
        async (w) => {
          await useSetupLink(w, body.token);
          const person = await createPerson(w, { designation: body.designation, name: body.name, rank: '', status: 'active', dateOfBirth: null, sex: null, unitId: null, roles: ['admin'] });
          const created = await createAccount(w, { username: body.username, password: body.password, personId: person.id });
          return { ...created, personId: person.id };
        },
        clock,
      );
      return sessionReply({ accountId: account.id, personId: account.personId, label: account.username, roles: ['admin'] }, account.id, reply);
    },
  );
};
