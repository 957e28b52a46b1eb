import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { personScope, personVisible, requirePersonVisible, requireUnitVisible, unitsBelow } from '../access/index.ts';
import { isoDateSchema, participantsOf, setEmail, timeZoneSchema } from '../roster/index.ts';
import { actorOf } from '../shared/context.ts';
import { badRequest, notFound } from '../shared/errors.ts';
import { idParams, pathId } from '../shared/http-params.ts';
import { answeredAbout, reads } from '../shared/reads.ts';
import { write } from '../store/write.ts';
import { completeAppointment, createLocation, getAppointment, listAppointments, moveAppointment, orderAppointments, processDue, scheduleVisits, visibleTo, type AppointmentView } from './appointments.ts';
import { createFeed, feedAppointments, feedOwner, feedText, revokeFeed, stepCounts } from './calendar-feed.ts';
import { listLocations } from './kiosks.ts';
import { purposes, scheduleSettings, statuses } from './model.ts';
import { deliver, type Outbox } from './notifications.ts';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const localTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a local time like 23:00');
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

const location = z.object({ id: z.number(), name: z.string(), timeZone: z.string(), directions: z.string() });
const appointment = z.object({
  id: z.number(),
  person: z.object({ id: z.number(), designation: z.string(), name: z.string(), rank: z.string() }),
  location,
  startsAt: z.string().describe('UTC instant'),
  local: z.object({ date: z.string(), time: z.string(), offset: z.string() }).describe("the start at the location, in the location's zone"),
  durationMinutes: z.number(),
  purpose: z.enum(purposes),
  title: z.string(),
  visit: z.object({ trialCode: z.string(), name: z.string(), windowEarliest: z.string(), windowLatest: z.string() }).nullable(),
  orderedBy: z.string(),
  status: z.enum(statuses),
  autoRelayAt: z.string().nullable(),
  createdAt: z.string(),
  checkIn: z.object({ at: z.string(), minutesLate: z.number() }).nullable(),
});
const step = z.object({ status: z.string(), at: z.string(), by: z.string(), note: z.string().nullable() });
const appointments = z.object({ appointments: z.array(appointment) });
const note = z.strictObject({ note: text(2000).optional() });

