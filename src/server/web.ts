import { existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `vite build` puts the datapad (web/vite.config.ts); the same from src/ and from dist/. */
export const defaultWebRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

export function hasWebBuild(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

/**
 * Serves the built datapad: its files, and index.html for every other non-API GET so the app's
 * own routes survive a reload (a single-page app). Paths under /api/ keep the JSON 404.
 * The routes are outside /api/, so the policy guard does not apply to them. Their security headers
 * (the content security policy among them) are every answer's: src/server/headers.ts.
 */
export async function serveWeb(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = normalize(decodeURIComponent(request.url.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    if (path.startsWith('/api/') || path === '/api') return reply.callNotFound();
    const file = join(root, path);
    if (path !== '/' && file.startsWith(root) && existsSync(file) && statSync(file).isFile()) {
      // Vite names built assets by content hash, so they never change under the same name.
      const immutable = path.startsWith('/assets/');
      return reply.sendFile(path, { maxAge: immutable ? '365d' : 0, immutable });
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  });
}
