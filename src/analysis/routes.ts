import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../shared/errors.ts';
import { analyzeAncova, analyzeMmrm, type AnalysisResult } from '../stats/analysis.ts';
import { StatsError } from '../stats/errors.ts';
import { covarianceStructures } from '../stats/mmrm.ts';
import { parseTable } from '../stats/table.ts';
import { judge } from '../stats/verdict.ts';

/** A long-format CSV sent as text in the JSON body; the same limit as a roster import. */
const DATA_LIMIT = 20 * 1024 * 1024;

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
  data: z.string().min(1).describe('the data set: CSV text with a header row, one row per subject (ANCOVA) or per subject and visit (MMRM)'),
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
    method: z.enum(['reml', 'ml']).default('reml'),
  }),
]);

const interval = { estimate: z.number(), se: z.number(), df: z.number(), lower: z.number(), upper: z.number() };
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
    contrasts: z.array(contrast.extend({ visit: z.string() })),
    lsmeans: z.array(lsmean.extend({ visit: z.string() })),
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
  df: z.number(),
  confidence: z.number(),
  threshold: z.number(),
  p: z.number(),
  sentence: z.string(),
});

type AnalysisRequest = z.infer<typeof analysisRequest>;

function analyse(request: AnalysisRequest): AnalysisResult {
  const table = parseTable(request.data);
  const options = {
    outcome: request.outcome,
    arm: request.arm,
    control: request.control,
    ...(request.baseline !== undefined && { baseline: request.baseline }),
    ...(request.covariates !== undefined && { covariates: request.covariates }),
  };
  if (request.model === 'ancova') return analyzeAncova(table, options);
  return analyzeMmrm(table, {
    ...options,
    subject: request.subject,
    visit: request.visit,
    ...(request.visits !== undefined && { visits: request.visits }),
    covariance: request.covariance,
    method: request.method,
  });
}

/**
 * The statistics engine behind the datapad's analysis screen: the same pipeline and result as
 * `muster analyze`, on a CSV sent in the request. Nothing is stored, so nothing is audited.
 */
export const analysisRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/analysis',
    {
      bodyLimit: DATA_LIMIT + 64 * 1024,
      schema: {
        tags: ['analysis'],
        summary: 'Fit an MMRM or ANCOVA to a long-format CSV (as `muster analyze`), and judge a decision rule on it',
        body: analysisRequest,
        response: { 200: z.object({ result: analysisResult, verdict: verdict.nullable() }) },
      },
    },
    async (request) => {
      const body = request.body;
      try {
        const result = analyse(body);
        if (!body.rule) return { result, verdict: null };
        const { unit, ...rule } = body.rule;
        return { result, verdict: judge({ ...rule, outcome: body.outcome, ...(unit !== undefined && { labels: { unit } }) }, result) };
      } catch (error) {
        if (!(error instanceof StatsError)) throw error;
        // The engine names the option at fault as the command's flag ("--outcome: ..."); the field is the body's.
        const field = /^--([a-z]+)/.exec(error.message)?.[1] ?? (error.message.startsWith('verdict:') ? 'rule' : 'data');
        if (error.code === 'not_converged') throw new AppError('bad_request', `the model did not converge: ${error.message}`, { field: 'covariance' });
        throw new AppError('bad_request', error.message, { field });
      }
    },
  );
};
