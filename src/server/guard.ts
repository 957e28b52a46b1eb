import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkRule, ruleFor } from '../access/index.ts';
import { capabilityPolicy } from '../capabilities.ts';
import { publicRoute, type RouteRule } from '../shared/capability.ts';
import { authenticateApiToken, authenticateSession, SESSION_COOKIE, type Authenticated } from '../auth/index.ts';
import { AppError } from '../shared/errors.ts';
import { authenticateKiosk } from '../schedule/index.ts';


/** Who may call each route: every capability's rules, and the server's own. */
export const routePolicy: Readonly<Record<string, RouteRule>> = {
  'GET /api/health': publicRoute,
  'GET /api/openapi.json': publicRoute,
  ...capabilityPolicy,
};
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function authenticate(app: FastifyInstance, request: FastifyRequest, rule: RouteRule | undefined): Promise<Authenticated | undefined> {
  const now = app.muster.clock();
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    // A kiosk's token is looked up on kiosk routes only, and only a kiosk's token there: neither opens the other's routes.
    if (rule?.kind === 'kiosk') {
      const kiosk = await authenticateKiosk(app.muster.db, header.slice(7).trim());
      if (!kiosk) throw new AppError('unauthenticated', 'the kiosk token is not valid or the kiosk was revoked');
      return { actor: kiosk, csrfToken: null };
    }
    const found = await authenticateApiToken(app.muster.db, header.slice(7).trim(), now);
    if (!found) throw new AppError('unauthenticated', 'the API token is not valid, expired or revoked');
    return found;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? authenticateSession(app.muster.db, cookie, now) : undefined;
}

/**
 * Runs before every API route: who is asking, and does the policy let them. Cookie sessions
 * must also send the session's CSRF token on unsafe methods (a cross-site page cannot read it).
 */
export function installGuard(app: FastifyInstance): string[] {
  const apiRoutes: string[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') apiRoutes.push(`${method} ${route.url}`);
  });
  // Fail at start-up, not at the first request, when a route has no policy entry.
  app.addHook('onReady', async () => {
    const uncovered = apiRoutes.filter((r) => {
      const [method, url] = r.split(' ');
      return !ruleFor(routePolicy, method, url);
    });
    if (uncovered.length) throw new Error(`routes without a policy entry in their capability's manifest (src/<capability>/index.ts): ${uncovered.join(', ')}`);
  });
  app.decorateRequest('actor', undefined);
  app.decorateRequest('csrfToken', null);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url || !url.startsWith('/api/')) return;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const rule = ruleFor(routePolicy, method, url);
    const auth = await authenticate(app, request, rule);
    request.actor = auth?.actor;
    request.csrfToken = auth?.csrfToken ?? null;
    checkRule(rule, auth?.actor);
    if (auth?.csrfToken && !SAFE_METHODS.has(method) && request.headers['x-csrf-token'] !== auth.csrfToken) {
      throw new AppError('forbidden', 'missing or wrong x-csrf-token header (cross-site request protection)');
    }
  });
  return apiRoutes;
}
