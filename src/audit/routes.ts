import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditValuesFor } from '../access/index.ts';
import { listAuditEvents, verifyAudit } from './store.ts';
import { auditKeyFromEnvironment } from './anchors.ts';
import { answeredAbout, reads } from '../shared/reads.ts';

/** The people an audit event is about: a person's own record, or a row that names them (`personId`). */
function peopleIn(event: { entity: string; entityId: string; before: unknown; after: unknown }): number[] {
  const ids = event.entity === 'person' && /^\d+$/.test(event.entityId) ? [Number(event.entityId)] : [];
  for (const values of [event.before, event.after]) {
    const personId = (values as { personId?: unknown } | null)?.personId;
    if (typeof personId === 'number') ids.push(personId);
  }
  return ids;
}

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.muster;
  // A configured audit key that cannot be read stops the server here, not at its first write.
  auditKeyFromEnvironment();

  app.get(
    '/audit',
    {
      config: { reads: reads.people('audit trail') },
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
    async (request) => {
      const events = (await listAuditEvents(db, request.query)).map(auditValuesFor);
      answeredAbout(request, events.flatMap(peopleIn));
      return { events };
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['audit'],
        summary: 'Check the hash chain of the whole audit trail',
        response: { 200: z.object({ ok: z.boolean(), verified: z.number(), firstBad: z.object({ seq: z.number().nullable(), id: z.number().nullable(), reason: z.string() }).optional() }) },
      },
    },
    async () => verifyAudit(db, { key: auditKeyFromEnvironment() }),
  );
};
