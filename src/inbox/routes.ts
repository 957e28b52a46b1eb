import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../shared/context.ts';
import { idParams } from '../shared/http-params.ts';
import { write } from '../store/write.ts';
import { listInbox, markRead } from './store.ts';
import { reads } from '../shared/reads.ts';

const message = z.object({ id: z.number(), kind: z.string(), subject: z.string(), body: z.string(), link: z.string().nullable(), createdAt: z.string(), readAt: z.string().nullable() });

export const inboxRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  app.get(
    '/me/inbox',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['inbox'],
        summary: 'My messages, newest first, and how many are unread',
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ messages: z.array(message), unread: z.number() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return actor.personId === null ? { messages: [], unread: 0 } : listInbox(db, actor.personId, request.query.limit);
    },
  );

  app.post(
    '/me/inbox/:id/read',
    { config: { reads: reads.none }, schema: { tags: ['inbox'], summary: 'Mark one of my messages read', params: idParams, response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.personId === null) return reply.status(204).send(null);
      await write(db, actor, (w) => markRead(w, actor.personId!, request.params.id), clock);
      return reply.status(204).send(null);
    },
  );
};
