import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkRule, ruleFor } from '../auth/policy.ts';
import { authenticateApiToken, authenticateSession, type Authenticated } from '../auth/store.ts';
import { AppError } from '../shared/errors.ts';

export const SESSION_COOKIE = 'muster_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<Authenticated | undefined> {
  const now = app.muster.clock();
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
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
export function installGuard(app: FastifyInstance): void {
  app.decorateRequest('actor', undefined);
  app.decorateRequest('csrfToken', null);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url || !url.startsWith('/api/')) return;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const auth = await authenticate(app, request);
    request.actor = auth?.actor;
    request.csrfToken = auth?.csrfToken ?? null;
    checkRule(ruleFor(method, url), auth?.actor);
    if (auth?.csrfToken && !SAFE_METHODS.has(method) && request.headers['x-csrf-token'] !== auth.csrfToken) {
      throw new AppError('forbidden', 'missing or wrong x-csrf-token header (cross-site request protection)');
    }
  });
}
