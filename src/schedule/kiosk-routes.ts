import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePersonVisible, requireUnitVisible } from '../access/index.ts';
import { actorOf } from '../shared/context.ts';
import { idParams } from '../shared/http-params.ts';
import { reads } from '../shared/reads.ts';
import { write } from '../store/write.ts';
import { checkInQueue } from './check-in-queue.ts';
import { addKiosk, kioskWithLocation, listKiosks, listLocations, revokeKiosk } from './kiosks.ts';
import { onTimeToleranceMinutes, personPunctuality, unitPunctuality } from './punctuality.ts';

const punctuality = z.enum(['early', 'on-time', 'late']);

/** The check-in answer: exactly what a shared screen may show (src/schedule/check-ins.ts, CheckInAnswer). */
const checkInAnswer = z.strictObject({
  checkIn: z.strictObject({ id: z.number(), at: z.string(), minutesLate: z.number().describe('positive late, negative early'), punctuality }),
  person: z.strictObject({ name: z.string() }),
  appointment: z.strictObject({
    what: z.string().describe('the title; a trial visit shows only "Appointment"'),
    startsAt: z.string(),
    localDate: z.string(),
    localTime: z.string(),
    timeZone: z.string(),
    durationMinutes: z.number(),
  }),
  location: z.strictObject({ name: z.string(), directions: z.string() }),
});

const kiosk = z.object({ id: z.number(), name: z.string(), location: z.object({ id: z.number(), name: z.string() }), createdAt: z.string(), revokedAt: z.string().nullable() });
const location = z.object({ id: z.number(), name: z.string(), timeZone: z.string(), directions: z.string() });

const counts = {
  appointments: z.number(),
  checkedIn: z.number(),
  onTime: z.number(),
  early: z.number(),
  late: z.number(),
  notCheckedIn: z.number(),
  meanMinutesLate: z.number().nullable(),
};
const period = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(28).describe('appointments that started in the last N days') });

/** The kiosk at the door, the admin's kiosks, and punctuality (docs/schedule.md). */
export const kioskRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;
  // Read once: a bad MUSTER_ON_TIME_MINUTES stops the server at start, naming the variable.
  const toleranceMinutes = onTimeToleranceMinutes();
  const enqueueCheckIn = checkInQueue(db, clock, toleranceMinutes);

  app.post(
    '/kiosk/check-ins',
    {
      // The badge holder is at the kiosk: the answer tells them their own name and where to go.
      config: { reads: reads.none },
      schema: {
        tags: ['kiosk'],
        summary:
          'Check a person in at this kiosk (Authorization: Bearer <kiosk token>): 201 the first time; 200 with the stored check-in for the same idempotency key or an appointment already checked in. 404 unknown badge or no appointment now, 409 wrong location (the message says where to go)',
        body: z.strictObject({
          badge: z.string().trim().min(1, 'must not be empty').max(200),
          idempotencyKey: z.string().min(1, 'must not be empty').max(200).describe("the kiosk's key for this scan; sent again after an outage, it is the same check-in"),
          at: z.iso.datetime({ offset: true }).optional().describe('when the person arrived (the kiosk clock); now when absent'),
        }),
        response: { 200: checkInAnswer, 201: checkInAnswer },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const result = await enqueueCheckIn(actor, request.body);
      return reply.status(result.created ? 201 : 200).send(result.answer);
    },
  );

  app.get(
    '/kiosk',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['kiosk'],
        summary: 'This kiosk and its location (the kiosk page checks its token with it)',
        response: { 200: z.object({ id: z.number(), name: z.string(), location }) },
      },
    },
    async (request) => kioskWithLocation(db, actorOf(request).kiosk!.id),
  );

  app.get(
    '/kiosks',
    {
      config: { reads: reads.none },
      schema: { tags: ['kiosk'], summary: 'Every kiosk (revoked ones too) and the locations one may be added at', response: { 200: z.object({ kiosks: z.array(kiosk), locations: z.array(location) }) } },
    },
    async () => ({ kiosks: await listKiosks(db), locations: await listLocations(db) }),
  );

  app.post(
    '/kiosks',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['kiosk'],
        summary: "Add a kiosk at a location; the answer carries its token, shown once (stored hashed)",
        body: z.strictObject({ location: z.string().trim().min(1, 'must not be empty').max(200), name: z.string().trim().min(1, 'must not be empty').max(100).optional() }),
        response: { 201: kiosk.extend({ token: z.string() }) },
      },
    },
    async (request, reply) => reply.status(201).send(await write(db, actorOf(request), (w) => addKiosk(w, request.body), clock)),
  );

  app.delete(
    '/kiosks/:id',
    { config: { reads: reads.none }, schema: { tags: ['kiosk'], summary: 'Revoke a kiosk: its token stops working at once', params: idParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await write(db, actorOf(request), (w) => revokeKiosk(w, request.params.id), clock);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/people/:id/punctuality',
    {
      config: { reads: reads.person('punctuality') },
      schema: {
        tags: ['kiosk'],
        summary: "A participant's punctuality: minutes early or late at each appointment (by the arrival at the kiosk), on time within MUSTER_ON_TIME_MINUTES",
        params: idParams,
        querystring: period,
        response: {
          200: z.object({
            personId: z.number(),
            days: z.number(),
            toleranceMinutes: z.number(),
            summary: z.object(counts),
            appointments: z.array(
              z.object({
                appointmentId: z.number(),
                title: z.string(),
                startsAt: z.string(),
                localDate: z.string(),
                localTime: z.string(),
                location: z.string(),
                status: z.string(),
                checkedInAt: z.string().nullable(),
                minutesLate: z.number().nullable(),
                punctuality: punctuality.nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      await requirePersonVisible(db, actorOf(request), request.params.id);
      return personPunctuality(db, request.params.id, { days: request.query.days, now: clock() }, toleranceMinutes);
    },
  );

  app.get(
    '/units/:id/punctuality',
    {
      config: { reads: reads.unit('punctuality') },
      schema: {
        tags: ['kiosk'],
        summary: "A unit's punctuality (its participants and those of the units below): in total and per participant",
        params: idParams,
        querystring: period,
        response: {
          200: z.object({
            unit: z.object({ id: z.number(), name: z.string() }),
            days: z.number(),
            toleranceMinutes: z.number(),
            total: z.object(counts),
            people: z.array(z.object({ personId: z.number(), designation: z.string(), name: z.string(), rank: z.string(), ...counts })),
          }),
        },
      },
    },
    async (request) => {
      await requireUnitVisible(db, actorOf(request), request.params.id);
      return unitPunctuality(db, request.params.id, { days: request.query.days, now: clock() }, toleranceMinutes);
    },
  );
};
