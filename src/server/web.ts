import { existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `vite build` puts the datapad (web/vite.config.ts); the same from src/ and from dist/. */
export const defaultWebRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The content security policy of the datapad's pages: only its own scripts, styles and API.
 * Inline style attributes are allowed because the chart library positions labels with them.
 */
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function hasWebBuild(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

/**
 * Serves the built datapad: its files, and index.html for every other non-API GET so the app's
 * own routes survive a reload (a single-page app). Paths under /api/ keep the JSON 404.
 * The routes are outside /api/, so the policy guard does not apply to them.
 */
export async function serveWeb(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = normalize(decodeURIComponent(request.url.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    if (path.startsWith('/api/') || path === '/api') return reply.callNotFound();
    reply.header('x-content-type-options', 'nosniff');
    const file = join(root, path);
    if (path !== '/' && file.startsWith(root) && existsSync(file) && statSync(file).isFile()) {
      // Vite names built assets by content hash, so they never change under the same name.
      const immutable = path.startsWith('/assets/');
      return reply.sendFile(path, { maxAge: immutable ? '365d' : 0, immutable });
    }
    reply.header('content-security-policy', contentSecurityPolicy);
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  });
}
