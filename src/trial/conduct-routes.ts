import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inScope, personScope, requirePersonVisible, seesArms } from '../access/index.ts';
import { isoDateSchema } from '../roster/index.ts';
import { localDateOf } from '../shared/time.ts';
import type { Actor } from '../shared/actor.ts';
import { systemActor } from '../shared/actor.ts';
import { actorOf } from '../shared/context.ts';
import { notFound } from '../shared/errors.ts';
import { pathId } from '../shared/http-params.ts';
import { answeredAbout, reads } from '../shared/reads.ts';
import { write } from '../store/write.ts';
import { pooledAdherence } from './adherence.ts';
import {
  adherenceOf,
  adverseEvents,
  assessmentDays,
  consortFor,
  detectDeviations,
  dispense,
  enrolments,
  listDeviations,
  logDose,
  myTrials,
  outcomes,
  recordDeviation,
  relatedness,
  reportAdverseEvent,
  requireEnrolment,
  takesPart,
  withdraw,
} from './conduct-store.ts';
import { consortSvg } from './consort.ts';
import { assignVisits } from './deviations.ts';
import { visitWindow } from './protocol.ts';
import { trialByCode, type TrialView } from './trials.ts';

const code = z.string().min(1).max(40);
const codeParams = z.strictObject({ code });
const participantParams = z.strictObject({ code, id: pathId });
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const reason = text(2000).describe('why: every trial change carries a reason in the audit trail');

