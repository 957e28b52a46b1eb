import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../shared/http-params.ts';
import { write } from '../store/write.ts';
import { actorOf } from '../shared/context.ts';
import { CSV_BODY_LIMIT } from '../shared/csv-body.ts';
import { AppError, badRequest } from '../shared/errors.ts';
import type { AnalysisResult } from '../stats/analysis.ts';
import { coefficientCovariances, degreesOfFreedomMethods } from '../stats/mmrm-inference-options.ts';
import type { CoefficientCovariance, DegreesOfFreedomMethod } from '../stats/mmrm-inference-options.ts';
import { imputationStrategies, rbmiMethods, type ImputationStrategy, type RbmiMethod, type RbmiResult } from '../stats/rbmi.ts';
import { AnalysisBusy, analyseOffThread, analysisLimits } from '../stats/analysis-thread.ts';
import { ThreadTimeout } from '../stats/threads.ts';
import { StatsError } from '../stats/errors.ts';
import { covarianceStructures, type CovarianceStructure } from '../stats/mmrm.ts';
import type { Db } from '../store/db.ts';
import { judge, type JudgeableResult } from '../stats/verdict.ts';
import { physiqueByVisitColumns } from './model.ts';
import { archiveDataset, datasetSubjects, getDataset, getRun, listDatasets, listRuns, physiqueByVisit, saveDataset, saveRun } from './store.ts';
import { answeredAbout, reads } from '../shared/reads.ts';
import type { Actor } from '../shared/actor.ts';
import { analysableTrials, trialDatasetFor } from '../trial/index.ts';

/** A long-format CSV sent as text in a JSON body: the limit of every CSV import, plus room for the other fields. */
const JSON_CSV_BODY_LIMIT = CSV_BODY_LIMIT + 64 * 1024;

const column = z.string().trim().min(1).max(200);

const decisionRule = z.strictObject({
  visit: z.string().min(1).optional(),
  arm: z.string().min(1),
  direction: z.enum(['higher', 'lower']),
  margin: z.number().min(0).default(0),
  confidence: z.number().gt(0).lt(1).default(0.95),
  hypothesis: z.enum(['superiority', 'non-inferiority']),
  unit: z.string().max(20).optional(),
});

const common = {
  data: z.string().min(1).optional().describe('the data set: CSV text with a header row, one row per subject (ANCOVA) or per subject and visit (MMRM); or give `datasetId`'),
  datasetId: z.number().int().positive().optional().describe('a stored data set (GET /api/analysis/datasets) instead of `data`'),
  trial: z.string().min(1).max(40).optional().describe("a trial's primary analysis data set, by the trial's code (GET /api/analysis/datasets `trials`): the one kind whose arm column is a randomised arm"),
  dataName: z.string().trim().min(1).max(200).optional().describe('what uploaded `data` is called (its file name), for the list of past analyses'),
  outcome: column,
  arm: column,
  control: z.string().min(1),
  baseline: column.optional(),
  covariates: z.array(column).max(20).optional(),
  rule: decisionRule.optional().describe('a pre-registered decision rule to judge on the result'),
};

