import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../shared/http-params.ts';
import { requirePersonVisible, requireUnitVisible } from '../access/index.ts';
import { write } from '../store/write.ts';
import { isoDateSchema } from '../roster/index.ts';
import { getPerson, getUnit } from '../roster/index.ts';
import { unitsBelow } from '../access/index.ts';
import { actorOf } from '../shared/context.ts';
import { acceptCsvBodies, answerImport, CSV_BODY_LIMIT, sendExport } from '../shared/csv-body.ts';
import { badRequest } from '../shared/errors.ts';
import { exportFormats } from '../shared/export.ts';
import { addDays, localDateOf } from '../shared/time.ts';
import { exportWellness, runWellnessImport } from './import.ts';
import { hoursSleptMax, ITEM_MAX, ITEM_MIN } from './model.ts';
import { BASELINE_DAYS } from '../stats/own-range.ts';
import { acwrFlag } from '../training/index.ts';
import { cohortWellness, listReports, notReportedOn, reportCountsByUnit, saveReport, todayFor, type CohortEntry } from './store.ts';
import { answeredAbout, reads } from '../shared/reads.ts';

const item = z.number().int().min(ITEM_MIN).max(ITEM_MAX);
const reportBody = z.strictObject({
  sleepQuality: item.describe('1 very poor … 7 excellent'),
  fatigue: item.describe('1 very fresh … 7 exhausted'),
  stress: item.describe('1 very relaxed … 7 very stressed'),
  soreness: item.describe('1 no soreness … 7 very sore'),
  hoursSlept: z.number().min(0).max(hoursSleptMax),
});
export const rangeFlag = z.object({
  state: z.enum(['flagged', 'usual', 'too-little-history']),
  value: z.number(),
  count: z.number(),
  z: z.number().optional(),
  mean: z.number().optional(),
  sd: z.number().optional(),
});
export const reportView = z.object({
  personId: z.number(),
  date: z.string(),
  sleepQuality: z.number(),
  fatigue: z.number(),
  stress: z.number(),
  soreness: z.number(),
  hoursSlept: z.number(),
  score: z.number(),
  flag: rangeFlag,
  reportedAt: z.string(),
});
const personRef = z.object({ id: z.number(), designation: z.string(), name: z.string(), rank: z.string() });

export const wellnessRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  app.put(
    '/me/wellness/today',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['wellness'],
        summary: "Enter or change today's wellness report (today in your unit's time zone)",
        body: reportBody,
        response: { 200: z.object({ report: reportView, timeZone: z.string() }), 201: z.object({ report: reportView, timeZone: z.string() }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const personId = actor.personId!;
      const { report, created, timeZone } = await write(
        db,
        actor,
        async (w) => {
          const today = await todayFor(w.db, personId, w.now);
          return { ...(await saveReport(w, personId, today.date, request.body)), timeZone: today.timeZone };
        },
        clock,
      );
      return reply.status(created ? 201 : 200).send({ report, timeZone });
    },
  );

  app.get(
    '/people/:id/wellness',
    {
      config: { reads: reads.person('wellness reports') },
      schema: {
        tags: ['wellness'],
        summary: "A person's reports (default: the last 28 days) with today's wellness and load-ratio flags (recorded in their access log)",
        params: idParams,
        querystring: z.strictObject({ from: isoDateSchema.optional(), to: isoDateSchema.optional() }),
        response: {
          200: z.object({ timeZone: z.string(), today: z.string(), reports: z.array(reportView), flags: z.object({ wellness: rangeFlag.nullable(), loadRatio: rangeFlag.nullable() }) }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await requirePersonVisible(db, actor, request.params.id);
      const person = await getPerson(db, request.params.id);
      const { date: today, timeZone } = await todayFor(db, person.id, clock());
      const to = request.query.to ?? today;
      const from = request.query.from ?? addDays(to, -BASELINE_DAYS);
      if (from > to) throw badRequest('from', `${from} is after ${to}`);
      const [reports, [todays], loadRatio] = await Promise.all([listReports(db, person.id, from, to), listReports(db, person.id, today, today), acwrFlag(db, person.id, today)]);
      return { timeZone, today, reports, flags: { wellness: todays?.flag ?? null, loadRatio } };
    },
  );

  app.get(
    '/units/:id/wellness',
    {
      config: { reads: reads.unit('unit wellness') },
      schema: {
        tags: ['wellness'],
        summary:
          "A unit's (and its sub-units') wellness on a local day (default today): how many reported and were flagged, and each participant's report and flag (people=all) or only those who have not reported (people=not-reported, for a large unit)",
        params: idParams,
        querystring: z.strictObject({ date: isoDateSchema.optional(), people: z.enum(['all', 'not-reported']).default('all') }),
        response: {
          200: z.object({
            unit: z.object({ id: z.number(), name: z.string(), timeZone: z.string() }),
            date: z.string(),
            counts: z.object({ participants: z.number(), reported: z.number(), flagged: z.number() }),
            participants: z.array(z.object({ person: personRef, unitId: z.number(), today: reportView.nullable(), lastReported: z.string().nullable() })),
            notReported: z.array(personRef),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await requireUnitVisible(db, actor, request.params.id);
      const unit = await getUnit(db, request.params.id);
      const date = request.query.date ?? localDateOf(clock(), unit.timeZone);
      const ids = await unitsBelow(db, [unit.id]);
      let participants: CohortEntry[];
      let counts: { participants: number; reported: number; flagged: number };
      if (request.query.people === 'all') {
        participants = await cohortWellness(db, ids, date);
        const reported = participants.flatMap((p) => (p.today ? [p.today] : []));
        counts = { participants: participants.length, reported: reported.length, flagged: reported.filter((r) => r.flag.state === 'flagged').length };
      } else {
        const [silent, byUnit] = await Promise.all([notReportedOn(db, ids, date), reportCountsByUnit(db, ids, date)]);
        participants = silent;
        const reported = [...byUnit.values()].reduce((sum, c) => ({ reported: sum.reported + c.reported, flagged: sum.flagged + c.flagged }), { reported: 0, flagged: 0 });
        counts = { participants: silent.length + reported.reported, ...reported };
      }
      return {
        unit: { id: unit.id, name: unit.name, timeZone: unit.timeZone },
        date,
        counts,
        participants,
        notReported: participants.filter((p) => p.today === null).map((p) => p.person),
      };
    },
  );

  app.get(
    '/wellness/export',
    {
      config: { reads: reads.people('wellness export') },
      schema: {
        tags: ['wellness'],
        summary: 'Every wellness report: CSV (re-importable) or JSON; recorded in each access log',
        querystring: z.strictObject({ format: z.enum(exportFormats).default('json') }),
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      return sendExport(reply, format, exportWellness(db, format, (ids) => answeredAbout(request, ids)));
    },
  );

  app.register(async (csvScope) => {
    acceptCsvBodies(csvScope);
    csvScope.post(
      '/wellness/import',
      {
        config: { reads: reads.none },
        bodyLimit: CSV_BODY_LIMIT,
        schema: {
          tags: ['wellness'],
          summary: 'Import wellness CSV (designation,date,sleep_quality,fatigue,stress,soreness,hours_slept); all rows or none, a repeated file adds nothing',
          consumes: ['text/csv'],
          body: z.string(),
          response: { 200: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }) },
        },
      },
      async (request, reply) => answerImport(request, reply, (source) => runWellnessImport(db, actorOf(request), source, clock)),
    );
  });
};