/** Appointments and summons, trial visits, reminders and the calendar feed (docs/schedule.md). */
export const appointmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;
  const settings = scheduleSettings(process.env);

  const send = async (outbox: Outbox, log: FastifyBaseLogger) =>
    deliver(outbox, settings, (error, mail) => log.error({ err: error, to: mail.to, subject: mail.subject }, 'e-mail not sent (the message is in the inbox)'));
  /** What fell due with time is done before appointments are read (and by the timer below). */
  const catchUp = async (log: FastifyBaseLogger) => send(await processDue(db, clock, settings), log);
  /** A write that tells people: e-mails go out once it has committed. */
  const writeAndTell = async <T>(request: FastifyRequest, fn: (w: Parameters<Parameters<typeof write>[2]>[0], outbox: Outbox) => Promise<T>): Promise<T> => {
    const outbox: Outbox = [];
    const result = await write(db, actorOf(request), (w) => fn(w, outbox), clock);
    await send(outbox, request.log);
    return result;
  };
  const answer = (request: FastifyRequest, list: AppointmentView[]) => {
    answeredAbout(
      request,
      list.map((a) => a.person.id),
    );
    return { appointments: list };
  };
  // Answers the orderer (an investigator, who sees everyone) with what they just ordered.
  const justOrdered = (ids: readonly number[]) => listAppointments(db, { kind: 'all', selfId: null }, { ids, limit: ids.length });
  const visibleAppointment = async (request: FastifyRequest, id: number) => {
    const actor = actorOf(request);
    const found = await getAppointment(db, id);
    if (!visibleTo(await personScope(db, actor), found, await personVisible(db, actor, found.person.id))) throw notFound(`appointment ${id}`);
    return found;
  };

  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => catchUp(app.log).catch((error: unknown) => app.log.error({ err: error }, 'schedule: due work failed; the next read or tick retries')), 60_000);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));

  app.get(
    '/locations',
    { config: { reads: reads.none }, schema: { tags: ['schedule'], summary: 'Every location with its time zone and directions', response: { 200: z.object({ locations: z.array(location) }) } } },
    async () => ({ locations: await listLocations(db) }),
  );

  app.post(
    '/locations',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['schedule'],
        summary: 'Add a location (its IANA time zone gives appointments their local time)',
        body: z.strictObject({ name: text(100), timeZone: timeZoneSchema, directions: z.string().trim().max(500).default('') }),
        response: { 201: location },
      },
    },
    async (request, reply) => reply.status(201).send(await write(db, actorOf(request), (w) => createLocation(w, request.body), clock)),
  );

  app.post(
    '/appointments',
    {
      config: { reads: reads.people('appointments') },
      schema: {
        tags: ['schedule'],
        summary: "Summon people (or a unit's participants) to a location at a local time there; the summons goes down through their trainers",
        body: z
          .strictObject({
            personIds: z.array(pathId).min(1).max(1000).optional(),
            unitId: pathId.optional().describe("the unit's participants and those of the units below it"),
            locationId: pathId,
            localDate: isoDateSchema,
            localTime,
            purpose: z.enum(purposes.filter((p) => p !== 'trial-visit') as ['assessment', 'test', 'briefing']).describe('trial visits come from the visit schedule'),
            title: text(200),
            durationMinutes: z.number().int().min(5).max(1440).default(30),
            reason: text(2000).optional(),
          })
          .refine((b) => (b.personIds === undefined) !== (b.unitId === undefined), { path: ['personIds'], message: 'give personIds or unitId (one of them)' }),
        response: { 201: appointments },
      },
    },
    async (request, reply) => {
      const { personIds, unitId, ...rest } = request.body;
      if (unitId !== undefined) await requireUnitVisible(db, actorOf(request), unitId);
      const people = personIds ?? (await participantsOf(db, await unitsBelow(db, [unitId!]))).map((p) => p.id);
      if (people.length === 0) throw badRequest('unitId', `unit ${unitId} has no participants`);
      const ids = await writeAndTell(request, (w, outbox) => orderAppointments(w, outbox, { ...rest, personIds: people }, settings));
      return reply.status(201).send(answer(request, await justOrdered(ids)));
    },
  );

  app.get(
    '/appointments',
    {
      config: { reads: reads.people('appointments') },
      schema: {
        tags: ['schedule'],
        summary: 'Appointments you may see (a trainer: their units\' people; a participant: their own), soonest first',
        querystring: z.strictObject({
          from: instant.optional().describe('starting at or after this instant'),
          to: instant.optional().describe('starting before this instant'),
          personId: pathId.optional(),
          unitId: pathId.optional(),
          status: z.enum(statuses).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: appointments },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { personId, unitId } = request.query;
      if (personId !== undefined) await requirePersonVisible(db, actor, personId);
      if (unitId !== undefined) await requireUnitVisible(db, actor, unitId);
      await catchUp(request.log);
      return answer(request, await listAppointments(db, await personScope(db, actor), request.query));
    },
  );

  app.get(
    '/appointments/:id',
    {
      config: { reads: reads.people('appointment') },
      schema: { tags: ['schedule'], summary: 'One appointment with every step', params: idParams, response: { 200: appointment.extend({ steps: z.array(step) }) } },
    },
    async (request) => {
      await catchUp(request.log);
      const found = await visibleAppointment(request, request.params.id);
      answeredAbout(request, [found.person.id]);
      return found;
    },
  );

  const move = (path: string, summary: string, to: 'relayed' | 'acknowledged' | 'cancelled', mayAct: (request: FastifyRequest, personId: number) => boolean | Promise<boolean>) =>
    app.post(
      path,
      { config: { reads: reads.people('appointment') }, schema: { tags: ['schedule'], summary, params: idParams, body: note.optional(), response: { 200: appointment } } },
      async (request) => {
        const { id } = request.params;
        const found = await visibleAppointment(request, id);
        if (!(await mayAct(request, found.person.id))) throw notFound(`appointment ${id}`);
        await writeAndTell(request, (w, outbox) => moveAppointment(w, outbox, id, to, request.body?.note ?? null));
        answeredAbout(request, [found.person.id]);
        return getAppointment(db, id);
      },
    );
  // Who may: the policy admits the role; the row rule is that they see the person (a trainer: their units' people).
  move('/appointments/:id/relay', "Relay a summons to the participant (a trainer of the participant's units)", 'relayed', () => true);
  move('/appointments/:id/acknowledge', 'Acknowledge a summons (the participant, their own)', 'acknowledged', (request, personId) => actorOf(request).personId === personId);
  move('/appointments/:id/cancel', 'Cancel an appointment; those who knew of it are told', 'cancelled', () => true);

  app.post(
    '/appointments/:id/complete',
    {
      config: { reads: reads.people('appointment') },
      schema: {
        tags: ['schedule'],
        summary: 'Record an appointment held; a trial visit held outside its window becomes a protocol deviation',
        params: idParams,
        body: z.strictObject({ heldAt: instant.optional().describe('when it was held, if not checked in; default now'), note: text(2000).optional() }).optional(),
        response: { 200: appointment },
      },
    },
    async (request) => {
      const { id } = request.params;
      const found = await visibleAppointment(request, id);
      await writeAndTell(request, (w, outbox) => completeAppointment(w, outbox, id, request.body?.heldAt, request.body?.note ?? null));
      answeredAbout(request, [found.person.id]);
      return getAppointment(db, id);
    },
  );

  app.post(
    '/trials/:code/participants/:id/visit-appointments',
    {
      config: { reads: reads.person('visit appointments') },
      schema: {
        tags: ['schedule'],
        summary: "Schedule a randomised participant's visits as appointments: each on its due day (or a chosen day) at a local time at the location, its window kept",
        params: z.strictObject({ code: z.string().min(1).max(40), id: pathId }),
        body: z.strictObject({
          locationId: pathId,
          localTime,
          durationMinutes: z.number().int().min(5).max(1440).default(60),
          visits: z
            .array(z.strictObject({ name: text(100), localDate: isoDateSchema.optional().describe('default: the due day') }))
            .min(1)
            .max(100)
            .optional()
            .describe('default: every visit of the protocol'),
          reason: text(2000),
        }),
        response: { 201: appointments },
      },
    },
    async (request, reply) => {
      await requirePersonVisible(db, actorOf(request), request.params.id);
      const ids = await writeAndTell(request, (w, outbox) => scheduleVisits(w, outbox, { ...request.body, code: request.params.code, personId: request.params.id }, settings));
      return reply.status(201).send({ appointments: await justOrdered(ids) });
    },
  );

  app.put(
    '/me/email',
    {
      config: { reads: reads.none },
      schema: { tags: ['schedule'], summary: 'Where my notifications go by e-mail (null: the in-app inbox only)', body: z.strictObject({ email: z.email().max(254).nullable() }), response: { 204: z.null() } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.personId === null) throw notFound('your person');
      await write(db, actor, (w) => setEmail(w, actor.personId!, request.body.email), clock);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/calendar-feed',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['schedule'],
        summary: 'A private iCalendar feed of my appointments (a new URL; the old one stops working). Shown once.',
        response: { 201: z.object({ url: z.string() }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.accountId === null) throw notFound('your account');
      const token = await write(db, actor, (w) => createFeed(w, actor.accountId!), clock);
      return reply.status(201).send({ url: `${request.protocol}://${request.host}/api/calendar/${token}` });
    },
  );

  app.delete(
    '/me/calendar-feed',
    { config: { reads: reads.none }, schema: { tags: ['schedule'], summary: 'Revoke my calendar feed', response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const revoked = actor.accountId === null ? false : await write(db, actor, (w) => revokeFeed(w, actor.accountId!), clock);
      if (!revoked) throw notFound('calendar feed');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/calendar/:token',
    {
      // Public: the token in the path is the key. The feed's reads are logged as its owner's.
      config: { reads: reads.people('calendar feed') },
      schema: {
        tags: ['schedule'],
        summary: 'A calendar feed (text/calendar, RFC 5545) for a calendar app to subscribe to',
        params: z.strictObject({ token: z.string().min(1).max(100) }),
        response: { 200: z.string() },
      },
    },
    async (request, reply) => {
      const owner = await feedOwner(db, request.params.token);
      if (!owner) throw notFound('calendar feed');
      request.actor = owner;
      await catchUp(request.log);
      const list = await feedAppointments(db, owner, clock());
      answeredAbout(
        request,
        list.map((a) => a.person.id),
      );
      const body = feedText(owner, list, request.hostname, await stepCounts(db, list.map((a) => a.id)), clock());
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, no-store').send(body);
    },
  );
};