const analysisRequest = z.discriminatedUnion('model', [
  z.strictObject({ model: z.literal('ancova'), ...common }),
  z.strictObject({
    model: z.literal('mmrm'),
    ...common,
    subject: column,
    visit: column,
    visits: z.array(z.string().min(1)).min(1).optional(),
    covariance: z.enum(covarianceStructures).default('us'),
    coordinates: column.optional().describe('for `sp_exp`: the numeric column placing each row in time (`--coordinates`)'),
    method: z.enum(['reml', 'ml']).default('reml'),
    ddfm: z.enum(degreesOfFreedomMethods as [DegreesOfFreedomMethod, ...DegreesOfFreedomMethod[]]).default('satterthwaite').describe('degrees of freedom (`--ddfm`)'),
    vcov: z.enum(coefficientCovariances as [CoefficientCovariance, ...CoefficientCovariance[]]).default('model').describe("covariance of the estimates: the model's or a sandwich (`--vcov`)"),
  }),
  z.strictObject({
    model: z.literal('rbmi'),
    ...common,
    subject: column,
    visit: column,
    visits: z.array(z.string().min(1)).min(1).optional(),
    covariance: z.enum(covarianceStructures.filter((s) => s !== 'sp_exp') as [CovarianceStructure, ...CovarianceStructure[]]).default('us').describe('of the imputation model'),
    ice: z
      .array(z.strictObject({ subject: z.string().min(1), visit: z.string().min(1), strategy: z.enum(imputationStrategies as [ImputationStrategy, ...ImputationStrategy[]]).optional() }))
      .max(100_000)
      .describe("the intercurrent events (`--ice`): each participant's first visit affected, in the data's own subject and visit values, and optionally the strategy for that participant"),
    strategy: z.enum(imputationStrategies as [ImputationStrategy, ...ImputationStrategy[]]).describe('for events without their own (`--strategy`)'),
    reference: z.string().min(1).optional().describe('the reference arm of JR, CR and CIR (default the control)'),
    method: z.enum(rbmiMethods as [RbmiMethod, ...RbmiMethod[]]).default('jackknife').describe('standard errors: jackknife, or a seeded bootstrap'),
    samples: z.number().int().min(2).max(2000).optional(),
    seed: z.number().int().optional(),
    delta: z.number().finite().optional().describe('added to the values imputed at and after an event in `deltaArm`'),
    deltaArm: z.string().min(1).optional(),
    tippingPoint: z.boolean().default(false).describe('find the delta nearest `delta` at which the 5% verdict at the last visit changes'),
  }),
]);

const interval = { estimate: z.number(), se: z.number(), df: z.number(), lower: z.number(), upper: z.number() };
const normalInterval = { ...interval, df: z.null() };
const contrast = z.object({ contrast: z.string(), ...interval, p: z.number() });
const lsmean = z.object({ arm: z.string(), ...interval });
const commonResult = {
  outcome: z.string(),
  arm: z.string(),
  control: z.string(),
  n_subjects: z.number(),
  n_obs: z.number(),
  rows_missing_covariate: z.number(),
  aliased: z.array(z.string()),
  converged: z.literal(true),
  iterations: z.number(),
  neg2_loglik: z.number(),
  type3: z.array(z.object({ term: z.string(), num_df: z.number().nullable(), den_df: z.number().nullable(), f: z.number().nullable(), p: z.number().nullable() })),
};
/** The result object of `muster analyze --json` (docs/statistics.md), tagged by `kind`. */
const analysisResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ancova'), ...commonResult, sigma: z.number(), residual_df: z.number(), contrasts: z.array(contrast), lsmeans: z.array(lsmean) }),
  z.object({
    kind: z.literal('mmrm'),
    ...commonResult,
    visits: z.array(z.string()),
    covariance_structure: z.enum(covarianceStructures),
    method: z.enum(['reml', 'ml']),
    covariance: z.array(z.array(z.number())),
    ddfm: z.enum(degreesOfFreedomMethods as [DegreesOfFreedomMethod, ...DegreesOfFreedomMethod[]]),
    vcov: z.enum(coefficientCovariances as [CoefficientCovariance, ...CoefficientCovariance[]]),
    coordinates: z.string().optional(),
    covariance_coordinates: z.array(z.number()).optional(),
    contrasts: z.array(contrast.extend({ visit: z.string() })),
    lsmeans: z.array(lsmean.extend({ visit: z.string() })),
  }),
  z.object({
    kind: z.literal('rbmi'),
    outcome: z.string(),
    arm: z.string(),
    control: z.string(),
    reference: z.string(),
    strategy: z.enum(imputationStrategies as [ImputationStrategy, ...ImputationStrategy[]]),
    strategies: z.record(z.string(), z.number()).describe('events per strategy used'),
    method: z.enum(['condmean-jackknife', 'condmean-bootstrap']),
    samples: z.number().optional(),
    seed: z.number().optional(),
    covariance_structure: z.enum(covarianceStructures),
    visits: z.array(z.string()),
    n_subjects: z.number(),
    n_events: z.number(),
    n_imputed: z.number(),
    delta: z.number(),
    delta_arm: z.string().nullable(),
    contrasts: z.array(z.object({ visit: z.string(), contrast: z.string(), ...normalInterval, p: z.number() })),
    lsmeans: z.array(z.object({ visit: z.string(), arm: z.string(), ...normalInterval })),
    tipping_point: z
      .object({
        visit: z.string(),
        contrast: z.string(),
        significant: z.boolean().describe('at the analysis delta, two-sided 5%'),
        delta: z.number().nullable().describe('the delta nearest the analysis delta at which that changes; null if none does'),
        scan: z.array(z.object({ delta: z.number(), ...normalInterval, p: z.number() })),
      })
      .optional(),
  }),
]);
const verdict = z.object({
  met: z.boolean(),
  hypothesis: z.enum(['superiority', 'non-inferiority']),
  contrast: z.string(),
  visit: z.string().optional(),
  difference: z.number(),
  benefit: z.number(),
  lower: z.number(),
  upper: z.number(),
  se: z.number(),
  df: z.number().nullable().describe('null: a normal interval (rbmi)'),
  confidence: z.number(),
  threshold: z.number(),
  p: z.number(),
  sentence: z.string(),
});

