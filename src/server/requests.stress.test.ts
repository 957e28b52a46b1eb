import fc from 'fast-check';
import { expect, it } from 'vitest';
import { loadDemo } from '../demo/load.ts';
import { roles, type Role } from '../shared/actor.ts';
import type { Db } from '../store/db.ts';
import { ruleFor } from '../access/index.ts';
import { DEFAULT_BODY_LIMIT } from './app.ts';
import { routePolicy } from './guard.ts';
import {
  answeredWithin,
  changedTables,
  errorShapeProblem,
  expectNoProblems,
  operationsOf,
  requestFor,
  rowCounter,
  type KnownValues,
  writeMarker,
  type Operation,
} from './request-testing.ts';
import { byForm } from './stress.ts';
import { describeEachDatabase, dialects } from './test-databases.ts';
import { startTestApp, type Client, type Session } from './testing.ts';
import { demoSession } from './walk-testing.ts';

/** Requests per route and caller: the long form sends over 10,000 to each database. */
const PER_ROUTE_AND_CALLER = byForm(1, 10);
/** Longer than any honest answer takes here, even on a busy machine: past it, the server stalled. */
const STALL_MS = byForm(30_000, 15_000);
const seed = Number(process.env.MUSTER_SEED ?? Date.now() % 2 ** 31);

type Caller = 'anonymous' | Role;
const callers: readonly Caller[] = ['anonymous', ...roles];

/**
 * The short form sends each route's requests from half the callers on each database (in turn, so
 * that every caller reaches every route on one of them): about 1,000 requests in all.
 */
const callersOf = (route: number, dialect: number) => callers.filter((_, i) => byForm((i + route + dialect) % 2 === 0, true));

/** A refused sign-in with a real username counts towards the lockout: the one write a refusal makes. */
const refusalEvents = new Set(['account.login_failed', 'account.locked']);

/** Real ids and codes from the demo, by what each path parameter names. */
async function demoValues(db: Db, client: Client, participant: Session): Promise<KnownValues> {
  const ids = async (table: 'unit' | 'training_session' | 'training_set' | 'exercise' | 'drill' | 'assessment' | 'appointment' | 'kiosk' | 'api_token' | 'notification' | 'analysis_dataset') =>
    (await db.selectFrom(table).select('id').orderBy('id').limit(3).execute()).map((r) => String(r.id));
  const signedIn = db.selectFrom('account').select('person_id').where('person_id', 'is not', null);
  const participants = (
    await db.selectFrom('person_role').select('person_id').where('role', '=', 'participant').where('person_id', 'not in', signedIn).orderBy('person_id').limit(3).execute()
  ).map((r) => String(r.person_id));
  const feed = new URL((await client.request({ method: 'POST', url: '/api/me/calendar-feed', as: participant })).json().url);
  const pools: Record<string, string[]> = {
    units: await ids('unit'),
    'training/sessions': await ids('training_session'),
    'training/sets': await ids('training_set'),
    exercises: await ids('exercise'),
    drills: await ids('drill'),
    assessments: await ids('assessment'),
    appointments: await ids('appointment'),
    kiosks: await ids('kiosk'),
    'auth/tokens': await ids('api_token'),
    'me/inbox': await ids('notification'),
    'analysis/datasets': await ids('analysis_dataset'),
  };
  const codes = (await db.selectFrom('trial').select('code').execute()).map((r) => r.code);
  const byName: Record<string, string[]> = { code: codes, date: ['2026-03-02', new Date().toISOString().slice(0, 10)], token: [feed.pathname.split('/').at(-1)!], drillId: pools.drills, personId: participants };
  return (operation: Operation, name: string) => {
    if (byName[name]) return byName[name];
    if (operation.path.includes('/participants/{id}') || operation.path.startsWith('/api/people/')) return participants;
    const pool = Object.entries(pools).find(([prefix]) => operation.path.startsWith(`/api/${prefix}/`));
    return pool?.[1] ?? participants;
  };
}

