import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The content security policy of every answer: only Muster's own scripts, styles and API.
 * Inline style attributes are allowed because the chart library (and Swagger UI at /api/docs)
 * positions with them; Swagger UI's scripts are its own files, so /api/docs works under the same policy.
 */
export const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Security headers on every answer (issue 14: /index.html and /api/* lacked them), errors and
 * pages of the datapad included: the policy above, `X-Content-Type-Options: nosniff`, framing
 * refused (`frame-ancestors 'none'` and `X-Frame-Options: DENY`), and `Cache-Control: no-store`
 * on /api, whose answers carry people's data.
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
    frameguard: { action: 'deny' },
    // Served over plain HTTP on a workstation as often as behind TLS: HSTS is the proxy's to send.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/api' || request.url.startsWith('/api/') || request.url.startsWith('/api?')) reply.header('cache-control', 'no-store');
  });
}
