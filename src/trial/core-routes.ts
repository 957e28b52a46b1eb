import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inScope, personScope, requirePersonVisible, seesArms } from '../access/index.ts';
import { confirmPassword } from '../auth/index.ts';
import { actorOf } from '../shared/context.ts';
import { AppError, forbidden } from '../shared/errors.ts';
import { pathId } from '../shared/http-params.ts';
import { answeredAbout, reads } from '../shared/reads.ts';
import { write } from '../store/write.ts';
import { breakCode } from './code-break.ts';
import { designReport } from './design-report.ts';
import { addConsentDocument, cohortPopulation, consentDocuments, listAllocations, randomise, recordConsent, screen } from './enrolment.ts';
import { protocolSchema } from './protocol.ts';
import { amendProtocol, closeTrial, editDraft, listTrials, lockTrial, protocolVersions, revealedSeed, unblindTrial } from './store.ts';
import { createTrial, trialByCode, type TrialView } from './trials.ts';

const reason = z.string().trim().min(1, 'give a reason: every trial change carries one in the audit trail').max(2000);
const codeParams = z.strictObject({ code: z.string().min(1).max(40) });
const participantParams = z.strictObject({ code: z.string().min(1).max(40), id: pathId });
const status = z.enum(['draft', 'recruiting', 'closed', 'unblinded']);
const decision = z.enum(['given', 'refused']);

const trialView = z.object({
  code: z.string(),
  title: z.string(),
  status,
  blinding: z.enum(['open', 'single', 'double']),
  version: z.number(),
  /** The protocol describes the arms; who got which is never on this route for a blinded role. */
  protocol: protocolSchema,
  sha256: z.string().describe("SHA-256 of the newest version's canonical JSON"),
  seedCommitment: z.string().nullable().describe('SHA-256 of the seed, published at the lock, before the first enrolment'),
  seed: z.string().nullable().describe('revealed once the trial is unblinded, so anyone can replay the allocations; null until then'),
  lockedAt: z.string().nullable(),
  unblindedAt: z.string().nullable(),
});
const consentDocument = z.object({ version: z.number(), title: z.string(), body: z.string(), sha256: z.string(), createdAt: z.string() });
const participantRef = z.object({ id: z.number(), designation: z.string() });
const allocation = z.object({
  participant: participantRef,
  sequence: z.number(),
  kitCode: z.string(),
  randomisedAt: z.string(),
  arm: z.string().optional().describe('only for those who see arms (the statistician; everyone once unblinded or in an open trial)'),
});
const consentAnswer = z.object({ participant: z.string(), documentVersion: z.number(), decision, recordedAt: z.string() });
const consentBody = { documentVersion: z.number().int().positive(), decision };
const spread = z.object({ mean: z.number(), p95: z.number(), max: z.number() });
const assessment = z.object({ imbalance: z.object({ overall: spread, withinStrata: spread, withinFactorLevels: spread }), correctGuesses: z.number() });

/**
 * The trial's core (docs/trial.md): protocol, consent, screening, randomisation and code-break.
 * Arms leave the server only through `seesArms` (src/access/blinding.ts), except on the
 * protocol's own route, which describes the arms and not who got which.
 */
