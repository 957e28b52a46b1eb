import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { LoggerOptions } from 'pino';
import { analysisRoutes } from '../analysis/routes.ts';
import { assessRoutes } from '../assess/routes.ts';
import { auditRoutes } from '../audit/routes.ts';
import { authRoutes } from '../auth/routes.ts';
import { cohortRoutes } from '../cohort/routes.ts';
import { drillRoutes } from '../drills/routes.ts';
import { rosterRoutes } from '../roster/routes.ts';
import { trainingRoutes } from '../training/routes.ts';
import { wellnessRoutes } from '../wellness/routes.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { DatabaseHandle } from '../store/db.ts';
import type { AppContext } from './context.ts';
import { installErrorHandler } from './errors.ts';
import { installGuard } from './guard.ts';
import { healthRoutes } from './health.ts';
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

/** Every capability's routes, under /api. A new capability adds its plugin here. */
const capabilities = [healthRoutes, authRoutes, rosterRoutes, auditRoutes, analysisRoutes, trainingRoutes, drillRoutes, assessRoutes, wellnessRoutes, cohortRoutes];

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    ajv: undefined,
  });
  const context: AppContext = {
    db: options.database.db,
    dialect: options.database.dialect,
    clock: options.clock ?? systemClock,
    version,
    secureCookies: options.secureCookies ?? false,
  };
  app.decorate('muster', context);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

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
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const capability of capabilities) await app.register(capability, { prefix: '/api' });
  const webRoot = options.webRoot === undefined ? defaultWebRoot : options.webRoot;
  if (webRoot !== null && hasWebBuild(webRoot)) await serveWeb(app, webRoot);
  return app;
}
