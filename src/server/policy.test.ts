import { expect, it } from 'vitest';
import { roles } from '../shared/actor.ts';
import { ruleFor } from '../access/index.ts';
import { routePolicy } from './guard.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from './test-databases.ts';
import { makeWorld, sessionFor, startTestApp } from './testing.ts';

const auditLength = async (db: Db) => (await db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq;

describeEachDatabase('every route with every role', (database) => {
  it('answers as the policy says, and a refused request writes nothing', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const routes = client.app.apiRoutes;
    expect(routes.length).toBeGreaterThan(15);

    const checked: string[] = [];
    for (const route of routes) {
      const [method, url] = route.split(' ');
      const rule = ruleFor(routePolicy, method, url);
      expect(rule, `${route} has no policy entry`).toBeDefined();
      if (!rule) continue;
      // A password reset ends its person's sessions: it is aimed at someone whose session the loop does not use.
      const personId = route === 'POST /api/people/:id/account/reset' ? world.otherParticipantId : world.ownParticipantId;
      const path = url.replace(/:id\b/g, String(personId)).replace(/:[a-zA-Z]+/g, '1').replace(/\*$/, 'index.html');
      const payload = method === 'GET' || method === 'DELETE' ? undefined : {};

      for (const who of ['anonymous', ...roles] as const) {
        const before = await auditLength(database().db);
        // Signing out ends the session, so that route gets a session of its own.
        const session = who === 'anonymous' ? undefined : route === 'POST /api/auth/logout' ? await sessionFor(database(), [who]) : world.sessions[who];
        const response = await client.request({ method: method as 'GET', url: path, payload, as: session });
        // No role passes a kiosk route: only a kiosk's token does (src/schedule/kiosk.test.ts).
        const allowed = rule.kind === 'public' || (who !== 'anonymous' && (rule.kind === 'signed-in' || (rule.kind === 'roles' && rule.roles.includes(who))));
        const label = `${route} as ${who} -> ${response.statusCode} ${response.body.slice(0, 120)}`;
        if (allowed) {
          expect([401, 403], label).not.toContain(response.statusCode);
        } else {
          expect(response.statusCode, label).toBe(who === 'anonymous' ? 401 : 403);
          expect(await auditLength(database().db), `${label} wrote to the audit trail`).toBe(before);
        }
        checked.push(label);
      }
    }
    expect(checked.length).toBe(routes.length * (roles.length + 1));
  });

  it('has no policy entry for a route that does not exist', async () => {
    const client = await startTestApp(database());
    const registered = new Set(client.app.apiRoutes);
    const stale = Object.keys(routePolicy).filter((key) => !registered.has(key));
    expect(stale).toEqual([]);
  });
});
