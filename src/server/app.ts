import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { LoggerOptions } from 'pino';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { DatabaseHandle } from '../store/db.ts';
import type { AppContext } from '../shared/context.ts';
import { answerClientError, answerFrameworkError, installErrorHandler, MAX_PARAM_LENGTH } from './errors.ts';
import { installGuard } from './guard.ts';
import { installSecurityHeaders } from './headers.ts';
import { installReads } from './reads.ts';
import { healthRoutes } from './health.ts';
import { capabilities } from '../capabilities.ts';
import { roles } from '../shared/actor.ts';
import { reads } from '../shared/reads.ts';
import type { Capability, ScreenEntry } from '../shared/capability.ts';
import { version } from './version.ts';
import { defaultWebRoot, hasWebBuild, serveWeb } from './web.ts';

export interface AppOptions {
  database: DatabaseHandle;
  clock?: Clock;
  logger?: boolean | LoggerOptions;
  secureCookies?: boolean;
  /** The built datapad (web/dist) to serve; served when present unless null. */
  webRoot?: string | null;
}

/** The largest JSON body a route accepts unless it says otherwise (imports allow more). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;


/** The datapad's home is everyone's; each capability adds its own screens. */
export const datapadScreens: readonly ScreenEntry[] = [
  { path: '/', label: 'Home', roles, needs: 'GET /api/me' },
  ...capabilities.flatMap((c: Capability) => c.screens ?? []),
];

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    ajv: undefined,
    // Refusals before a route runs answer in our error shape too (src/server/errors.ts).
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  const context: AppContext = {
    db: options.database.db,
    dialect: options.database.dialect,
    clock: options.clock ?? systemClock,
    version,
    secureCookies: options.secureCookies ?? false,
    screens: datapadScreens,
  };
  app.decorate('muster', context);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await installSecurityHeaders(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Muster API', version, description: 'Roster, training, trial and analysis. Errors are {"error":{"code","message","field"?}}.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'muster_session' }, token: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.decorate('apiRoutes', installGuard(app));
  installReads(app);
  app.get('/api/openapi.json', { config: { reads: reads.none }, schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { prefix: '/api' });
  for (const capability of capabilities) if (capability.routes) await app.register(capability.routes, { prefix: '/api' });
  const webRoot = options.webRoot === undefined ? defaultWebRoot : options.webRoot;
  if (webRoot !== null && hasWebBuild(webRoot)) await serveWeb(app, webRoot);
  return app;
}