const adherenceNumbers = { expected: z.number(), taken: z.number(), missed: z.number(), adherence: z.number().nullable() };
const pooledNumbers = z.object({ participants: z.number(), ...adherenceNumbers, meanOfParticipants: z.number().nullable() });
const dose = z.object({ personId: z.number(), kitCode: z.string(), date: z.string(), source: z.enum(['self', 'supervised']), recordedAt: z.string(), recordedBy: z.string() });
const personRef = z.object({ id: z.number(), designation: z.string() });
const armNote = 'only for those who see arms (seesArms)';
const adverseEvent = z.object({
  id: z.number(),
  person: personRef,
  kitCode: z.string(),
  arm: z.string().optional().describe(armNote),
  description: z.string(),
  onset: z.string(),
  severity: z.number(),
  serious: z.boolean(),
  relatedness: z.enum(relatedness),
  outcome: z.enum(outcomes),
  reportedAt: z.string(),
  reportedBy: z.string(),
});
const eventCounts = { events: z.number(), serious: z.number(), participants: z.number() };
const withdrawalView = z.object({
  personId: z.number(),
  kind: z.enum(['withdrew', 'lost-to-follow-up', 'discontinued']),
  reason: z.string(),
  dataMayBeUsed: z.boolean(),
  withdrawnOn: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
const reasonCounts = z.record(z.string(), z.number());
const armFlow = {
  allocated: z.number(),
  received: z.number(),
  notReceived: z.number(),
  lostToFollowUp: z.number(),
  discontinued: z.number(),
  analysed: z.number(),
  excludedFromAnalysis: z.number(),
  reasons: z.object({ notReceived: reasonCounts, lostToFollowUp: reasonCounts, discontinued: reasonCounts, excludedFromAnalysis: reasonCounts }),
};
const consortAnswer = z.object({
  assessed: z.number(),
  excluded: z.object({
    total: z.number(),
    reasons: z.object({ notMeetingCriteria: z.number(), declinedToParticipate: z.number(), otherReasons: z.number() }),
    details: z.object({ notMeetingCriteria: reasonCounts, otherReasons: reasonCounts }),
  }),
  randomised: z.number().describe('the sum of `allocated` over the arms'),
  arms: z.array(z.object({ arm: z.string(), ...armFlow })).optional().describe(`per arm, ${armNote}`),
  pooled: z.object(armFlow).optional().describe('the arms merged, for blinded viewers'),
});

/** The arm of a row, only for a viewer who may see arms: the one masking helper of these routes. */
const armFor = (shows: boolean, arm: string) => (shows ? { arm } : {});

/**
 * The trial's conduct (docs/trial.md): dispensing, doses and adherence, adverse events,
 * deviations, withdrawal, CONSORT and the participant's own view. Arms pass only through
 * `armFor` and per-arm counts only when `seesArms` says so; blinded viewers get kit codes and
 * pooled numbers.
 */
export const conductRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  /** The people of the trial the actor may see: everyone for staff who see all, a trainer's units, or none. */
  const visibleIds = async (actor: Actor, ids: readonly number[]): Promise<number[]> => {
    const scope = await personScope(db, actor);
    if (scope.kind === 'all') return [...ids];
    const units = await db
      .selectFrom('person_unit')
      .select(['person_id', 'unit_id'])
      .where('effective_to', 'is', null)
      .where('person_id', 'in', ids.length ? ids : [0])
      .execute();
    const unitOf = new Map(units.map((u) => [u.person_id, u.unit_id]));
    return ids.filter((id) => inScope(scope, { id, unitId: unitOf.get(id) ?? null }));
  };
  const visibleEnrolments = async (actor: Actor, trial: TrialView) => {
    const all = await enrolments(db, trial);
    return new Set(await visibleIds(actor, all.map((e) => e.personId)));
  };

  app.post(
    '/trials/:code/participants/:id/dispensings',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: "Dispense a randomised participant's kit (the kit code is their allocation's): lot, expiry after the day of dispensing and not past, number of doses",
        params: participantParams,
        body: z.strictObject({ lot: text(100), expiry: isoDateSchema, doses: z.number().int().min(1).max(1000), dispensedOn: isoDateSchema, reason: reason.optional() }),
        response: {
          201: z.object({ personId: z.number(), kitCode: z.string(), lot: z.string(), expiry: z.string(), doses: z.number(), dispensedOn: z.string(), dispensedAt: z.string(), dispensedBy: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await requirePersonVisible(db, actor, request.params.id);
      const trial = await trialByCode(db, request.params.code);
      const dispensing = await write(db, actor, (w) => dispense(w, trial, request.params.id, request.body), clock);
      return reply.status(201).send(dispensing);
    },
  );

  app.put(
    '/me/trials/:code/doses/:date',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: "Log your dose of a day (your unit's local day, not in the future, not before randomisation); one a day: logging it again answers the dose already logged",
        params: z.strictObject({ code, date: isoDateSchema }),
        response: { 200: z.object({ dose, created: z.boolean() }), 201: z.object({ dose, created: z.boolean() }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const trial = await trialByCode(db, request.params.code);
      const answer = await write(
        db,
        actor,
        async (w) => logDose(w, trial, await requireEnrolment(w.db, trial, actor.personId!, 'code'), request.params.date, 'self'),
        clock,
      );
      return reply.status(answer.created ? 201 : 200).send(answer);
    },
  );

  app.post(
    '/trials/:code/doses',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'Record supervised doses of a day for people of your units (a dose already logged that day is answered, not repeated)',
        params: codeParams,
        body: z.strictObject({ personIds: z.array(pathId).min(1, 'name at least one person').max(1000), date: isoDateSchema }),
        response: { 200: z.object({ doses: z.array(z.object({ dose, created: z.boolean() })) }), 201: z.object({ doses: z.array(z.object({ dose, created: z.boolean() })) }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      for (const id of request.body.personIds) await requirePersonVisible(db, actor, id);
      const trial = await trialByCode(db, request.params.code);
      const doses = await write(
        db,
        actor,
        async (w) => {
          const answers = [];
          for (const id of new Set(request.body.personIds)) answers.push(await logDose(w, trial, await requireEnrolment(w.db, trial, id, 'personIds'), request.body.date, 'supervised'));
          return answers;
        },
        clock,
      );
      return reply.status(doses.some((d) => d.created) ? 201 : 200).send({ doses });
    },
  );

  app.get(
    '/trials/:code/adherence',
    {
      config: { reads: reads.people('trial adherence') },
      schema: {
        tags: ['trial'],
        summary: 'Adherence (doses taken over doses expected) of each randomised participant you may see, pooled per arm for those who see arms, otherwise pooled over all',
        params: codeParams,
        response: {
          200: z.object({
            participants: z.array(
              z.object({
                person: personRef,
                kitCode: z.string(),
                arm: z.string().optional().describe(armNote),
                dispensedOn: z.string().nullable(),
                withdrawnOn: z.string().nullable().describe('the day they left the trial: no dose is recorded after it'),
                ...adherenceNumbers,
              }),
            ),
            arms: z.array(z.object({ arm: z.string() }).extend(pooledNumbers.shape)).optional().describe(`per arm, ${armNote}`),
            pooled: pooledNumbers,
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const trial = await trialByCode(db, request.params.code);
      const shows = seesArms(actor, trial);
      const visible = await visibleEnrolments(actor, trial);
      const rows = await adherenceOf(db, trial, clock(), [...visible]);
      answeredAbout(request, visible);
      return {
        participants: rows.map((r) => ({
          person: { id: r.enrolment.personId, designation: r.enrolment.designation },
          kitCode: r.enrolment.kitCode,
          ...armFor(shows, r.enrolment.arm),
          dispensedOn: r.dispensedOn,
          withdrawnOn: r.withdrawnOn,
          expected: r.expected,
          taken: r.taken,
          missed: r.missed,
          adherence: r.adherence,
        })),
        ...(shows && { arms: trial.protocol.arms.map(({ label }) => ({ arm: label, ...pooledAdherence(rows.filter((r) => r.enrolment.arm === label)) })) }),
        pooled: pooledAdherence(rows),
      };
    },
  );

  app.post(
    '/trials/:code/adverse-events',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'Report an adverse event of a randomised participant (CTCAE grade 1-5); a serious one notifies every investigator at once',
        params: codeParams,
        body: z.strictObject({
          personId: pathId,
          description: text(2000),
          onset: isoDateSchema,
          severity: z.number().int().min(1, 'a CTCAE grade is 1 (mild) to 5 (death)').max(5, 'a CTCAE grade is 1 (mild) to 5 (death)'),
          serious: z.boolean().describe('ICH E2A: death, life-threatening, hospitalisation, persistent disability, congenital anomaly or another important medical event'),
          relatedness: z.enum(relatedness),
          outcome: z.enum(outcomes),
        }),
        response: { 201: adverseEvent },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await requirePersonVisible(db, actor, request.body.personId);
      const trial = await trialByCode(db, request.params.code);
      const event = await write(db, actor, (w) => reportAdverseEvent(w, trial, request.body), clock);
      return reply.status(201).send(event);
    },
  );

  app.get(
    '/trials/:code/adverse-events',
    {
      config: { reads: reads.people('trial adverse events') },
      schema: {
        tags: ['trial'],
        summary: 'Adverse events of the participants you may see, newest onset first, with counts per arm for those who see arms, otherwise pooled',
        params: codeParams,
        response: {
          200: z.object({
            events: z.array(adverseEvent),
            arms: z.array(z.object({ arm: z.string(), ...eventCounts })).optional().describe(`per arm, ${armNote}`),
            pooled: z.object(eventCounts),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const trial = await trialByCode(db, request.params.code);
      const shows = seesArms(actor, trial);
      const events = await adverseEvents(db, trial, [...(await visibleEnrolments(actor, trial))]);
      answeredAbout(
        request,
        events.map((e) => e.person.id),
      );
      const counts = (list: typeof events) => ({ events: list.length, serious: list.filter((e) => e.serious).length, participants: new Set(list.map((e) => e.person.id)).size });
      return {
        events: events.map(({ arm, ...event }) => ({ ...event, ...armFor(shows, arm) })),
        ...(shows && { arms: trial.protocol.arms.map(({ label }) => ({ arm: label, ...counts(events.filter((e) => e.arm === label)) })) }),
        pooled: counts(events),
      };
    },
  );

  const deviation = z.object({
    id: z.number(),
    person: z.object({ id: z.number(), designation: z.string(), kitCode: z.string().nullable() }).nullable(),
    kind: z.string(),
    description: z.string(),
    occurredOn: z.string(),
    detected: z.boolean().describe('found in the record by Muster rather than recorded by hand'),
    recordedAt: z.string(),
    recordedBy: z.string(),
  });

  app.post(
    '/trials/:code/deviations',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'Record a protocol deviation by hand, about one participant or the trial as a whole',
        params: codeParams,
        body: z.strictObject({ personId: pathId.optional(), kind: text(100), description: text(2000), occurredOn: isoDateSchema, reason }),
        response: { 201: deviation },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (request.body.personId !== undefined) await requirePersonVisible(db, actor, request.body.personId);
      const trial = await trialByCode(db, request.params.code);
      const id = await write(db, actor, (w) => recordDeviation(w, trial, request.body), clock);
      return reply.status(201).send((await listDeviations(db, trial)).find((d) => d.id === id)!);
    },
  );

  app.get(
    '/trials/:code/deviations',
    {
      config: { reads: reads.people('trial protocol deviations') },
      schema: {
        tags: ['trial'],
        summary: 'Protocol deviations, recorded by hand and found in the record (an assessment outside its visit window, adherence below 80% after 14 doses); finding runs first, and stores each new one once',
        params: codeParams,
        response: { 200: z.object({ deviations: z.array(deviation) }) },
      },
    },
    async (request) => {
      const trial = await trialByCode(db, request.params.code);
      // Muster finds them, not the reader (a monitor never writes): the system records each new one.
      await write(db, systemActor('deviation detection'), (w) => detectDeviations(w, trial), clock);
      const deviations = await listDeviations(db, trial);
      answeredAbout(
        request,
        deviations.flatMap((d) => (d.person ? [d.person.id] : [])),
      );
      return { deviations };
    },
  );

  const withdrawalBody = { reason, dataMayBeUsed: z.boolean().describe('may the data already collected be used in the analysis?') };

  app.post(
    '/me/trials/:code/withdraw',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'Withdraw from the trial, at any time, saying whether the data already collected may be used',
        params: codeParams,
        body: z.strictObject(withdrawalBody),
        response: { 201: withdrawalView },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const trial = await trialByCode(db, request.params.code);
      const personId = actor.personId!;
      const withdrawal = await write(
        db,
        actor,
        async (w) => {
          if (!(await takesPart(w.db, trial, personId))) throw notFound(`your part in ${trial.code}`);
          return withdraw(w, trial, personId, { kind: 'withdrew', ...request.body });
        },
        clock,
      );
      return reply.status(201).send(withdrawal);
    },
  );

  app.post(
    '/trials/:code/participants/:id/withdrawal',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'Record that a randomised participant was lost to follow-up or discontinued the intervention',
        params: participantParams,
        body: z.strictObject({ kind: z.enum(['lost-to-follow-up', 'discontinued']), ...withdrawalBody }),
        response: { 201: withdrawalView },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await requirePersonVisible(db, actor, request.params.id);
      const trial = await trialByCode(db, request.params.code);
      const withdrawal = await write(
        db,
        actor,
        async (w) => {
          await requireEnrolment(w.db, trial, request.params.id, 'id');
          return withdraw(w, trial, request.params.id, request.body);
        },
        clock,
      );
      return reply.status(201).send(withdrawal);
    },
  );

  app.get(
    '/trials/:code/consort',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'CONSORT 2010 flow counts from the record: per arm for those who see arms, pooled otherwise; `randomised` is the sum of `allocated`',
        params: codeParams,
        response: { 200: consortAnswer },
      },
    },
    async (request) => {
      const trial = await trialByCode(db, request.params.code);
      return consortFor(db, trial, seesArms(actorOf(request), trial));
    },
  );

  app.get(
    '/trials/:code/consort.svg',
    {
      config: { reads: reads.none },
      schema: { tags: ['trial'], summary: 'The CONSORT flow diagram (SVG): one column per arm for those who see arms, one pooled column otherwise', params: codeParams },
    },
    async (request, reply) => {
      const trial = await trialByCode(db, request.params.code);
      return reply.type('image/svg+xml').send(consortSvg(await consortFor(db, trial, seesArms(actorOf(request), trial))));
    },
  );

  app.get(
    '/trials/:code/visits',
    {
      config: { reads: reads.people('trial visit schedule') },
      schema: {
        tags: ['trial'],
        summary:
          "Which assessments are due at which visit: each randomised participant you may see who has not left the trial, with every visit's due day, window (in the participant's local days) and assessments, and whether it was assessed, is open today, is still to come or was missed",
        params: codeParams,
        response: {
          200: z.object({
            participants: z.array(
              z.object({
                person: personRef,
                kitCode: z.string(),
                randomisedOn: z.string(),
                today: z.string().describe("today in the participant's unit's zone"),
                visits: z.array(
                  z.object({
                    name: z.string(),
                    due: z.string(),
                    earliest: z.string(),
                    latest: z.string(),
                    assessments: z.array(z.string()),
                    assessedOn: z.string().nullable().describe('the assessment day that counts for this visit (the nearest its due day)'),
                    status: z.enum(['assessed', 'open', 'upcoming', 'missed']),
                  }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const trial = await trialByCode(db, request.params.code);
      const visible = await visibleEnrolments(actor, trial);
      const left = new Set((await db.selectFrom('trial_withdrawal').select('person_id').where('trial_id', '=', trial.id).execute()).map((r) => r.person_id));
      const people = (await enrolments(db, trial, [...visible])).filter((e) => !left.has(e.personId));
      const days = await assessmentDays(db, people);
      answeredAbout(
        request,
        people.map((p) => p.personId),
      );
      return {
        participants: people.map((p) => {
          const today = localDateOf(clock(), p.timeZone);
          const assessed = new Map(assignVisits(trial.protocol, p.randomisedOn, days.get(p.personId) ?? []).map((a) => [a.visit, a.date]));
          return {
            person: { id: p.personId, designation: p.designation },
            kitCode: p.kitCode,
            randomisedOn: p.randomisedOn,
            today,
            visits: trial.protocol.visits.map((visit) => {
              const window = visitWindow(visit, p.randomisedOn);
              const assessedOn = assessed.get(visit.name) ?? null;
              const status = assessedOn ? 'assessed' : today > window.latest ? 'missed' : today < window.earliest ? 'upcoming' : 'open';
              return { name: visit.name, ...window, assessments: visit.assessments, assessedOn, status } as const;
            }),
          };
        }),
      };
    },
  );

  app.get(
    '/me/trials',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'The trials you take part in: your consent, your kit (never the arm while you are blinded), your visits with their due days and windows, your doses and adherence',
        response: {
          200: z.object({
            trials: z.array(
              z.object({
                code: z.string(),
                title: z.string(),
                status: z.enum(['draft', 'recruiting', 'closed', 'unblinded']),
                consent: z.object({ decision: z.enum(['given', 'refused']), documentVersion: z.number(), at: z.string() }).nullable(),
                screening: z.object({ eligible: z.boolean(), at: z.string() }).nullable(),
                kit: z.object({ kitCode: z.string(), randomisedOn: z.string(), arm: z.string().optional().describe(armNote) }).nullable(),
                visits: z.array(z.object({ name: z.string(), due: z.string(), earliest: z.string(), latest: z.string(), assessments: z.array(z.string()) })),
                doses: z.array(z.object({ date: z.string(), source: z.enum(['self', 'supervised']) })),
                adherence: z.object({ dispensedOn: z.string().nullable(), ...adherenceNumbers }).nullable(),
                withdrawal: withdrawalView.nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const trials = await myTrials(db, actor.personId!, clock());
      return {
        trials: trials.map(({ trial, consent, screening, adherence, doses, withdrawal }) => {
          const enrolment = adherence?.enrolment;
          return {
            code: trial.code,
            title: trial.title,
            status: trial.status,
            consent,
            screening,
            kit: enrolment ? { kitCode: enrolment.kitCode, randomisedOn: enrolment.randomisedOn, ...armFor(seesArms(actor, trial), enrolment.arm) } : null,
            visits: enrolment ? trial.protocol.visits.map((visit) => ({ name: visit.name, ...visitWindow(visit, enrolment.randomisedOn), assessments: visit.assessments })) : [],
            doses,
            adherence: adherence ? { dispensedOn: adherence.dispensedOn, expected: adherence.expected, taken: adherence.taken, missed: adherence.missed, adherence: adherence.adherence } : null,
            withdrawal,
          };
        }),
      };
    },
  );
};