describeEachDatabase('generated requests to every route of the OpenAPI document', (database) => {
  it(
    'answer every caller without a 5xx or a stall, refuse in our error shape, and write nothing when they refuse',
    async () => {
      const db = database().db;
      await loadDemo(db, { participants: 6 });
      // A still clock: nothing falls due during the run (the schedule's lazy work would write on any read).
      const still = new Date();
      const client = await startTestApp(database(), () => new Date(still));
      const sessions = {} as Record<Role, Session>;
      for (const role of roles) sessions[role] = await demoSession(db, role);
      const known = await demoValues(db, client, sessions.participant);
      // What was due when the demo was loaded is done now, before the first batch.
      expect((await client.request({ url: '/api/appointments', as: sessions.admin })).statusCode).toBe(200);
      const operations = operationsOf(client.app.swagger());
      expect(operations.length).toBeGreaterThan(100);

      const counts = await rowCounter(db, database().dialect);
      const problems: string[] = [];
      const hits = new Map<string, number>();
      let sent = 0;
      for (const [index, operation] of operations.entries()) {
        const rule = ruleFor(routePolicy, operation.method, operation.route.split(' ')[1]);
        const allowed = (caller: Caller) => rule?.kind === 'public' || (caller !== 'anonymous' && (rule?.kind === 'signed-in' || (rule?.kind === 'roles' && rule.roles.includes(caller))));
        // First the callers the policy refuses, a batch that must write nothing at all; then the others.
        const some = callersOf(index, dialects.indexOf(database().dialect));
        for (const group of [some.filter((c) => !allowed(c)), some.filter(allowed)]) {
          const batch = group.flatMap((caller) =>
            fc.sample(requestFor(operation, known, DEFAULT_BODY_LIMIT + 1024), { seed: seed + index * 31 + callers.indexOf(caller), numRuns: PER_ROUTE_AND_CALLER }).map((request) => ({ caller, request })),
          );
          // Signing out ends the session, so each sign-out gets a session of its own, made before the batch.
          const own = await Promise.all(batch.map(({ caller }) => (caller !== 'anonymous' && operation.route === 'POST /api/auth/logout' ? demoSession(db, caller) : undefined)));
          let before = await counts();
          let allRefused = true;
          let marked = false;
          let lockouts = 0;
          for (const [i, { caller, request }] of batch.entries()) {
            const as = caller === 'anonymous' ? undefined : (own[i] ?? sessions[caller]);
            const label = `${request.method} ${request.url.slice(0, 160)} as ${caller} [${request.how.slice(0, 200)}]`;
            const mark = await writeMarker(db);
            let response;
            try {
              response = await answeredWithin(STALL_MS, label, client.request({ method: request.method as 'GET', url: request.url, headers: request.headers, payload: request.payload, as }));
            } catch (error) {
              problems.push(String(error).slice(0, 400));
              continue;
            }
            sent += 1;
            hits.set(operation.route, (hits.get(operation.route) ?? 0) + 1);
            const status = response.statusCode;
            if (status >= 500) problems.push(`${status} ${response.body.slice(0, 200)} <- ${label}`);
            if (status >= 400 && status < 500) {
              const shape = errorShapeProblem(response);
              if (shape) problems.push(`${status} not in our shape (${shape}) <- ${label}`);
            }
            const wrote = (await writeMarker(db)) !== mark;
            marked ||= wrote;
            if (status < 400) allRefused = false;
            else if (wrote) {
              const events = await db.selectFrom('audit_event').select('action').where('seq', '>', Number(/audit (\d+)/.exec(mark)?.[1] ?? 0)).execute();
              if (events.length && events.every((e) => refusalEvents.has(e.action))) lockouts += events.length;
              else problems.push(`${status} refused but wrote (${mark} -> ${await writeMarker(db)}: ${events.map((e) => e.action).join(', ')}) <- ${label}`);
            }
            // A generated request may sign the caller out or end its session (a role change, a discharge): sign in again.
            if (status === 401 && caller !== 'anonymous' && as === sessions[caller] && (await client.request({ url: '/api/me', as })).statusCode === 401) {
              sessions[caller] = await demoSession(db, caller);
              before = await counts();
            }
          }
          const after = await counts();
          const changed = changedTables(before, after);
          const onlyLockouts = changed.every((t) => t === 'audit_event') && after.audit_event - before.audit_event === lockouts;
          const what = `${operation.route} as ${[...new Set(batch.map((b) => b.caller))].join(', ')}`;
          if (allRefused && changed.length && !onlyLockouts) problems.push(`a batch of refused requests wrote rows to ${changed.join(', ')}: ${what}`);
          if (!marked && changed.length) problems.push(`rows written without an audit event or access log: ${changed.join(', ')}: ${what}`);
        }
      }
      expect(Object.keys(await counts()).length, 'tables counted').toBeGreaterThan(40);
      const missed = operations.map((o) => o.route).filter((route) => !hits.has(route));
      console.log(`[${database().dialect}] seed ${seed}: ${sent} generated requests over ${hits.size} of ${operations.length} routes, as anonymous and ${roles.length} roles${byForm(' (short form: half of them per route on each database)', '')}; ${problems.length} problems`);
      expect(missed, 'routes of the document no request reached').toEqual([]);
      expect(sent).toBeGreaterThanOrEqual(byForm(operations.length * 4, 10_000));
      expectNoProblems(problems, `problems (seed ${seed}; rerun with MUSTER_SEED=${seed})`);
    },
    byForm(300_000, 3_600_000),
  );
});
