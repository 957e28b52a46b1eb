import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, pathId } from '../shared/http-params.ts';
import { requireLeaderboardVisible, requirePersonVisible } from '../access/index.ts';
import { write } from '../store/write.ts';
import { isoDateSchema } from '../roster/index.ts';
import { getPerson, getUnit } from '../roster/index.ts';
import { unitsBelow } from '../access/index.ts';
import { actorOf } from '../shared/context.ts';
import { badRequest } from '../shared/errors.ts';
import { localToInstant } from '../shared/time.ts';
import { loadAmountSchema, loadUnits, notesSchema } from '../training/index.ts';
import { zoneOf } from '../roster/index.ts';
import { preferredLoadUnit } from '../training/index.ts';
import { durationInput, sides, strengthKinds } from './model.ts';
import {
  createDrill,
  getDrill,
  isOptedOut,
  leaderboard,
  listDrills,
  listProtocols,
  personDrills,
  personStrengthTests,
  recordAttempt,
  recordStrengthTest,
  setLeaderboardOptOut,
} from './store.ts';
import { answeredAbout, reads } from '../shared/reads.ts';

const timeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time is HH:MM (24-hour)');
const localInstantView = z.object({ at: z.string(), date: z.string(), time: z.string(), offset: z.string() });
const personRef = z.object({ id: z.number(), designation: z.string(), name: z.string(), rank: z.string() });
const drillView = z.object({ id: z.number(), name: z.string(), standardS: z.number(), standard: z.string(), description: z.string() });
const attemptView = z.object({
  id: z.number(),
  drill: z.object({ id: z.number(), name: z.string(), standard: z.string() }),
  at: localInstantView,
  timeS: z.number(),
  time: z.string(),
  passed: z.boolean(),
  notes: z.string(),
});
const loadView = z.object({ value: z.number(), unit: z.enum(loadUnits), kg: z.number(), enteredUnit: z.enum(loadUnits) });