const analysisResponse = z.object({
  result: analysisResult,
  verdict: verdict.nullable(),
  randomisedArm: z.boolean().describe("whether the arm column is a trial's randomised arm: only then is a rule judged"),
  description: z.string().nullable().describe("the rule's comparison described, when the arm is not randomised"),
  runId: z.number().describe('the stored analysis (GET /api/analysis/runs/:id)'),
});
type AnalysisResponse = z.infer<typeof analysisResponse>;

const runSummary = z.object({
  id: z.number(),
  dataLabel: z.string().describe('the file, stored data set or trial data set it ran on'),
  dataSha256: z.string(),
  trial: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  model: z.enum(['mmrm', 'ancova', 'rbmi']),
  outcome: z.string(),
  summary: z.string().nullable().describe("the verdict's sentence, or the description of a comparison of groups not randomised"),
});

const datasetSummary = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  columns: z.array(z.string()),
  rowCount: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
  archivedAt: z.string().nullable(),
});
const datasetBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(''),
  data: z.string().min(1).describe('the long-format CSV text, header first'),
});

/** Shown under the data set's name on the analysis screen and kept when it is saved: why visit 1 has no rows. */
const physiqueDescription =
  "Each person's first visit is their baseline: its values are the _bl columns of their later visits, not a row of its own (an analysis adjusted for baseline models the visits after it). So visits are numbered 2, 3, ... in time order, and a person with one visit has no row. The unit is the group.";

type AnalysisRequest = z.infer<typeof analysisRequest>;
/** A stored request: without its CSV text. */
type StoredRequest = Omit<AnalysisRequest, 'data'>;

