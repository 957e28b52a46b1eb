import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, pathId } from '../shared/http-params.ts';
import type { Actor } from '../shared/actor.ts';
import { inScope, personScope, personVisible, requirePersonVisible, requireSelfLoggable, requireUnitVisible, selfLogRefusal, unitScope, unitVisible } from '../access/index.ts';
import { write } from '../store/write.ts';
import { getPerson, participantsOf } from '../roster/index.ts';
import { unitsBelow } from '../access/index.ts';
import { isoDateSchema } from '../roster/index.ts';
import { actorOf } from '../shared/context.ts';
import { acceptCsvBodies, answerImport, CSV_BODY_LIMIT, sendExport } from '../shared/csv-body.ts';
import { badRequest, notFound } from '../shared/errors.ts';
import { addDays, localDateOf, localDayBounds, localToInstant, weekStart } from '../shared/time.ts';
import { exportTraining, trainingExportFormats } from './export.ts';
import { runTrainingImport, trainingFileFormats } from './import.ts';
import { getUnit, zoneOf } from '../roster/index.ts';
import { personLoads } from './load-ratio.ts';
import { dailyLoads, weeklySummaries, workloadRatios } from './metrics.ts';
import {
  attendanceStatuses,
  distanceSchema,
  durationSchema,
  exerciseCategories,
  loadAmountSchema,
  loadUnits,
  notesSchema,
  repsSchema,
  rirSchema,
  rpeSchema,
  sessionStatuses,
  setKinds,
  setNumberSchema,
  JUST_STARTED_MINUTES,
  type AttendanceStatus,
} from './model.ts';
import { addSet, markAllPresent, startSessionNow, attendanceOf, addExerciseAliases, createExercise, createSession, deleteSet, getSession, getSet, getSetRow, listAttendance, personAttendance, listExercises, listSessions, listSets, personalBests, preferredLoadUnit, replaceSet, setAttendance, setPreferredLoadUnit, unitLoad, updateSession, type SessionView, type SetInput } from './store.ts';
import { unitsAbove } from '../access/index.ts';
import { answeredAbout, reads } from '../shared/reads.ts';

const timeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time is HH:MM (24-hour)');
const minutesSchema = z.number().int().min(0).max(24 * 60);
const rangeQuery = z.strictObject({ from: isoDateSchema.optional(), to: isoDateSchema.optional() });

const personRef = z.object({ id: z.number(), designation: z.string(), name: z.string(), rank: z.string() });
const localInstantView = z.object({ at: z.string(), date: z.string(), time: z.string(), offset: z.string() });
const sessionView = z.object({
  id: z.number(),
  unit: z.object({ id: z.number(), name: z.string(), timeZone: z.string() }),
  title: z.string(),
  status: z.enum(sessionStatuses),
  planned: localInstantView.extend({ minutes: z.number().nullable() }),
  actual: localInstantView.extend({ minutes: z.number().nullable() }).nullable(),
  trainer: personRef.nullable(),
  notes: z.string(),
});
const attendanceView = z.object({
  person: personRef,
  status: z.enum(attendanceStatuses),
  rpe: z.number().nullable(),
  minutes: z.number().nullable(),
  load: z.number().nullable(),
  /** Why the load is null for someone present, e.g. "no session RPE recorded". */
  loadMissing: z.string().nullable(),
});
const loadView = z.object({ value: z.number(), unit: z.enum(loadUnits), kg: z.number(), enteredUnit: z.enum(loadUnits) });
const valuesView = z.object({ reps: z.number().nullable(), load: loadView.nullable(), rpe: z.number().nullable(), rir: z.number().nullable(), durationS: z.number().nullable(), distanceM: z.number().nullable() });
const setView = z.object({
  id: z.number(),
  sessionId: z.number(),
  personId: z.number(),
  exercise: z.object({ id: z.number(), name: z.string() }),
  setNumber: z.number(),
  kind: z.enum(setKinds),
  at: localInstantView,
  target: valuesView,
  actual: valuesView,
  estimated1rm: z.object({ epley: z.number(), brzycki: z.number(), unit: z.enum(loadUnits) }).nullable(),
  notes: z.string(),
  selfReported: z.boolean(),
});