/** Timed drills against standards, leaderboards, and strength tests with their protocols. */
export const drillRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  app.get('/drills', { config: { reads: reads.none }, schema: { tags: ['drills'], summary: 'Timed drills and their standards', response: { 200: z.object({ drills: z.array(drillView) }) } } }, async () => ({ drills: await listDrills(db) }));

  app.post(
    '/drills',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['drills'],
        summary: 'Add a timed drill; passed when done within the standard (e.g. "5:00")',
        body: z.strictObject({ name: z.string().trim().min(1).max(100), standard: durationInput, description: z.string().max(2000).default('') }),
        response: { 201: drillView },
      },
    },
    async (request, reply) => {
      const { name, standard, description } = request.body;
      return reply.status(201).send(await write(db, actorOf(request), (w) => createDrill(w, { name, standardS: standard, description }), clock));
    },
  );

  app.post(
    '/drills/:id/attempts',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['drills'],
        summary: "Record a timed attempt (time as 4:32 or seconds; date and time local to the person's unit)",
        params: idParams,
        body: z.strictObject({ personId: z.number().int().positive(), date: isoDateSchema, time: timeSchema, result: durationInput, notes: notesSchema.default('') }),
        response: { 201: attemptView },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { personId, date, time, result, notes } = request.body;
      await getDrill(db, request.params.id);
      await requirePersonVisible(db, actor, personId);
      const person = await getPerson(db, personId);
      const performedAt = localToInstant(date, time, await zoneOf(db, person));
      const id = await write(db, actor, (w) => recordAttempt(w, { drillId: request.params.id, personId, performedAt, timeS: result, notes }), clock);
      const { attempts } = await personDrills(db, personId);
      return reply.status(201).send(attempts.find((a) => a.id === id)!);
    },
  );

  app.get(
    '/people/:id/drills',
    { config: { reads: reads.person('drill results') }, schema: { tags: ['drills'], summary: "A person's drill attempts, pass or fail, and personal bests", params: idParams, response: { 200: z.object({ attempts: z.array(attemptView), bests: z.array(attemptView) }) } } },
    async (request) => {
      await requirePersonVisible(db, actorOf(request), request.params.id);
      return personDrills(db, request.params.id);
    },
  );

  app.get(
    '/units/:id/drills/:drillId/leaderboard',
    {
      config: { reads: reads.people('leaderboard') },
      schema: {
        tags: ['drills'],
        summary: 'Best times at a drill in a unit and the units below; participants who opted out appear without their name',
        params: z.strictObject({ id: pathId, drillId: pathId }),
        response: {
          200: z.object({
            drill: drillView,
            entries: z.array(z.object({ rank: z.number(), person: personRef.nullable(), you: z.boolean(), timeS: z.number(), time: z.string(), passed: z.boolean(), date: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const unitId = request.params.id;
      await requireLeaderboardVisible(db, actor, unitId);
      const unit = await getUnit(db, unitId);
      const drill = await getDrill(db, request.params.drillId);
      const entries = await leaderboard(db, drill, await unitsBelow(db, [unit.id]), unit.timeZone, actor.personId);
      answeredAbout(request, entries.flatMap((e) => (e.person ? [e.person.id] : [])), `leaderboard ${drill.name}`);
      return { drill, entries };
    },
  );

  const optOutView = z.object({ optOut: z.boolean() });
  app.get('/me/leaderboards', { config: { reads: reads.none }, schema: { tags: ['drills'], summary: 'Whether my name is left off leaderboards', response: { 200: optOutView } } }, async (request) => {
    const actor = actorOf(request);
    return { optOut: actor.personId !== null && (await isOptedOut(db, actor.personId)) };
  });

  app.put(
    '/me/leaderboards',
    { config: { reads: reads.none }, schema: { tags: ['drills'], summary: 'Leave my name off unit leaderboards (or put it back)', body: z.strictObject({ optOut: z.boolean() }), response: { 200: optOutView } } },
    async (request) => {
      const actor = actorOf(request);
      if (actor.personId === null) throw badRequest(undefined, 'only a person on the roster appears on leaderboards');
      await write(db, actor, (w) => setLeaderboardOptOut(w, actor.personId!, request.body.optOut), clock);
      return request.body;
    },
  );

  app.get(
    '/strength-protocols',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['drills'],
        summary: 'Strength test protocols (1RM, grip dynamometer, jumps) with their instructions',
        response: { 200: z.object({ protocols: z.array(z.object({ id: z.number(), key: z.string(), name: z.string(), kind: z.enum(strengthKinds), unit: z.string(), sided: z.boolean(), trials: z.number(), protocol: z.string() })) }) },
      },
    },
    async () => ({ protocols: await listProtocols(db) }),
  );

  const testView = z.object({
    id: z.number(),
    protocol: z.object({ id: z.number(), key: z.string(), name: z.string(), kind: z.enum(strengthKinds) }),
    exercise: z.object({ id: z.number(), name: z.string() }).nullable(),
    at: localInstantView,
    trials: z.array(z.object({ side: z.enum(sides), trial: z.number(), value: z.number(), load: loadView.nullable(), success: z.boolean() })),
    results: z.array(z.object({ side: z.enum(sides), best: z.number(), unit: z.string() })),
    notes: z.string(),
  });

  app.post(
    '/strength-tests',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['drills'],
        summary: 'Record a strength test: its trials in order (grip: left/right, up to three each; 1RM: attempts made or missed)',
        body: z.strictObject({
          personId: z.number().int().positive(),
          protocolId: z.number().int().positive(),
          exerciseId: z.number().int().positive().nullable().default(null),
          date: isoDateSchema,
          time: timeSchema,
          loadUnit: z.enum(loadUnits).optional(),
          trials: z.array(z.strictObject({ side: z.enum(sides).nullable().default(null), value: loadAmountSchema, success: z.boolean().default(true) })).min(1, 'at least one trial'),
          notes: notesSchema.default(''),
        }),
        response: { 201: testView },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { personId, date, time, loadUnit, ...rest } = request.body;
      await requirePersonVisible(db, actor, personId);
      const person = await getPerson(db, personId);
      const performedAt = localToInstant(date, time, await zoneOf(db, person));
      const viewerUnit = await preferredLoadUnit(db, actor.accountId);
      const id = await write(db, actor, (w) => recordStrengthTest(w, { ...rest, personId, performedAt, loadUnit: loadUnit ?? viewerUnit }), clock);
      return reply.status(201).send((await personStrengthTests(db, personId, viewerUnit)).find((t) => t.id === id)!);
    },
  );

  app.get(
    '/people/:id/strength-tests',
    { config: { reads: reads.person('strength tests') }, schema: { tags: ['drills'], summary: "A person's strength tests with the best trial per side", params: idParams, response: { 200: z.object({ tests: z.array(testView) }) } } },
    async (request) => {
      const actor = actorOf(request);
      await requirePersonVisible(db, actor, request.params.id);
      return { tests: await personStrengthTests(db, request.params.id, await preferredLoadUnit(db, actor.accountId)) };
    },
  );
};
