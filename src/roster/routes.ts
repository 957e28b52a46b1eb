import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../shared/http-params.ts';
import { roles, type Actor } from '../shared/actor.ts';
import { requirePersonVisible, requireUnitVisible, unitScope } from '../access/index.ts';
import { write } from '../store/write.ts';
import { actorOf } from '../shared/context.ts';
import { badRequest } from '../shared/errors.ts';
import { acceptCsvBodies, answerImport, CSV_BODY_LIMIT } from '../shared/csv-body.ts';
import { personFields, personStatuses, timeZoneSchema } from './model.ts';
import { runRosterImport } from './import.ts';
import {
  chainOfCommand,
  createPerson,
  createUnit,
  getPerson,
  getUnit,
  listPeople,
  listPeoplePage,
  listUnits,
  movePerson,
  setEmail,
  setUnitStaff,
  unitHistory,
  updatePerson,
  type PersonView,
} from './store.ts';
import { reads } from '../shared/reads.ts';

const personRef = z.object({ id: z.number(), designation: z.string(), name: z.string(), rank: z.string() });
const unitView = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.string(),
  parentId: z.number().nullable(),
  timeZone: z.string(),
  commander: personRef.nullable(),
  trainers: z.array(personRef),
  strength: z.number(),
});
/** The directory entry: what a roster list shows. Personal details only come with one person's record. */
const directoryEntry = z.object({
  id: z.number(),
  designation: z.string(),
  name: z.string(),
  rank: z.string(),
  status: z.enum(personStatuses),
  unit: z.object({ id: z.number(), name: z.string() }).nullable(),
  roles: z.array(z.enum(roles)),
});
const personRecord = directoryEntry.extend({ dateOfBirth: z.string().nullable(), sex: z.enum(['female', 'male']).nullable() });

const toDirectoryEntry = ({ dateOfBirth: _d, sex: _s, ...entry }: PersonView) => entry;