const setValuesBody = z.strictObject({
  reps: repsSchema.nullable().default(null),
  load: loadAmountSchema.nullable().default(null),
  rpe: rpeSchema.nullable().default(null),
  rir: rirSchema.nullable().default(null),
  durationS: durationSchema.nullable().default(null),
  distanceM: distanceSchema.nullable().default(null),
});
const emptyValues = { reps: null, load: null, rpe: null, rir: null, durationS: null, distanceM: null };
const setBody = z.strictObject({
  sessionId: z.number().int().positive(),
  personId: z.number().int().positive(),
  exerciseId: z.number().int().positive(),
  setNumber: setNumberSchema,
  kind: z.enum(setKinds).default('normal'),
  loadUnit: z.enum(loadUnits).optional(),
  target: setValuesBody.default(emptyValues),
  actual: setValuesBody.default(emptyValues),
  notes: notesSchema.default(''),
});
const windowsQuery = {
  acuteDays: z.coerce.number().int().min(2).max(28).default(7),
  chronicDays: z.coerce.number().int().min(7).max(120).default(28),
};

/** Sessions, sets, load and bests; trainers write for the people of their units, everyone reads within their scope. */
export const trainingRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  const unitInScope = async (actor: Actor, unitId: number) => {
    await requireUnitVisible(db, actor, unitId);
    return getUnit(db, unitId);
  };
  const personInScope = async (actor: Actor, personId: number) => {
    await requirePersonVisible(db, actor, personId);
    return getPerson(db, personId);
  };

  /** The session, if it is of a unit the actor may see; otherwise 404 (a failing query stays a failure). */
  async function sessionInScope(actor: Actor, sessionId: number): Promise<SessionView> {
    const session = await getSession(db, sessionId);
    if (!(await unitVisible(db, actor, session.unit.id))) throw notFound(`training session ${sessionId}`);
    return session;
  }

  const unitOf = (actor: Actor) => preferredLoadUnit(db, actor.accountId);

  const exerciseView = z.object({ id: z.number(), name: z.string(), category: z.enum(exerciseCategories), aliases: z.array(z.string()) });
  app.get('/exercises', { config: { reads: reads.none }, schema: { tags: ['training'], summary: 'The exercise catalogue', response: { 200: z.object({ exercises: z.array(exerciseView) }) } } }, async () => ({
    exercises: await listExercises(db),
  }));

  app.post(
    '/exercises',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['training'],
        summary: 'Add an exercise to the catalogue',
        body: z.strictObject({ name: z.string().trim().min(1).max(100), category: z.enum(exerciseCategories), aliases: z.array(z.string().trim().min(1).max(100)).max(20).default([]) }),
        response: { 201: exerciseView },
      },
    },
    async (request, reply) => reply.status(201).send(await write(db, actorOf(request), (w) => createExercise(w, request.body), clock)),
  );

  app.post(
    '/exercises/:id/aliases',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['training'],
        summary: 'Add other names an import may use for an exercise',
        params: idParams,
        body: z.strictObject({ aliases: z.array(z.string().trim().min(1).max(100)).min(1).max(20) }),
        response: { 200: exerciseView },
      },
    },
    async (request) => write(db, actorOf(request), (w) => addExerciseAliases(w, request.params.id, request.body.aliases), clock),
  );

  const preferenceView = z.object({ loadUnit: z.enum(loadUnits) });
  app.get('/me/training-preferences', { config: { reads: reads.none }, schema: { tags: ['training'], summary: 'The unit loads are shown in for me', response: { 200: preferenceView } } }, async (request) => ({
    loadUnit: await unitOf(actorOf(request)),
  }));

  app.put(
    '/me/training-preferences',
    { config: { reads: reads.none }, schema: { tags: ['training'], summary: 'Show loads to me in kg or lb', body: z.strictObject({ loadUnit: z.enum(loadUnits) }), response: { 200: preferenceView } } },
    async (request) => {
      const actor = actorOf(request);
      if (actor.accountId === null) throw badRequest(undefined, 'only an account has preferences');
      await write(db, actor, (w) => setPreferredLoadUnit(w, actor.accountId!, request.body.loadUnit), clock);
      return { loadUnit: request.body.loadUnit };
    },
  );

  app.post(
    '/training/sessions',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['training'],
        summary: "Plan a session for a unit; date and time are local to the unit's time zone",
        body: z.strictObject({
          unitId: z.number().int().positive(),
          title: z.string().trim().min(1).max(200),
          date: isoDateSchema,
          time: timeSchema,
          plannedMinutes: minutesSchema.nullable().default(null),
          trainerId: z.number().int().positive().nullable().default(null),
          notes: notesSchema.default(''),
        }),
        response: { 201: sessionView },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { unitId, date, time, ...rest } = request.body;
      const unit = await unitInScope(actor, unitId);
      const plannedStart = localToInstant(date, time, unit.timeZone);
      return reply.status(201).send(await write(db, actor, (w) => createSession(w, { unitId, plannedStart, ...rest }), clock));
    },
  );

  app.post(
    '/training/sessions/start',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['training'],
        summary: `Start a session of a unit now: answers the unit's session started within ${JUST_STARTED_MINUTES} minutes (200) instead of making a second, else creates one (201)`,
        body: z.strictObject({ unitId: z.number().int().positive(), title: z.string().trim().min(1).max(200).optional(), plannedMinutes: minutesSchema.default(60) }),
        response: { 200: sessionView.extend({ created: z.boolean() }), 201: sessionView.extend({ created: z.boolean() }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { unitId, title, plannedMinutes } = request.body;
      const unit = await unitInScope(actor, unitId);
      const trainerId = actor.roles.includes('trainer') ? actor.personId : null;
      const { session, created } = await write(db, actor, (w) => startSessionNow(w, { unitId, title: title ?? `${unit.name} training`, plannedMinutes, trainerId }), clock);
      return reply.status(created ? 201 : 200).send({ ...session, created });
    },
  );

  app.post(
    '/training/sessions/:id/attendance/all-present',
    {
      config: { reads: reads.people('training session') },
      schema: {
        tags: ['training'],
        summary: "Mark present every participant of the session's unit (and the units below) whose attendance is not recorded yet",
        params: idParams,
        response: { 200: z.object({ marked: z.number(), attendance: z.array(attendanceView) }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const session = await sessionInScope(actor, request.params.id);
      const people = await participantsOf(db, await unitsBelow(db, [session.unit.id]));
      const scope = await personScope(db, actor);
      const visible = people.filter((p) => inScope(scope, { id: p.id, unitId: p.unit_id })).map((p) => p.id);
      const marked = await write(db, actor, (w) => markAllPresent(w, session.id, visible), clock);
      const attendance = await listAttendance(db, session.id);
      answeredAbout(request, attendance.map((a) => a.person.id));
      return { marked, attendance };
    },
  );

  app.get(
    '/training/sessions',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['training'],
        summary: 'Sessions of the units you may see; from/to are local dates of each unit',
        querystring: rangeQuery.extend({ unitId: z.coerce.number().int().positive().optional() }),
        response: { 200: z.object({ sessions: z.array(sessionView) }) },
      },
    },
    async (request) => {
      const { unitId, from, to } = request.query;
      const scope = await unitScope(db, actorOf(request));
      let unitIds = scope === 'all' ? undefined : scope;
      if (unitId !== undefined) unitIds = unitIds ? unitIds.filter((id) => id === unitId) : [unitId];
      // A day earlier and later in UTC covers every zone; the local dates then decide.
      const sessions = await listSessions(db, { unitIds, from: from && addDays(from, -1), to: to && addDays(to, 2) });
      const localDate = (s: SessionView) => (s.actual ?? s.planned).date;
      return { sessions: sessions.filter((s) => (!from || localDate(s) >= from) && (!to || localDate(s) <= to)) };
    },
  );

  app.get(
    '/training/sessions/:id',
    {
      config: { reads: reads.people('training session') },
      schema: {
        tags: ['training'],
        summary: 'A session with its attendance and sets (recorded in each attendee’s access log)',
        params: idParams,
        response: { 200: sessionView.extend({ attendance: z.array(attendanceView), sets: z.array(setView) }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const session = await sessionInScope(actor, request.params.id);
      const [attendance, sets] = await Promise.all([listAttendance(db, session.id), listSets(db, { sessionId: session.id }, await unitOf(actor))]);
      answeredAbout(request, [...attendance.map((a) => a.person.id), ...sets.map((s) => s.personId)]);
      return { ...session, attendance, sets };
    },
  );

  app.patch(
    '/training/sessions/:id',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['training'],
        summary: 'Change a session or record how it went (actual start and minutes make it held)',
        params: idParams,
        body: z.strictObject({
          title: z.string().trim().min(1).max(200).optional(),
          date: isoDateSchema.optional(),
          time: timeSchema.optional(),
          plannedMinutes: minutesSchema.nullable().optional(),
          actualDate: isoDateSchema.optional(),
          actualTime: timeSchema.optional(),
          actualMinutes: minutesSchema.nullable().optional(),
          status: z.enum(sessionStatuses).optional(),
          trainerId: z.number().int().positive().nullable().optional(),
          notes: notesSchema.optional(),
        }),
        response: { 200: sessionView },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const session = await sessionInScope(actor, request.params.id);
      const { date, time, actualDate, actualTime, ...patch } = request.body;
      const zone = session.unit.timeZone;
      const plannedStart = date || time ? localToInstant(date ?? session.planned.date, time ?? session.planned.time, zone) : undefined;
      const actualStart = actualDate || actualTime ? localToInstant(actualDate ?? session.planned.date, actualTime ?? session.planned.time, zone, 'actualTime') : undefined;
      return write(db, actor, (w) => updateSession(w, session.id, { ...patch, plannedStart, actualStart }), clock);
    },
  );

  app.put(
    '/training/sessions/:id/attendance/:personId',
    {
      config: { reads: reads.people('training session') },
      schema: {
        tags: ['training'],
        summary: "Record whether a participant attended, and their session RPE (CR-10) and minutes",
        params: z.strictObject({ id: pathId, personId: pathId }),
        body: z.strictObject({
          status: z.enum(attendanceStatuses),
          rpe: z.number().min(0, 'session RPE is 0 to 10').max(10, 'session RPE is 0 to 10').multipleOf(0.5).nullable().default(null),
          minutes: minutesSchema.nullable().default(null),
        }),
        response: { 200: z.object({ attendance: z.array(attendanceView) }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const session = await sessionInScope(actor, request.params.id);
      await personInScope(actor, request.params.personId);
      await write(db, actor, (w) => setAttendance(w, session.id, request.params.personId, request.body), clock);
      const attendance = await listAttendance(db, session.id);
      answeredAbout(request, attendance.map((a) => a.person.id));
      return { attendance };
    },
  );

  async function checkedSetInput(actor: Actor, body: z.infer<typeof setBody>): Promise<SetInput> {
    await personInScope(actor, body.personId);
    await sessionInScope(actor, body.sessionId);
    return { ...body, loadUnit: body.loadUnit ?? (await unitOf(actor)) };
  }

  /** The units whose sessions a person trains in: their own and those above it. */
  async function trainingUnitsOf(personId: number): Promise<number[]> {
    const unit = (await getPerson(db, personId)).unit;
    return unit ? unitsAbove(db, [unit.id]) : [];
  }

  const refusalAt = (session: SessionView, attendance: AttendanceStatus | undefined) => selfLogRefusal({ status: session.status, startsAt: (session.actual ?? session.planned).at }, attendance, clock());

  app.post(
    '/training/sets',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['training'],
        summary: 'Record a set: target and actual side by side; loads in kg or lb (default: your preference). A participant records their own, marked self-reported',
        body: setBody,
        response: { 201: setView },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const selfLogging = (await personScope(db, actor)).kind === 'self';
      let input: SetInput;
      if (selfLogging) input = { ...request.body, loadUnit: request.body.loadUnit ?? (await unitOf(actor)) };
      else input = await checkedSetInput(actor, request.body);
      const id = await write(
        db,
        actor,
        async (w) => {
          // Who may log what (src/access): checked with the write's transaction, so it acts on what was checked.
          if (selfLogging) await requireSelfLoggable(w.db, actor, request.body, w.now);
          return addSet(w, input, request.body.personId === actor.personId);
        },
        clock,
      );
      return reply.status(201).send(await getSet(db, id, await unitOf(actor)));
    },
  );

  app.get(
    '/me/training/sessions',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['training'],
        summary: 'Sessions of the last 14 days I may log my own sets to: of my unit and those above it, started, not cancelled, and I was not absent or excused',
        response: { 200: z.object({ sessions: z.array(sessionView) }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (actor.personId === null) return { sessions: [] };
      const now = clock();
      const unitIds = await trainingUnitsOf(actor.personId);
      const recent = await listSessions(db, { unitIds, from: new Date(now.getTime() - 14 * 86_400_000).toISOString(), to: now.toISOString() });
      const attendance = await attendanceOf(db, actor.personId, recent.map((s) => s.id));
      return { sessions: recent.filter((s) => refusalAt(s, attendance.get(s.id)) === null).reverse() };
    },
  );

  async function setInScope(actor: Actor, id: number) {
    const row = await getSetRow(db, id);
    if (!(await personVisible(db, actor, row.person_id))) throw notFound(`training set ${id}`);
    return row;
  }

  app.put(
    '/training/sets/:id',
    { config: { reads: reads.none }, schema: { tags: ['training'], summary: 'Replace a set; estimates and bests follow at once', params: idParams, body: setBody, response: { 200: setView } } },
    async (request) => {
      const actor = actorOf(request);
      await setInScope(actor, request.params.id);
      const input = await checkedSetInput(actor, request.body);
      await write(db, actor, (w) => replaceSet(w, request.params.id, input), clock);
      return getSet(db, request.params.id, await unitOf(actor));
    },
  );

  app.delete(
    '/training/sets/:id',
    { config: { reads: reads.none }, schema: { tags: ['training'], summary: 'Delete a set', params: idParams, querystring: z.strictObject({ reason: z.string().max(500).optional() }), response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = actorOf(request);
      await setInScope(actor, request.params.id);
      await write(db, actor, (w) => deleteSet(w, request.params.id, request.query.reason), clock);
      return reply.status(204).send(null);
    },
  );

  /** The instants bounding local dates from..to in a zone (defaults: the last 12 weeks). */
  function localRange(zone: string, from: string | undefined, to: string | undefined) {
    const lastDay = to ?? localDateOf(clock(), zone);
    const firstDay = from ?? addDays(lastDay, -83);
    if (firstDay > lastDay) throw badRequest('from', `must not be after to (${lastDay})`);
    return { firstDay, lastDay, start: localDayBounds(firstDay, zone).start, end: localDayBounds(lastDay, zone).end };
  }

  app.get(
    '/people/:id/training/sets',
    { config: { reads: reads.person('training sets') }, schema: { tags: ['training'], summary: "A person's sets in your load unit; from/to are local dates", params: idParams, querystring: rangeQuery, response: { 200: z.object({ sets: z.array(setView) }) } } },
    async (request) => {
      const actor = actorOf(request);
      const person = await personInScope(actor, request.params.id);
      const range = localRange(await zoneOf(db, person), request.query.from, request.query.to);
      return { sets: await listSets(db, { personId: person.id, from: range.start, to: range.end }, await unitOf(actor)) };
    },
  );

  app.get(
    '/people/:id/training/attendance',
    {
      config: { reads: reads.person('training attendance') },
      schema: {
        tags: ['training'],
        summary: "A person's attendance at training sessions, newest first, each with its load or why it has none (default: the last 12 weeks); from/to are local dates",
        params: idParams,
        querystring: rangeQuery,
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            counts: z.object({ recorded: z.number(), present: z.number() }),
            sessions: z.array(attendanceView.omit({ person: true }).extend({ session: sessionView })),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const person = await personInScope(actor, request.params.id);
      const range = localRange(await zoneOf(db, person), request.query.from, request.query.to);
      const sessions = await personAttendance(db, person.id, range);
      return { from: range.firstDay, to: range.lastDay, counts: { recorded: sessions.length, present: sessions.filter((s) => s.status === 'present').length }, sessions };
    },
  );
  const dayView = z.object({
    date: z.string(),
    load: z.number(),
    acuteRolling: z.number().nullable(),
    chronicRolling: z.number().nullable(),
    acwrRolling: z.number().nullable(),
    acuteEwma: z.number(),
    chronicEwma: z.number(),
    acwrEwma: z.number().nullable(),
  });
  app.get(
    '/people/:id/training/load',
    {
      config: { reads: reads.person('training load') },
      schema: {
        tags: ['training'],
        summary: 'Session-RPE load per day with acute:chronic ratios (rolling and EWMA), and weekly load, monotony and strain (docs/training.md)',
        params: idParams,
        querystring: rangeQuery.extend(windowsQuery),
        response: {
          200: z.object({
            windows: z.object({ acuteDays: z.number(), chronicDays: z.number() }),
            days: z.array(dayView),
            weeks: z.array(z.object({ weekStart: z.string(), days: z.number(), load: z.number(), monotony: z.number().nullable(), strain: z.number().nullable() })),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const person = await personInScope(actor, request.params.id);
      const { acuteDays, chronicDays } = request.query;
      if (acuteDays >= chronicDays) throw badRequest('acuteDays', `must be shorter than chronicDays (${chronicDays})`);
      const range = localRange(await zoneOf(db, person), request.query.from, request.query.to);
      const loads = (await personLoads(db, person.id)).filter((l) => l.date <= range.lastDay);
      const firstRecorded = loads.length ? loads[0].date : range.firstDay;
      const seriesStart = firstRecorded < range.firstDay ? firstRecorded : range.firstDay;
      const windows = { acuteDays, chronicDays };
      const days = workloadRatios(dailyLoads(loads, seriesStart, range.lastDay), windows).filter((d) => d.date >= range.firstDay);
      // Weeks from the first with training in the range (no empty weeks before it) to the current one, so far.
      const firstInRange = loads.find((l) => l.date >= range.firstDay)?.date ?? range.lastDay;
      const weekDays = dailyLoads(loads, weekStart(firstInRange), range.lastDay);
      return { windows, days, weeks: weeklySummaries(weekDays, true) };
    },
  );

  app.get(
    '/people/:id/training/bests',
    {
      config: { reads: reads.person('training personal bests') },
      schema: {
        tags: ['training'],
        summary: 'Personal bests per exercise: heaviest load, best estimated 1RM (Epley, Brzycki beside it), most reps; warm-up sets count only with ?warmups=include',
        params: idParams,
        querystring: z.strictObject({ warmups: z.enum(['include', 'exclude']).default('exclude') }),
        response: {
          200: z.object({
            bests: z.array(
              z.object({
                exercise: z.object({ id: z.number(), name: z.string() }),
                heaviest: z.object({ load: loadView, reps: z.number(), setId: z.number(), date: z.string() }),
                bestEstimated1rm: z.object({ epley: z.number(), brzycki: z.number(), unit: z.enum(loadUnits), setId: z.number(), date: z.string() }).nullable(),
                mostReps: z.object({ reps: z.number(), setId: z.number(), date: z.string() }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await requirePersonVisible(db, actor, request.params.id);
      return { bests: await personalBests(db, request.params.id, await unitOf(actor), request.query.warmups === 'include') };
    },
  );

  app.get(
    '/units/:id/training/load',
    {
      config: { reads: reads.unit('unit training load') },
      schema: {
        tags: ['training'],
        summary: "Each participant's session-RPE load in one local week (Monday to Sunday) of a unit and the units below",
        params: idParams,
        querystring: z.strictObject({ week: isoDateSchema.optional() }),
        response: {
          200: z.object({
            weekStart: z.string(),
            participants: z.array(z.object({ person: personRef, unitId: z.number(), load: z.number().nullable(), sessions: z.number(), loadMissing: z.string().nullable() })),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const unit = await unitInScope(actor, request.params.id);
      const monday = weekStart(request.query.week ?? localDateOf(clock(), unit.timeZone));
      const participants = await unitLoad(db, await unitsBelow(db, [unit.id]), localDayBounds(monday, unit.timeZone).start, localDayBounds(addDays(monday, 6), unit.timeZone).end);
      return { weekStart: monday, participants };
    },
  );

  app.register(async (plain) => {
    const csvScope = plain.withTypeProvider<ZodTypeProvider>();
    acceptCsvBodies(csvScope);
    csvScope.post(
      '/training/import',
      {
        config: { reads: reads.none },
        bodyLimit: CSV_BODY_LIMIT,
        schema: {
          tags: ['training'],
          summary: 'Import sets from CSV (designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes), a Strong export (comma or semicolon form) or a Hevy workout export (with ?designation=); all rows or none (docs/training.md)',
          consumes: ['text/csv'],
          querystring: z.strictObject({ designation: z.string().trim().min(1).optional(), loadUnit: z.enum(loadUnits).optional() }),
          body: z.string(),
          response: { 200: z.object({ format: z.enum(trainingFileFormats), rows: z.number(), added: z.number(), alreadyStored: z.number(), sessionsCreated: z.number(), skipped: z.number() }) },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const scope = await personScope(db, actor);
        return answerImport(request, reply, (source) => runTrainingImport(db, actor, source, { ...request.query, scope, clock }));
      },
    );
  });

  app.get(
    '/training/export',
    {
      config: { reads: reads.people('training export') },
      schema: {
        tags: ['training'],
        summary: 'Every set you may see, one row per set with everything stored (loads in kg and as entered)',
        querystring: z.strictObject({ format: z.enum(trainingExportFormats).default('json') }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { format } = request.query;
      return sendExport(reply, format, exportTraining(db, format, await personScope(db, actor), (ids) => answeredAbout(request, ids)));
    },
  );
};
