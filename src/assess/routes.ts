import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../shared/http-params.ts';
import { requirePhysiqueVisible } from '../access/index.ts';
import { write } from '../store/write.ts';
import { isoDateSchema } from '../roster/index.ts';
import { getPerson, timeZonesOf } from '../roster/index.ts';
import { actorOf } from '../shared/context.ts';
import { acceptCsvBodies, answerImport, CSV_BODY_LIMIT, sendExport } from '../shared/csv-body.ts';
import { exportFormats } from '../shared/export.ts';
import { localToInstant } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { exportAssessments, runMeasurementsImport } from './import.ts';
import { bodyFatMethods, siteNames } from './model.ts';
import { createAssessment, getAssessment, listAssessments, loadWrite, replaceAssessment, setTrainersMaySee, trainersMaySee, type AssessmentWrite } from './store.ts';
import { answeredAbout, reads } from '../shared/reads.ts';

const derived = z.object({ value: z.number().nullable(), equation: z.string(), missing: z.string().nullable() });
const assessmentView = z.object({
  id: z.number(),
  person: z.object({ id: z.number(), designation: z.string() }),
  assessedAt: z.string(),
  local: z.object({ date: z.string(), time: z.string(), timeZone: z.string() }),
  assessor: z.object({ id: z.number(), designation: z.string(), name: z.string() }).nullable(),
  method: z.enum(bodyFatMethods).nullable(),
  device: z.string(),
  fasted: z.boolean(),
  notes: z.string(),
  age: z.number().nullable(),
  sites: z.array(z.object({ site: z.enum(siteNames), unit: z.string(), trials: z.array(z.number()), value: z.number(), rule: z.string() })),
  derived: z.object({ bmi: derived, bodyFatPercent: derived.nullable(), leanMass: derived.nullable() }),
  updatedAt: z.string(),
});
const assessmentBody = z.strictObject({
  date: isoDateSchema.describe("the visit's date in the person's unit's time zone"),
  time: z.string().regex(/^\d{2}:\d{2}$/, 'a local time HH:MM'),
  assessorId: z.number().int().positive().optional().describe('the assessor who measured; default: you'),
  method: z.enum(bodyFatMethods).nullable().describe('how body fat was measured; null when it was not'),
  device: z.string().trim().max(200).default(''),
  fasted: z.boolean(),
  notes: z.string().max(2000).default(''),
  sites: z.partialRecord(z.enum(siteNames), z.array(z.number()).min(1).max(3)).describe('trials per site, in the order taken'),
});
const consentBody = z.strictObject({ trainersMaySee: z.boolean() });

async function toWrite(db: Db, personId: number, body: z.infer<typeof assessmentBody>, assessorId: number | null): Promise<AssessmentWrite> {
  const zone = (await timeZonesOf(db, [personId])).get(personId)!;
  return {
    personId,
    assessedAt: localToInstant(body.date, body.time, zone, 'time'),
    assessorId: body.assessorId ?? assessorId,
    method: body.method,
    device: body.device,
    fasted: body.fasted,
    notes: body.notes,
    sites: body.sites,
  };
}

export const assessRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  app.get(
    '/people/:id/assessments',
    { config: { reads: reads.person('physique assessments') }, schema: { tags: ['assess'], summary: "A person's physique assessments with derived values (recorded in their access log)", params: idParams, response: { 200: z.object({ assessments: z.array(assessmentView) }) } } },
    async (request) => {
      const actor = actorOf(request);
      await requirePhysiqueVisible(db, actor, request.params.id);
      return { assessments: await listAssessments(db, { personIds: [request.params.id] }) };
    },
  );

  app.post(
    '/people/:id/assessments',
    { config: { reads: reads.none }, schema: { tags: ['assess'], summary: 'Record a visit: trials per site, method, device, conditions', params: idParams, body: assessmentBody, response: { 201: assessmentView } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const person = await getPerson(db, request.params.id);
      const input = await toWrite(db, person.id, request.body, actor.personId);
      const id = await write(db, actor, (w) => createAssessment(w, input), clock);
      return reply.status(201).send(await getAssessment(db, id));
    },
  );

  app.put(
    '/assessments/:id',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['assess'],
        summary: 'Correct a visit: replaces its details and trials; derived values follow',
        params: idParams,
        body: assessmentBody.extend({ reason: z.string().max(500).optional() }),
        response: { 200: assessmentView },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const before = await loadWrite(db, request.params.id);
      const input = await toWrite(db, before.personId, request.body, before.assessorId);
      await write(db, actor, (w) => replaceAssessment(w, request.params.id, input, request.body.reason), clock);
      return getAssessment(db, request.params.id);
    },
  );

  app.get('/me/physique-consent', { config: { reads: reads.none }, schema: { tags: ['assess'], summary: 'Whether the trainers of your unit may see your physique data', response: { 200: consentBody } } }, async (request) => ({
    trainersMaySee: await trainersMaySee(db, actorOf(request).personId!),
  }));

  app.put(
    '/me/physique-consent',
    { config: { reads: reads.none }, schema: { tags: ['assess'], summary: 'Let the trainers of your unit see your physique data, or stop them (audited)', body: consentBody, response: { 200: consentBody } } },
    async (request) => {
      const actor = actorOf(request);
      return { trainersMaySee: await write(db, actor, (w) => setTrainersMaySee(w, actor.personId!, request.body.trainersMaySee), clock) };
    },
  );

  app.get(
    '/assessments/export',
    {
      config: { reads: reads.people('physique export') },
      schema: {
        tags: ['assess'],
        summary: 'Every assessment: CSV one row per site (re-importable), or JSON with derived values; recorded in each access log',
        querystring: z.strictObject({ format: z.enum(exportFormats).default('json') }),
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      return sendExport(reply, format, exportAssessments(db, format, (ids) => answeredAbout(request, ids)));
    },
  );

  app.register(async (csvScope) => {
    acceptCsvBodies(csvScope);
    csvScope.post(
      '/assessments/import',
      {
        config: { reads: reads.none },
        bodyLimit: CSV_BODY_LIMIT,
        schema: {
          tags: ['assess'],
          summary: 'Import measurements CSV (docs/assessments.md); all rows or none, a repeated file adds nothing',
          consumes: ['text/csv'],
          body: z.string(),
          response: { 200: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }) },
        },
      },
      async (request, reply) => answerImport(request, reply, (source) => runMeasurementsImport(db, actorOf(request), source, clock)),
    );
  });
};
