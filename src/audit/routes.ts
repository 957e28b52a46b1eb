import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditValuesFor, unitScope } from '../access/index.ts';
import { accountHolders } from '../auth/index.ts';
import { isoDateSchema, listPeople, listUnits } from '../roster/index.ts';
import type { Actor } from '../shared/actor.ts';
import { actorOf } from '../shared/context.ts';
import type { Db } from '../store/db.ts';
import { foldSignIns, signInActions } from './model.ts';
import { listAuditEvents, verifyAudit, type AuditQuery, type ListedEvent } from './store.ts';
import { auditKeyFromEnvironment } from './anchors.ts';
import { answeredAbout, reads } from '../shared/reads.ts';
import { badRequest } from '../shared/errors.ts';

/** The people an audit event is about: a person's own record, or a row that names them (`personId`). */
function peopleIn(event: { entity: string; entityId: string; before: unknown; after: unknown }): number[] {
  const ids = event.entity === 'person' && /^\d+$/.test(event.entityId) ? [Number(event.entityId)] : [];
  for (const values of [event.before, event.after]) {
    const personId = (values as { personId?: unknown } | null)?.personId;
    if (typeof personId === 'number') ids.push(personId);
  }
  return ids;
}

/** Events read at a time while folding sign-ins until a page of rows is complete. */
const FOLD_BATCH = 500;

/**
 * One page of rows, newest first, and the seq to ask before for the next page (null: no more).
 * Folded, a row is complete once an event after it is read, so batches are read until `limit` rows are.
 */
async function auditPage(db: Db, query: Omit<AuditQuery, 'excludeActions'>, signIns: 'show' | 'fold' | 'hide') {
  if (signIns !== 'fold') {
    const events = await listAuditEvents(db, { ...query, excludeActions: signIns === 'hide' ? signInActions : undefined });
    return { rows: events.map((e) => ({ ...e, count: 1, folded: [] })), nextBeforeSeq: events.length === query.limit ? events[events.length - 1].seq : null };
  }
  const read: ListedEvent[] = [];
  let beforeSeq = query.beforeSeq;
  for (;;) {
    const batch = await listAuditEvents(db, { ...query, beforeSeq, limit: FOLD_BATCH });
    read.push(...batch);
    const rows = foldSignIns(read);
    if (rows.length > query.limit || batch.length < FOLD_BATCH) {
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return { rows: page, nextBeforeSeq: rows.length > query.limit ? (last.folded[last.folded.length - 1]?.seq ?? last.seq) : null };
    }
    beforeSeq = batch[batch.length - 1].seq;
  }
}

const personName = (p: { rank: string; name: string; designation: string }) => `${p.rank ? `${p.rank} ` : ''}${p.name} (${p.designation})`;

/**
 * Names for the people, units and accounts the events are about and the accounts that acted, as far
 * as the reader may see them (their unit scope); anything else keeps its id.
 */
async function namesFor(db: Db, reader: Actor, events: readonly { actorAccountId: number | null; entity: string; entityId: string; before: unknown; after: unknown }[]) {
  const idsOf = (entity: string) => events.flatMap((e) => (e.entity === entity && /^\d+$/.test(e.entityId) ? [Number(e.entityId)] : []));
  const accountIds = [...idsOf('account'), ...events.flatMap((e) => (e.actorAccountId === null ? [] : [e.actorAccountId]))];
  const holders = await accountHolders(db, accountIds);
  const personIds = [...new Set([...events.flatMap(peopleIn), ...holders.values()])];
  const scope = await unitScope(db, reader);
  const unitIds = [...new Set(idsOf('unit'))].filter((id) => scope === 'all' || scope.includes(id));
  const [people, units] = await Promise.all([
    personIds.length ? listPeople(db, { ids: personIds, ...(scope !== 'all' && { unitIds: scope }) }) : [],
    unitIds.length ? listUnits(db, unitIds) : [],
  ]);
  const personById = new Map(people.map((p) => [p.id, personName(p)]));
  const unitById = new Map(units.map((u) => [u.id, u.name]));
  const holderName = (accountId: number | null) => (accountId === null ? null : (personById.get(holders.get(accountId) ?? -1) ?? null));
  return {
    actorName: (e: { actorAccountId: number | null }) => holderName(e.actorAccountId),
    entityName: (e: { entity: string; entityId: string }) => {
      const id = Number(e.entityId);
      if (e.entity === 'person') return personById.get(id) ?? null;
      if (e.entity === 'unit') return unitById.get(id) ?? null;
      if (e.entity === 'account') return holderName(id);
      return null;
    },
  };
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
        summary: 'Audit events, newest first, filtered; with names for the people, units and accounts, and sign-ins folded if asked',
        querystring: z.strictObject({
          entity: z.string().max(100).optional().describe('person, unit, account, session, …'),
          entityId: z.string().max(100).optional(),
          actor: z.string().max(200).optional().describe("who acted: a username or a label such as 'cli user add', any case"),
          action: z.string().max(100).optional().describe('an action (person.update) or its family (person: every person.*)'),
          from: isoDateSchema.optional().describe('first day (UTC), included'),
          to: isoDateSchema.optional().describe('last day (UTC), included'),
          signIns: z
            .enum(['show', 'fold', 'hide'])
            .default('show')
            .describe(`sign-ins and sign-outs (${signInActions.join(', ')}): each a row, or consecutive ones of an actor on a day as one row with a count, or left out`),
          beforeSeq: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100).describe('rows (a folded row counts once)'),
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
                actorName: z.string().nullable().describe("the acting account's holder, when you may see them"),
                action: z.string(),
                entity: z.string(),
                entityId: z.string(),
                entityName: z.string().nullable().describe('the person, unit or account holder, when you may see them'),
                before: z.unknown(),
                after: z.unknown(),
                reason: z.string().nullable(),
                hash: z.string(),
                count: z.number().describe('events in this row: more than 1 for folded sign-ins'),
                folded: z.array(z.object({ seq: z.number(), at: z.string() })).describe('the older events folded into this row'),
              }),
            ),
            nextBeforeSeq: z.number().nullable().describe('beforeSeq for the next (older) page; null: none'),
          }),
        },
      },
    },
    async (request) => {
      const { signIns, ...query } = request.query;
      if (query.from && query.to && query.from > query.to) throw badRequest('to', `must not be before from (${query.from})`);
      const page = await auditPage(db, query, signIns);
      const events = page.rows.map(auditValuesFor);
      const names = await namesFor(db, actorOf(request), events);
      answeredAbout(request, events.flatMap(peopleIn));
      return { events: events.map((e) => ({ ...e, actorName: names.actorName(e), entityName: names.entityName(e) })), nextBeforeSeq: page.nextBeforeSeq };
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