export const rosterRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  app.get('/units', { config: { reads: reads.none }, schema: { tags: ['roster'], summary: 'Units you may see, with commander, trainers and strength', response: { 200: z.object({ units: z.array(unitView) }) } } }, async (request) => {
    const scope = await unitScope(db, actorOf(request));
    return { units: await listUnits(db, scope === 'all' ? undefined : scope) };
  });

  app.get('/units/:id', { config: { reads: reads.none }, schema: { tags: ['roster'], params: idParams, response: { 200: unitView } } }, async (request) => {
    await requireUnitVisible(db, actorOf(request), request.params.id);
    return getUnit(db, request.params.id);
  });

  app.post(
    '/units',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['roster'],
        summary: 'Create a unit',
        body: z.strictObject({ name: z.string().trim().min(1).max(100), kind: z.string().trim().min(1).max(50), parentId: z.number().int().positive().nullable().default(null), timeZone: timeZoneSchema }),
        response: { 201: unitView },
      },
    },
    async (request, reply) => reply.status(201).send(await write(db, actorOf(request), (w) => createUnit(w, request.body), clock)),
  );

  app.put(
    '/units/:id/staff',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['roster'],
        summary: "Set a unit's commander (an investigator) and trainers",
        params: idParams,
        body: z.strictObject({ commanderId: z.number().int().positive().nullable().optional(), trainerIds: z.array(z.number().int().positive()).optional() }),
        response: { 200: unitView },
      },
    },
    async (request) => write(db, actorOf(request), async (w) => {
      await getUnit(w.db, request.params.id);
      return setUnitStaff(w, request.params.id, request.body);
    }, clock),
  );

  app.get(
    '/people',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['roster'],
        summary: 'The roster you may see (trainers: their units and those below), in designation order; with limit, one page of it',
        querystring: z.strictObject({
          unitId: z.coerce.number().int().positive().optional(),
          role: z.enum(roles).optional(),
          q: z.string().max(100).optional().describe('part of a designation or a name, any case'),
          limit: z.coerce.number().int().min(1).max(500).optional().describe('page size; without it, everyone matching'),
          offset: z.coerce.number().int().min(0).default(0).describe('people to skip (with limit)'),
        }),
        response: { 200: z.object({ people: z.array(directoryEntry), total: z.number().describe('everyone matching, over all pages') }) },
      },
    },
    async (request) => {
      const scope = await unitScope(db, actorOf(request));
      const { unitId, role, q, limit, offset } = request.query;
      let unitIds = scope === 'all' ? undefined : scope;
      if (unitId !== undefined) unitIds = unitIds ? unitIds.filter((id) => id === unitId) : [unitId];
      const filter = { unitIds, role, search: q };
      if (limit === undefined) {
        const people = await listPeople(db, filter);
        return { people: people.map(toDirectoryEntry), total: people.length };
      }
      const page = await listPeoplePage(db, filter, { limit, offset });
      return { people: page.people.map(toDirectoryEntry), total: page.total };
    },
  );

  async function visiblePerson(request: { actor: Actor | undefined }, id: number) {
    await requirePersonVisible(db, actorOf(request), id);
    return getPerson(db, id);
  }

  app.get('/people/:id', { config: { reads: reads.person('roster record') }, schema: { tags: ['roster'], summary: "One person's record (recorded in their access log)", params: idParams, response: { 200: personRecord } } }, async (request) => {
    return visiblePerson(request, request.params.id);
  });

  app.get(
    '/people/:id/chain',
    { config: { reads: reads.person('chain of command') }, schema: { tags: ['roster'], summary: 'Chain of command, nearest first', params: idParams, response: { 200: z.object({ chain: z.array(z.object({ relation: z.enum(['trainer', 'commander']), unitId: z.number(), unitName: z.string(), level: z.number(), person: personRef })) }) } } },
    async (request) => {
      await visiblePerson(request, request.params.id);
      return { chain: await chainOfCommand(db, request.params.id) };
    },
  );

  app.get(
    '/people/:id/units',
    { config: { reads: reads.person('unit history') }, schema: { tags: ['roster'], summary: 'Unit membership history with effective dates', params: idParams, response: { 200: z.object({ history: z.array(z.object({ unitId: z.number(), unitName: z.string(), from: z.string(), to: z.string().nullable() })) }) } } },
    async (request) => {
      await visiblePerson(request, request.params.id);
      return { history: await unitHistory(db, request.params.id) };
    },
  );

  app.post(
    '/people',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['roster'],
        summary: 'Add a person to the roster',
        body: z.strictObject({
          ...personFields,
          rank: personFields.rank.default(''),
          status: personFields.status.default('active'),
          dateOfBirth: personFields.dateOfBirth.default(null),
          sex: personFields.sex.default(null),
          unitId: z.number().int().positive().nullable(),
        }),
        response: { 201: personRecord },
      },
    },
    async (request, reply) => reply.status(201).send(await write(db, actorOf(request), (w) => createPerson(w, request.body), clock)),
  );

  app.patch(
    '/people/:id',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['roster'],
        summary: 'Change a person (designation, name, rank, status, date of birth, sex, roles, e-mail address); a reason goes in the audit trail',
        params: idParams,
        body: z.strictObject({
          designation: personFields.designation.optional(),
          name: personFields.name.optional(),
          rank: personFields.rank.optional(),
          status: personFields.status.optional(),
          dateOfBirth: personFields.dateOfBirth.optional(),
          sex: personFields.sex.optional(),
          roles: personFields.roles.optional(),
          email: z.email().max(254).nullable().optional().describe('where notifications go by e-mail; null: the in-app inbox only'),
          reason: z.string().max(500).optional(),
        }),
        response: { 200: personRecord },
      },
    },
    async (request) => write(db, actorOf(request), async (w) => {
      const { email, ...patch } = request.body;
      await getPerson(w.db, request.params.id);
      if (email !== undefined) await setEmail(w, request.params.id, email);
      return updatePerson(w, request.params.id, patch);
    }, clock),
  );

  app.post(
    '/people/:id/move',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['roster'],
        summary: 'Move a person to another unit from a date; the history is kept',
        params: idParams,
        body: z.strictObject({ unitId: z.number().int().positive(), effectiveFrom: z.iso.datetime({ offset: true }).optional(), reason: z.string().max(500).optional() }),
        response: { 200: personRecord },
      },
    },
    async (request) => {
      const { unitId, effectiveFrom, reason } = request.body;
      return write(
        db,
        actorOf(request),
        async (w) => {
          const from = effectiveFrom ? new Date(effectiveFrom) : w.now;
          // The current unit is the latest membership: one dated ahead would show them in a unit they have not joined.
          if (from > w.now) throw badRequest('effectiveFrom', 'must not be in the future: move them on the day they join the unit');
          return movePerson(w, request.params.id, unitId, from, reason);
        },
        clock,
      );
    },
  );

  app.register(async (csvScope) => {
    acceptCsvBodies(csvScope);
    csvScope.post(
      '/roster/import',
      {
        config: { reads: reads.none },
        bodyLimit: CSV_BODY_LIMIT,
        schema: {
          tags: ['roster'],
          summary: 'Import a roster CSV (designation,name,rank,unit,role[,status,date_of_birth,sex]); all rows or none',
          consumes: ['text/csv'],
          body: z.string(),
          response: { 200: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }) },
        },
      },
      async (request, reply) => answerImport(request, reply, (source) => runRosterImport(db, actorOf(request), source, clock)),
    );
  });
};
