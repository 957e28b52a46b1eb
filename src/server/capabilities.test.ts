import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { expect, it } from 'vitest';
import { capabilities } from '../capabilities.ts';
import type { Capability } from '../shared/capability.ts';
import type { AppContext } from '../shared/context.ts';
import { buildApp, datapadScreens } from './app.ts';
import { reads } from '../shared/reads.ts';
import { installReads } from './reads.ts';
import { routePolicy } from './guard.ts';
import { describeEachDatabase } from './test-databases.ts';
import { startTestApp } from './testing.ts';

/** The routes a capability's plugin registers, as "METHOD /api/url". */
async function routesOf(capability: Capability, context: AppContext): Promise<string[]> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('muster', context);
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  if (capability.routes) await app.register(capability.routes, { prefix: '/api' });
  await app.ready();
  await app.close();
  return routes;
}

it('offers each menu entry only to roles the policy lets call the route the screen needs', () => {
  for (const screen of datapadScreens) {
    const rule = routePolicy[screen.needs];
    expect(rule, `${screen.path} needs ${screen.needs}, which has no policy entry`).toBeDefined();
    if (rule?.kind === 'roles') for (const role of screen.roles) expect(rule.roles, `${screen.path} is offered to ${role}`).toContain(role);
  }
});

describeEachDatabase('capability manifests', (database) => {
  it("declare the policy of exactly the routes they register, so a capability's folder is all it takes", async () => {
    const { app } = await startTestApp(database());
    for (const capability of capabilities as readonly Capability[]) {
      const registered = await routesOf(capability, app.muster);
      expect(Object.keys(capability.policy ?? {}).sort(), capability.name).toEqual(registered.sort());
    }
  });
});

describeEachDatabase('default deny at start-up', (database) => {
  it('refuses to start with a route that has no policy entry', async () => {
    const app = await buildApp({ database: database() });
    app.get('/api/undeclared', { config: { reads: reads.none } }, async () => ({}));
    await expect(app.ready()).rejects.toThrow(/without a policy entry.*GET \/api\/undeclared/);
  });
});

it('refuses to start with a route that does not declare which participant data it reads', async () => {
  const app = Fastify();
  installReads(app);
  app.get('/api/undeclared', async () => ({}));
  await expect(app.ready()).rejects.toThrow(/without a read declaration.*GET \/api\/undeclared/);
});
