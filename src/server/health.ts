import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ping } from '../store/db.ts';
import { reads } from '../shared/reads.ts';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['system'],
        summary: 'Liveness and database check',
        response: { 200: z.object({ status: z.literal('ok'), db: z.enum(['sqlite', 'postgres']), version: z.string() }) },
      },
    },
    async () => {
      await ping(app.muster.db);
      return { status: 'ok' as const, db: app.muster.dialect, version: app.muster.version };
    },
  );
};