/** The fit runs in a worker thread within limits (src/stats/analysis-thread.ts), so no analysis stalls other requests. */
function analyse(request: AnalysisRequest, data: string): Promise<AnalysisResult | RbmiResult> {
  const limits = analysisLimits();
  const options = {
    outcome: request.outcome,
    arm: request.arm,
    control: request.control,
    ...(request.baseline !== undefined && { baseline: request.baseline }),
    ...(request.covariates !== undefined && { covariates: request.covariates }),
  };
  if (request.model === 'ancova') return analyseOffThread({ model: 'ancova', data, limits, options });
  if (request.model === 'rbmi') {
    // The events as the command's --ice file: the data's subject and visit columns, and strategy.
    const ice = { header: [request.subject, request.visit, 'strategy'], rows: request.ice.map((e, k) => ({ line: k + 2, cells: [e.subject, e.visit, e.strategy ?? ''] })) };
    return analyseOffThread({
      model: 'rbmi',
      data,
      limits,
      options: {
        ...options,
        subject: request.subject,
        visit: request.visit,
        ...(request.visits !== undefined && { visits: request.visits }),
        covariance: request.covariance,
        ice,
        strategy: request.strategy,
        ...(request.reference !== undefined && { reference: request.reference }),
        method: request.method,
        ...(request.samples !== undefined && { samples: request.samples }),
        ...(request.seed !== undefined && { seed: request.seed }),
        ...(request.delta !== undefined && { delta: request.delta }),
        ...(request.deltaArm !== undefined && { deltaArm: request.deltaArm }),
        tippingPoint: request.tippingPoint,
      },
    });
  }
  return analyseOffThread({ model: 'mmrm', data, limits, options: {
    ...options,
    subject: request.subject,
    visit: request.visit,
    ...(request.visits !== undefined && { visits: request.visits }),
    covariance: request.covariance,
    ...(request.coordinates !== undefined && { coordinates: request.coordinates }),
    method: request.method,
    ddfm: request.ddfm,
    vcov: request.vcov,
  } });
}

/**
 * The CSV an analysis runs on: sent in the request, a stored data set's, or a trial's own; and its
 * randomised arm column, which only a trial's data set has (a verdict compares randomised arms only).
 */
async function dataOf(db: Db, actor: Actor, request: AnalysisRequest): Promise<{ data: string; label: string; randomisedArm: string | null; personIds: number[] }> {
  const given = [request.data, request.datasetId, request.trial].filter((source) => source !== undefined).length;
  if (given !== 1) throw badRequest('data', 'give the CSV text in `data`, a stored data set in `datasetId` or a trial in `trial`, one of the three');
  if (request.trial !== undefined) {
    const { csv, name, randomisedArm, personIds } = await trialDatasetFor(db, actor, request.trial);
    return { data: csv, label: name, randomisedArm, personIds };
  }
  if (request.data !== undefined) return { data: request.data, label: request.dataName ?? 'uploaded CSV', randomisedArm: null, personIds: [] };
  const stored = await getDataset(db, request.datasetId!);
  return { data: stored.data, label: stored.name, randomisedArm: null, personIds: [] };
}

/** The result with the rule judged (randomised arms) or its comparison described (other groups). */
function answerOf(body: AnalysisRequest, result: AnalysisResult | RbmiResult, randomised: boolean): Omit<AnalysisResponse, 'runId'> {
  if (!body.rule) return { result, verdict: null, randomisedArm: randomised, description: null };
  const { unit, ...rule } = body.rule;
  if (!randomised) return { result, verdict: null, randomisedArm: false, description: describeComparison(rule, result, unit) };
  return { result, verdict: judge({ ...rule, outcome: body.outcome, ...(unit !== undefined && { labels: { unit } }) }, result), randomisedArm: true, description: null };
}

/** The rule's comparison told as a description: groups that were not randomised support no verdict. */
function describeComparison(rule: { arm: string; visit?: string }, result: JudgeableResult, unit: string | undefined): string {
  const name = `${rule.arm} - ${result.control}`;
  const at = result.kind === 'ancova' ? '' : ` at ${rule.visit}`;
  const contrast = result.kind === 'ancova' ? result.contrasts.find((c) => c.contrast === name) : result.contrasts.find((c) => c.contrast === name && c.visit === rule.visit);
  if (!contrast) throw badRequest('rule', `no contrast "${name}"${at} in the result`);
  const kg = unit ? ` ${unit}` : '';
  return (
    `${rule.arm} vs ${result.control} on ${result.outcome}${at}: difference ${contrast.estimate.toFixed(2)}${kg} (95% CI ${contrast.lower.toFixed(2)} to ${contrast.upper.toFixed(2)}). ` +
    `"${result.arm}" is not a randomised arm, so this describes the groups and judges no rule.`
  );
}