export const coreRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  const view = async (trial: TrialView) => ({
    code: trial.code,
    title: trial.title,
    status: trial.status,
    blinding: trial.blinding,
    version: trial.version,
    protocol: trial.protocol,
    sha256: trial.sha256,
    seedCommitment: trial.seedSha256,
    seed: await revealedSeed(db, trial),
    lockedAt: trial.lockedAt,
    unblindedAt: trial.unblindedAt,
  });

  app.get(
    '/trials',
    { config: { reads: reads.none }, schema: { tags: ['trial'], summary: 'Every trial, newest first', response: { 200: z.object({ trials: z.array(z.object({ code: z.string(), title: z.string(), status })) }) } } },
    async () => ({ trials: await listTrials(db) }),
  );

  app.post(
    '/trials',
    { config: { reads: reads.none }, schema: { tags: ['trial'], summary: 'A new trial in draft, from its protocol (version 1)', body: protocolSchema, response: { 201: trialView } } },
    async (request, reply) => {
      const trial = await write(db, actorOf(request), (w) => createTrial(w, request.body), clock);
      return reply.status(201).send(await view(trial));
    },
  );

  app.get(
    '/trials/:code',
    { config: { reads: reads.none }, schema: { tags: ['trial'], summary: "The protocol's own page: arms, visits, version, SHA-256, seed commitment, status", params: codeParams, response: { 200: trialView } } },
    async (request) => view(await trialByCode(db, request.params.code)),
  );

  app.put(
    '/trials/:code/protocol',
    {
      config: { reads: reads.none },
      schema: { tags: ['trial'], summary: "Edit a draft's protocol", params: codeParams, body: z.strictObject({ protocol: protocolSchema, reason }), response: { 200: trialView } },
    },
    async (request) => view(await write(db, actorOf(request), (w) => editDraft(w, request.params.code, request.body.protocol, request.body.reason), clock)),
  );

  app.post(
    '/trials/:code/lock',
    {
      config: { reads: reads.none },
      schema: { tags: ['trial'], summary: "Lock the protocol (its SHA-256 recorded), draw the seed and publish its commitment; recruitment opens", params: codeParams, body: z.strictObject({ reason }), response: { 200: trialView } },
    },
    async (request) => view(await write(db, actorOf(request), (w) => lockTrial(w, request.params.code, request.body.reason), clock)),
  );

  app.post(
    '/trials/:code/amendments',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'A new protocol version with its reason; after the first randomisation it may not change arms, randomisation, stratification factors or blinding',
        params: codeParams,
        body: z.strictObject({ protocol: protocolSchema, reason }),
        response: { 201: trialView },
      },
    },
    async (request, reply) => {
      const trial = await write(db, actorOf(request), (w) => amendProtocol(w, request.params.code, request.body.protocol, request.body.reason), clock);
      return reply.status(201).send(await view(trial));
    },
  );

  app.get(
    '/trials/:code/versions',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'Every version of the protocol with its SHA-256 and reason',
        params: codeParams,
        response: { 200: z.object({ versions: z.array(z.object({ version: z.number(), sha256: z.string(), reason: z.string(), createdAt: z.string(), createdBy: z.string() })) }) },
      },
    },
    async (request) => ({ versions: await protocolVersions(db, (await trialByCode(db, request.params.code)).id) }),
  );

  app.get(
    '/trials/:code/design-report',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: "Before launch: expected imbalance and the convergence strategy's guess rate, by seeded simulation of the protocol's allocation over the roster's participants",
        params: codeParams,
        querystring: z.strictObject({
          participants: z.coerce.number().int().min(1).max(20_000).optional().describe('participants per simulated trial (default: the participants on the roster)'),
          runs: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ method: z.string(), participants: z.number(), runs: z.number(), protocol: assessment, simpleRandomisation: assessment }) },
      },
    },
    async (request) => {
      const trial = await trialByCode(db, request.params.code);
      const cohort = await cohortPopulation(db, trial.protocol);
      // Seeded by the protocol's hash, never the trial's secret seed: the same protocol always gives the same report.
      return designReport(trial.protocol, { participants: request.query.participants ?? Math.max(cohort.participants, 1), runs: request.query.runs, seed: trial.sha256, population: cohort.population });
    },
  );

  app.post(
    '/trials/:code/consent-documents',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'A new version of the consent document',
        params: codeParams,
        body: z.strictObject({ title: z.string().trim().min(1).max(300), body: z.string().trim().min(1).max(100_000) }),
        response: { 201: consentDocument },
      },
    },
    async (request, reply) => reply.status(201).send(await write(db, actorOf(request), (w) => addConsentDocument(w, request.params.code, request.body), clock)),
  );

  app.get(
    '/trials/:code/consent-documents',
    { config: { reads: reads.none }, schema: { tags: ['trial'], summary: 'Every version of the consent document', params: codeParams, response: { 200: z.object({ documents: z.array(consentDocument) }) } } },
    async (request) => ({ documents: await consentDocuments(db, (await trialByCode(db, request.params.code)).id) }),
  );

  app.put(
    '/me/trials/:code/consent',
    {
      config: { reads: reads.none },
      schema: { tags: ['trial'], summary: 'Give or refuse consent in your own login', params: codeParams, body: z.strictObject(consentBody), response: { 200: consentAnswer } },
    },
    async (request) => {
      const actor = actorOf(request);
      if (actor.personId === null) throw forbidden('only a person on the roster gives consent');
      const self = actor.personId;
      return write(db, actor, (w) => recordConsent(w, request.params.code, self, { ...request.body, reason: `${request.body.decision} in the participant's own login`, recordedBy: null }), clock);
    },
  );

  app.post(
    '/trials/:code/participants/:id/consent',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: "Record a participant's paper consent form; refused to anyone in the participant's chain of command",
        params: participantParams,
        body: z.strictObject({ ...consentBody, reason }),
        response: { 201: consentAnswer },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await requirePersonVisible(db, actor, request.params.id);
      if (actor.personId === null) throw forbidden('a paper consent is recorded by a person on the roster, so that their place in the chain of command can be checked');
      const recorder = actor.personId;
      const answer = await write(db, actor, (w) => recordConsent(w, request.params.code, request.params.id, { ...request.body, recordedBy: recorder }), clock);
      return reply.status(201).send(answer);
    },
  );

  app.post(
    '/trials/:code/participants/:id/screening',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['trial'],
        summary: 'Screen a participant: eligible when every inclusion criterion is met and no exclusion applies; a screen failure is kept with its reason',
        params: participantParams,
        body: z.strictObject({ answers: z.record(z.string(), z.boolean()), reason: reason.optional() }),
        response: { 201: z.object({ participant: z.string(), eligible: z.boolean(), reason: z.string().nullable(), screenedAt: z.string() }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await requirePersonVisible(db, actor, request.params.id);
      return reply.status(201).send(await write(db, actor, (w) => screen(w, request.params.code, request.params.id, request.body), clock));
    },
  );

  app.post(
    '/trials/:code/participants/:id/randomise',
    {
      config: { reads: reads.person('trial allocation') },
      schema: {
        tags: ['trial'],
        summary: 'Randomise a consented, eligible participant: the slot, the kit code, and the arm only for those who see arms',
        params: participantParams,
        body: z.strictObject({ reason: reason.optional() }),
        response: { 201: allocation },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await requirePersonVisible(db, actor, request.params.id);
      const answer = await write(db, actor, (w) => randomise(w, request.params.code, request.params.id, request.body.reason ?? 'randomised', (trial) => seesArms(actor, trial)), clock);
      return reply.status(201).send(answer);
    },
  );

  app.get(
    '/trials/:code/allocations',
    {
      config: { reads: reads.people('trial allocations') },
      schema: { tags: ['trial'], summary: 'Allocations in order of enrolment: kit codes, and arms only for those who see arms', params: codeParams, response: { 200: z.object({ allocations: z.array(allocation) }) } },
    },
    async (request) => {
      const actor = actorOf(request);
      const trial = await trialByCode(db, request.params.code);
      const scope = await personScope(db, actor);
      const allocations = await listAllocations(db, trial.id, (person) => inScope(scope, person), seesArms(actor, trial));
      answeredAbout(request, allocations.map((a) => a.participant.id));
      return { allocations };
    },
  );

  app.post(
    '/trials/:code/participants/:id/code-break',
    {
      config: { reads: reads.person('trial code-break') },
      schema: {
        tags: ['trial'],
        summary: "Emergency code-break: re-enter your password and give a reason; the arm is answered to you alone, the investigators are notified, and the record holds no arm",
        params: participantParams,
        body: z.strictObject({ password: z.string().min(1).max(1000), reason }),
        response: { 200: allocation.omit({ sequence: true, randomisedAt: true }).extend({ arm: z.string(), brokenAt: z.string() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (actor.accountId === null) throw forbidden('a code-break needs a signed-in account to re-authenticate');
      const accountId = actor.accountId;
      // Its own transaction: a wrong password counts towards the lockout even though the break is refused.
      const check = await write(db, actor, (w) => confirmPassword(w, accountId, request.body.password), clock);
      if (!check.ok) throw check.error.code === 'unauthenticated' ? new AppError('forbidden', 'password: wrong password; no code was broken', { field: 'password' }) : check.error;
      return write(db, actor, (w) => breakCode(w, request.params.code, request.params.id, request.body.reason), clock);
    },
  );

  app.post(
    '/trials/:code/close',
    { config: { reads: reads.none }, schema: { tags: ['trial'], summary: 'Close recruitment', params: codeParams, body: z.strictObject({ reason }), response: { 200: trialView } } },
    async (request) => view(await write(db, actorOf(request), (w) => closeTrial(w, request.params.code, request.body.reason), clock)),
  );

  app.post(
    '/trials/:code/unblind',
    {
      config: { reads: reads.none },
      schema: { tags: ['trial'], summary: 'Unblind a closed trial: arms visible to every role, the seed revealed', params: codeParams, body: z.strictObject({ reason }), response: { 200: trialView } },
    },
    async (request) => view(await write(db, actorOf(request), (w) => unblindTrial(w, request.params.code, request.body.reason), clock)),
  );
};
