import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditValuesFor } from '../access/index.ts';
import { listAuditEvents, verifyAudit } from './store.ts';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.muster;

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit events, newest first',
        querystring: z.strictObject({
          entity: z.string().optional(),
          entityId: z.string().optional(),
          beforeSeq: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({
            events: z.array(
              z.object({
                id: z.number(),
                seq: z.number(),
                at: z.string(),
                actorAccountId: z.number().nullable(),
                actorLabel: z.string(),
                action: z.string(),
                entity: z.string(),
                entityId: z.string(),
                before: z.unknown(),
                after: z.unknown(),
                reason: z.string().nullable(),
                hash: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ events: (await listAuditEvents(db, request.query)).map(auditValuesFor) }),
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Check the hash chain of the whole audit trail',
        response: { 200: z.object({ ok: z.boolean(), verified: z.number(), firstBad: z.object({ seq: z.number().nullable(), id: z.number().nullable(), reason: z.string() }).optional() }) },
      },
    },
    async () => verifyAudit(db),
  );
};
