import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { expect, it } from 'vitest';
import { capabilities } from '../capabilities.ts';
import type { Capability } from '../shared/capability.ts';
import type { AppContext } from '../shared/context.ts';
import { datapadScreens } from './app.ts';
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