/**
 * The statistics engine behind the datapad's analysis screen: the same pipeline and result as
 * `muster analyze`, on a CSV sent in the request or a stored data set. Each analysis is kept
 * (request without its CSV, the CSV's SHA-256, the answer) to be listed and opened again; keeping
 * it, and saving and archiving data sets, are audited writes.
 */
export const analysisRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  app.post(
    '/analysis',
    {
      // A trial's data set is read from every participant's records; an uploaded or stored one names nobody.
      config: { reads: reads.dataset('trial analysis data set (analysis screen)') },
      bodyLimit: JSON_CSV_BODY_LIMIT,
      schema: {
        tags: ['analysis'],
        summary: "Fit an MMRM (with `ddfm`, `vcov`, sp_exp `coordinates`), an ANCOVA or reference-based imputation (`rbmi`: strategy, events, jackknife or bootstrap, delta, tipping point) to a long-format CSV (as `muster analyze`), and judge a decision rule on it when the arm column is a trial's randomised arm (else the comparison comes as a description)",
        body: analysisRequest,
        response: {
          200: analysisResponse,
        },
      },
    },
    async (request) => {
      const body = request.body;
      const { data, label, randomisedArm, personIds } = await dataOf(db, actorOf(request), body);
      answeredAbout(request, personIds);
      const randomised = randomisedArm !== null && randomisedArm === body.arm;
      let answer: Omit<AnalysisResponse, 'runId'>;
      try {
        answer = answerOf(body, await analyse(body, data), randomised);
      } catch (error) {
        if (error instanceof ThreadTimeout) throw new AppError('unprocessable', `the analysis took longer than the limit of ${error.limitMs / 1000} s and was stopped; fit a simpler model (fewer visits, a structured covariance) or a smaller data set`, { field: 'data' });
        if (error instanceof AnalysisBusy) throw new AppError('unavailable', error.message);
        if (!(error instanceof StatsError)) throw error;
        if (error.code === 'too_large') throw new AppError('unprocessable', error.message.replace(/^--([a-z]+): /, '$1: '), { field: /^--([a-z]+)/.exec(error.message)?.[1] ?? 'data' });
        // The engine names the option at fault as the command's flag ("--outcome: ..."); the field is the body's.
        const field = /^--([a-z]+)/.exec(error.message)?.[1] ?? (error.message.startsWith('verdict:') ? 'rule' : 'data');
        if (error.code === 'not_converged') throw new AppError('bad_request', `the model did not converge: ${error.message}`, { field: 'covariance' });
        throw new AppError('bad_request', error.message, { field });
      }
      // Kept so it can be listed, opened and reported again: the request without its CSV, the CSV's SHA-256.
      const { data: _csv, ...kept } = body;
      const runId = await write(db, actorOf(request), (w) => saveRun(w, { dataLabel: label, csv: data, trial: body.trial ?? null, request: kept, response: answer }), clock);
      return { ...answer, runId };
    },
  );

  app.get(
    '/analysis/runs',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['analysis'],
        summary: "The analyses run on the analysis screen, newest first (200): who ran them, when, on what; a trial's own only for a reader who sees its arms",
        response: { 200: z.object({ runs: z.array(runSummary) }) },
      },
    },
    async (request) => {
      const shown = (await analysableTrials(db, actorOf(request))).map((t) => t.code);
      const runs = await listRuns<StoredRequest, Omit<AnalysisResponse, 'runId'>>(db, shown);
      return { runs: runs.map(({ request: stored, response, ...run }) => ({ ...run, model: stored.model, outcome: stored.outcome, summary: response.verdict?.sentence ?? response.description })) };
    },
  );

  app.get(
    '/analysis/runs/:id',
    {
      config: { reads: reads.none },
      schema: {
        tags: ['analysis'],
        summary: 'One stored analysis: its request (without the CSV) and the answer as it was given',
        params: idParams,
        response: { 200: runSummary.extend({ request: z.record(z.string(), z.unknown()).describe('the POST /api/analysis body without `data`'), answer: analysisResponse.omit({ runId: true }) }) },
      },
    },
    async (request) => {
      const shown = (await analysableTrials(db, actorOf(request))).map((t) => t.code);
      const { request: stored, response, ...run } = await getRun<StoredRequest, Omit<AnalysisResponse, 'runId'>>(db, request.params.id, shown);
      return { ...run, model: stored.model, outcome: stored.outcome, summary: response.verdict?.sentence ?? response.description, request: stored, answer: response };
    },
  );

  app.get(
    '/analysis/datasets',
    { config: { reads: reads.none }, schema: { tags: ['analysis'], summary: 'The stored data sets (archived ones left out), newest first, without their data', response: { 200: z.object({ datasets: z.array(datasetSummary), trials: z.array(z.object({ code: z.string(), title: z.string() })).describe('trials whose own data set (randomised arm) this reader may analyse: POST /api/analysis with `trial`') }) } } },
    async (request) => ({ datasets: await listDatasets(db), trials: await analysableTrials(db, actorOf(request)) }),
  );

  app.get(
    '/analysis/trials/:code',
    {
      // Every randomised participant's values, as the trial's own analysis reads them.
      config: { reads: reads.dataset('trial analysis data set (analysis screen)') },
      schema: {
        tags: ['analysis'],
        summary: "A trial's primary analysis data set with its CSV text, for the analysis screen to show its columns and arms (a reader who sees the trial's arms only)",
        params: z.strictObject({ code: z.string().min(1).max(40) }),
        response: { 200: z.object({ name: z.string(), description: z.string(), randomisedArm: z.string().describe('the column holding the randomised arm'), data: z.string() }) },
      },
    },
    async (request) => {
      const { name, description, randomisedArm, csv, personIds } = await trialDatasetFor(db, actorOf(request), request.params.code);
      answeredAbout(request, personIds);
      return { name, description, randomisedArm, data: csv };
    },
  );

  app.post(
    '/analysis/datasets',
    {
      config: { reads: reads.none },
      bodyLimit: JSON_CSV_BODY_LIMIT,
      schema: { tags: ['analysis'], summary: 'Store a long-format CSV as a named data set (audited); names are never reused', body: datasetBody, response: { 201: datasetSummary } },
    },
    async (request, reply) => {
      const { name, description, data } = request.body;
      const saved = await write(db, actorOf(request), (w) => saveDataset(w, { name, description, csv: data }), clock);
      return reply.status(201).send(saved);
    },
  );

  app.get(
    '/analysis/datasets/:id',
    { config: { reads: reads.dataset('analysis data set') }, schema: { tags: ['analysis'], summary: 'A stored data set with its CSV text (archived ones too)', params: idParams, response: { 200: datasetSummary.extend({ data: z.string() }) } } },
    async (request) => {
      const dataset = await getDataset(db, request.params.id);
      answeredAbout(request, await datasetSubjects(db, dataset.data));
      return dataset;
    },
  );

  app.delete(
    '/analysis/datasets/:id',
    { config: { reads: reads.none }, schema: { tags: ['analysis'], summary: 'Archive a data set: off the list, still readable by id (whoever saved it, or an investigator; audited)', params: idParams } },
    async (request, reply) => {
      await write(db, actorOf(request), (w) => archiveDataset(w, request.params.id), clock);
      return reply.status(204).send();
    },
  );

  app.get(
    '/analysis/derived/physique-by-visit',
    {
      config: { reads: reads.dataset('physique measurements by visit (analysis)') },
      schema: {
        tags: ['analysis'],
        summary: "Physique measurements by visit, built now from every participant's visits (recorded in each one's access log)",
        response: { 200: z.object({ name: z.string(), description: z.string(), columns: z.array(z.string()), rowCount: z.number(), data: z.string() }) },
      },
    },
    async (request) => {
      const { data, rowCount, people } = await physiqueByVisit(db);
      answeredAbout(request, people);
      return { name: 'Physique measurements by visit', description: physiqueDescription, columns: [...physiqueByVisitColumns], rowCount, data };
    },
  );
};
