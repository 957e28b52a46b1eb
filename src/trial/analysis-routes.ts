import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { seesArms } from '../access/index.ts';
import { actorOf } from '../shared/context.ts';
import { answeredAbout, reads } from '../shared/reads.ts';
import { write } from '../store/write.ts';
import { listTrialAnalyses, runTrialAnalysis, storeTrialAnalysis } from './analysis-store.ts';
import { intercurrentEventKinds } from './protocol.ts';
import { trialByCode } from './trials.ts';

const codeParams = z.strictObject({ code: z.string().min(1).max(40) });

const pooledMean = { n: z.number(), mean: z.number().nullable() };
/** The estimand as `muster trial analyse --json` gives it (src/trial/analysis-sensitivity.ts EstimandOutput). */
const estimandView = z.object({
  population: z.string(),
  variable: z.string(),
  summary_measure: z.string(),
  intercurrent_events: z.array(
    z.object({
      event: z.enum(intercurrentEventKinds),
      strategy: z.string().describe("ICH E9(R1)'s strategy: treatment-policy, hypothetical, composite, while-on-treatment or principal-stratum"),
      imputation: z.string().nullable().describe("the engine's imputation that carries the strategy out (rbmi)"),
      description: z.string().nullable(),
      participants: z.number().describe('participants of the record with this event'),
    }),
  ),
  sentence: z.string(),
});

/** One sensitivity analysis (SensitivityRun without its events file). */
const sensitivityView = z.object({
  name: z.string(),
  command: z.record(z.string(), z.string()).describe('the `muster analyze` options that reproduce it; kind is rbmi or mmrm'),
  analysis: z.unknown().describe('what `muster analyze rbmi|mmrm --json` prints; null when the engine refused (see error)'),
  verdict: z.object({ met: z.boolean(), sentence: z.string() }).nullable(),
  ice_sha256: z.string().optional().describe('rbmi: SHA-256 of its events file'),
  error: z.string().optional(),
});

/** A stored analysis; `command`, `analysis` and `verdict` (arms, LS means, contrasts) only for those who see arms. */
const analysisView = z.object({
  id: z.number(),
  protocolVersion: z.number(),
  protocolSha256: z.string(),
  datasetSha256: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  blinded: z.boolean().describe('true: the reader is blinded, and gets the pooled means alone'),
  pooled: z.object({
    n_subjects: z.number(),
    baseline: z.object(pooledMean).nullable(),
    visits: z.array(z.object({ visit: z.string(), ...pooledMean })),
  }),
  command: z.record(z.string(), z.string()).optional().describe('the `muster analyze` options that reproduce the analysis'),
  analysis: z.unknown().optional().describe('what `muster analyze --json` prints (docs/statistics.md)'),
  verdict: z.unknown().optional().describe("the protocol's decision rule judged on the analysis, with its plain sentence"),
  estimand: estimandView.nullable().optional().describe('the protocol\'s estimand (ICH E9(R1)) with the events of the record; null when the protocol names none'),
  sensitivity: z.array(sensitivityView).optional().describe("the protocol's sensitivity analyses, in its order"),
});

/**
 * The protocol's primary analysis: the statistician runs it (stored, audited with a reason); every
 * analysing role lists the results, blinded roles (seesArms) pooled over the arms until unblinding.
 */
export const analysisRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  app.post(
    '/trials/:code/analyses',
    {
      config: { reads: reads.dataset('trial analysis data set') },
      schema: {
        tags: ['trial'],
        summary: "Run the protocol's primary analysis on the data as they stand and judge its decision rule; stored with the protocol version and the data set's SHA-256",
        params: codeParams,
        body: z.strictObject({ reason: z.string().trim().min(1, 'must not be empty').max(2000).describe('why now: every trial change carries a reason in the audit trail') }),
        response: { 201: analysisView },
      },
    },
    async (request, reply) => {
      const trial = await trialByCode(db, request.params.code);
      const run = await runTrialAnalysis(db, trial);
      answeredAbout(request, run.data.personIds, `trial ${trial.code} analysis data set`);
      const stored = await write(db, actorOf(request), (w) => storeTrialAnalysis(w, trial, run, request.body.reason), clock);
      return reply.status(201).send(stored);
    },
  );

  app.get(
    '/trials/:code/analyses',
    {
      // Results over the arms, no participant's own values.
      config: { reads: reads.none },
      schema: { tags: ['trial'], summary: 'The stored analyses, newest first; pooled over the arms for a blinded reader', params: codeParams, response: { 200: z.object({ analyses: z.array(analysisView) }) } },
    },
    async (request) => {
      const trial = await trialByCode(db, request.params.code);
      return { analyses: await listTrialAnalyses(db, trial, seesArms(actorOf(request), trial)) };
    },
  );
};
