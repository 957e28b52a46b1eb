import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { recordAccess, recordDeclaredRead } from '../access/index.ts';
import '../shared/reads.ts';

/** The API documentation pages are the plugin's routes: no participant data, no declaration. */
const isDocs = (url: string) => url === '/api/docs' || url.startsWith('/api/docs/');

/**
 * Every /api route declares which participant data it reads (`config: { reads }`,
 * src/shared/reads.ts): the server refuses to start when one does not. After a successful answer,
 * one hook writes the access log from the declaration (src/access). A streamed answer (an export)
 * names its people page by page; each page's people are logged before the page goes out.
 */
export function installReads(app: FastifyInstance): void {
  const undeclared: string[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || isDocs(route.url)) return;
    const methods = [route.method].flat().filter((m) => m !== 'HEAD');
    if (methods.length && !route.config?.reads) undeclared.push(`${methods.join(',')} ${route.url}`);
  });
  app.addHook('onReady', async () => {
    if (undeclared.length) throw new Error(`routes without a read declaration (config: { reads } from src/shared/reads.ts): ${undeclared.join(', ')}`);
  });
  app.decorateRequest('answeredAbout', null);
  app.addHook('onSend', async (request, reply, payload) => {
    const read = request.routeOptions.config?.reads;
    const viewer = request.actor;
    if (!read || read.kind === 'none' || !viewer || reply.statusCode >= 400 || request.method === 'HEAD') return payload;
    const { db, clock } = app.muster;
    if (read.kind === 'people' && payload instanceof Readable) {
      const logged = new Set<number>();
      const flush = async () => {
        const fresh = [...(request.answeredAbout?.people ?? [])].filter((id) => !logged.has(id));
        fresh.forEach((id) => logged.add(id));
        await recordAccess(db, viewer, fresh, request.answeredAbout?.what ?? read.what, clock);
      };
      async function* pages(source: Readable) {
        for await (const chunk of source) {
          await flush();
          yield chunk as Buffer | string;
        }
        await flush();
      }
      return Readable.from(pages(payload));
    }
    await recordDeclaredRead(db, viewer, read, { params: request.params, answered: request.answeredAbout }, clock);
    return payload;
  });
}
