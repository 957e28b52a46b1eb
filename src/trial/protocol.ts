/**
 * A trial's protocol: what is compared, how participants are allocated, when they are seen and
 * how the primary outcome is analysed and judged. Locked before the first randomisation; its
 * canonical JSON's SHA-256 identifies the version an allocation or an analysis followed.
 *
 * `protocolSchema` checks each field on its own and then the rules across fields; every issue
 * carries the path of the field at fault, which the server's error handler turns into
 * "path: message" (src/server/errors.ts).
 */
import { z } from 'zod';
import { addDays } from '../shared/time.ts';
import { covarianceStructures } from '../stats/mmrm-covariance.ts';
import type { CovarianceStructure } from '../stats/mmrm-covariance.ts';
import { coefficientCovariances, degreesOfFreedomMethods } from '../stats/mmrm-inference-options.ts';
import type { CoefficientCovariance, DegreesOfFreedomMethod } from '../stats/mmrm-inference-options.ts';
import type { ImputationStrategy } from '../stats/rbmi.ts';
import type { DecisionRule } from '../stats/verdict.ts';
import { requireDate } from './dates.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';

const nameSchema = z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters');
const wholeDays = z.number().int('must be a whole number of days');

const armSchema = z.strictObject({
  label: nameSchema,
  description: z.string().trim().max(2000),
  /** Relative share of allocations: arms with ratios 2 and 1 receive two participants for every one. */
  ratio: z.number().int('the allocation ratio must be a whole number').positive('the allocation ratio must be above 0'),
});

/**
 * Permuted blocks: a block of multiplier m holds m x ratio allocations of each arm, so its size is
 * m x (sum of the ratios). For two arms 1:1, multipliers [2, 3] give blocks of 4 and 6; each
 * block's multiplier is drawn at random, with equal chances, from the list.
 */
const permutedBlocksSchema = z.strictObject({
  method: z.literal('permuted-blocks'),
  blockSizeMultipliers: z.array(z.number().int('a multiplier is a whole number').min(1, 'a multiplier is at least 1').max(10, 'a multiplier is at most 10')).min(1, 'list at least one block-size multiplier'),
});

/**
 * Pocock-Simon minimisation with a biased coin (src/trial/randomisation.ts): the arm(s) that
 * would leave the least weighted imbalance over the participant's factor levels get
 * probability `probability` between them, the other arms share the rest.
 */
const minimisationSchema = z.strictObject({
  method: z.literal('minimisation'),
  probability: z.number().min(0.5, 'the biased coin probability is between 0.5 and 1').max(1, 'the biased coin probability is between 0.5 and 1'),
  imbalance: z.enum(['range', 'variance']),
  /** One weight per stratification factor. */
  factorWeights: z.record(nameSchema, z.number().positive('a factor weight must be above 0')),
});

const randomisationSchema = z.discriminatedUnion('method', [permutedBlocksSchema, minimisationSchema]);

const visitSchema = z.strictObject({
  name: nameSchema,
  /** Days after the day of randomisation (day 0); may be negative for a screening visit. */
  day: wholeDays,
  windowBefore: wholeDays.min(0, 'a window is 0 days or more'),
  windowAfter: wholeDays.min(0, 'a window is 0 days or more'),
  /** Measurement names assessed at this visit, e.g. "lean_mass_kg". */
  assessments: z.array(nameSchema),
});

const eligibilityCriterionSchema = z.strictObject({
  id: nameSchema,
  text: z.string().trim().min(1, 'must not be empty').max(2000),
  kind: z.enum(['inclusion', 'exclusion']),
});

const outcomeFields = {
  /** The measurement analysed; also the outcome column of the analysis data set. */
  measurement: nameSchema,
  /** The visit of the comparison (for an MMRM: the last visit analysed). */
  visit: nameSchema,
  /** The visit whose value of the measurement is the baseline covariate; none when absent. */
  baselineVisit: nameSchema.optional(),
  /** Additional covariates (columns of the analysis data set), e.g. stratification factors. */
  covariates: z.array(nameSchema),
};

const outcomeSchema = z.discriminatedUnion('analysis', [
  z.strictObject({ ...outcomeFields, analysis: z.literal('ancova') }),
  z.strictObject({
    ...outcomeFields,
    analysis: z.literal('mmrm'),
    covariance: z.enum(covarianceStructures as [CovarianceStructure, ...CovarianceStructure[]], { error: `the covariance structure is one of ${covarianceStructures.join(', ')}` }),
    method: z.enum(['reml', 'ml']),
  }),
]);

/** The verdict function's input (src/stats/verdict.ts), fixed in advance. */
const decisionRuleSchema = z.strictObject({
  outcome: nameSchema,
  visit: nameSchema.optional(),
  arm: nameSchema,
  direction: z.enum(['higher', 'lower']),
  margin: z.number().min(0, 'the margin is 0 or more'),
  confidence: z.number().gt(0, 'the confidence level is between 0 and 1').lt(1, 'the confidence level is between 0 and 1'),
  hypothesis: z.enum(['superiority', 'non-inferiority']),
  labels: z
    .strictObject({ outcome: z.string().optional(), visit: z.string().optional(), arm: z.string().optional(), control: z.string().optional(), unit: z.string().optional() })
    .optional(),
  digits: z.number().int().min(0).max(6).optional(),
}) satisfies z.ZodType<DecisionRule>;

/** The ways a participant leaves the trial (trial_withdrawal.kind): the intercurrent events the record knows. */
export const intercurrentEventKinds = ['withdrew', 'lost-to-follow-up', 'discontinued'] as const;
export type IntercurrentEventKind = (typeof intercurrentEventKinds)[number];

/** ICH E9(R1)'s strategies for an intercurrent event. */
export const iceStrategies = ['treatment-policy', 'hypothetical', 'composite', 'while-on-treatment', 'principal-stratum'] as const;
export type IceStrategy = (typeof iceStrategies)[number];

/** The engine's imputation strategies (src/stats/rbmi.ts; named here so the protocol loads without the engine). */
const imputationStrategyNames = ['MAR', 'JR', 'CR', 'CIR', 'LMCF'] as const satisfies readonly ImputationStrategy[];

/**
 * Which imputation of the engine carries out each strategy, where one does: a hypothetical strategy
 * ("as if they had stayed on the supplement") is missing at random; a treatment policy without
 * data collected after the event is approximated by reference-based imputation (or MAR); while on
 * treatment by the last mean carried forward. Composite and principal stratum strategies change the
 * variable or the population, which imputation does not do.
 */
export const imputationsOf: Record<IceStrategy, readonly ImputationStrategy[]> = {
  'treatment-policy': ['JR', 'CR', 'CIR', 'MAR'],
  hypothetical: ['MAR'],
  'while-on-treatment': ['LMCF'],
  composite: [],
  'principal-stratum': [],
};

const textSchema = z.string().trim().min(1, 'must not be empty').max(2000);

/** The estimand, ICH E9(R1)'s four attributes besides the treatments (the arms). */
const estimandSchema = z.strictObject({
  /** Whom the question is about, e.g. "randomised participants whose data may be used". */
  population: textSchema,
  /** The variable (endpoint), e.g. "lean mass (kg, DXA) at week 12". */
  variable: textSchema,
  /** Each intercurrent event of the record with the strategy that handles it. */
  intercurrentEvents: z.array(
    z.strictObject({
      event: z.enum(intercurrentEventKinds),
      strategy: z.enum(iceStrategies),
      /** The engine's imputation for it, where the strategy has one (imputationsOf); default the first. */
      imputation: z.enum(imputationStrategyNames).optional(),
      description: z.string().trim().max(2000).optional(),
    }),
  ),
  /** The population-level summary, e.g. "difference in means, whey - placebo". */
  summaryMeasure: textSchema,
});

/**
 * A sensitivity analysis of the primary outcome: reference-based imputation (`muster analyze
 * rbmi`; `strategy` for every event, else each event's imputation from the estimand), optionally
 * with a delta and a tipping point; or the primary MMRM with other degrees of freedom or another
 * covariance of the estimates.
 */
const sensitivitySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    name: nameSchema,
    kind: z.literal('rbmi'),
    strategy: z.enum(imputationStrategyNames).optional(),
    reference: nameSchema.optional(),
    method: z.enum(['jackknife', 'bootstrap']).optional(),
    samples: z.number().int().min(2, 'at least 2 resamples').max(100_000).optional(),
    seed: z.number().int().optional(),
    delta: z.number().optional(),
    deltaArm: nameSchema.optional(),
    tippingPoint: z.boolean().optional(),
  }),
  z.strictObject({
    name: nameSchema,
    kind: z.literal('mmrm'),
    ddfm: z.enum(degreesOfFreedomMethods as [DegreesOfFreedomMethod, ...DegreesOfFreedomMethod[]]).optional(),
    vcov: z.enum(coefficientCovariances as [CoefficientCovariance, ...CoefficientCovariance[]]).optional(),
    covariance: z.enum(covarianceStructures as [CovarianceStructure, ...CovarianceStructure[]]).optional(),
  }),
]);

/**
 * The fixed columns of the analysis data set (src/trial/analysis-dataset.ts). An outcome's
 * measurement and covariates are columns too, so they may not take these names.
 */
export const analysisColumns = { subject: 'participant', arm: 'arm', visit: 'visit', baseline: 'baseline' } as const;

const protocolFields = z.strictObject({
  code: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'a trial code is letters, digits, dashes and underscores, e.g. WHEY-01 (at most 40)'),
  title: z.string().trim().min(1, 'must not be empty').max(300),
  arms: z.array(armSchema).min(2, 'a trial compares at least two arms'),
  /** The label of the arm every other arm is compared with. */
  controlArm: nameSchema,
  blinding: z.enum(['open', 'single', 'double']),
  /** Participant characteristics allocation balances over, e.g. "unit", "sex". */
  stratificationFactors: z.array(nameSchema),
  randomisation: randomisationSchema,
  visits: z.array(visitSchema).min(1, 'the schedule needs at least one visit'),
  eligibility: z.array(eligibilityCriterionSchema),
  outcomes: z.strictObject({ primary: outcomeSchema, secondary: z.array(outcomeSchema) }),
  decisionRule: decisionRuleSchema,
  /** What the primary analysis estimates (ICH E9(R1)); protocols written before it have none. */
  estimand: estimandSchema.optional(),
  /** Run after the primary analysis, on the same data set. */
  sensitivityAnalyses: z.array(sensitivitySchema).optional(),
});

export const protocolSchema = protocolFields.superRefine((protocol, context) => {
  for (const issue of crossFieldProblems(protocol)) context.addIssue({ code: 'custom', ...issue });
});

export type Protocol = z.infer<typeof protocolSchema>;
export type Visit = Protocol['visits'][number];
export type Outcome = Protocol['outcomes']['primary'];
export type Randomisation = Protocol['randomisation'];
export type Estimand = NonNullable<Protocol['estimand']>;
export type SensitivityAnalysis = NonNullable<Protocol['sensitivityAnalyses']>[number];

/** The engine's imputation for an intercurrent event under the estimand; null where imputation does not apply. */
export function imputationFor(event: Estimand['intercurrentEvents'][number]): ImputationStrategy | null {
  return event.imputation ?? imputationsOf[event.strategy][0] ?? null;
}

/** Every problem of a protocol as "path: message"; empty when the protocol is valid. */
export function protocolProblems(input: unknown): string[] {
  const parsed = protocolSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** The protocol's canonical JSON (keys sorted at every depth): the bytes its hash is taken of. */
export const canonicalProtocol = (protocol: Protocol): string => canonicalJson(protocol);

/** SHA-256 of the canonical JSON: equal protocols hash alike whatever their key order. */
export const protocolSha256 = (protocol: Protocol): string => sha256Hex(canonicalProtocol(protocol));

/** The days an assessment for `visit` may take place, from the day of randomisation. */
export function visitWindow(visit: Visit, randomisedOn: string): { due: string; earliest: string; latest: string } {
  const due = addDays(requireDate('randomisedOn', randomisedOn), visit.day);
  return { due, earliest: addDays(due, -visit.windowBefore), latest: addDays(due, visit.windowAfter) };
}

/**
 * The visits an outcome is analysed at, in schedule order: for an ANCOVA its visit alone; for an
 * MMRM every visit after the baseline visit, up to and including its visit, that assesses the
 * measurement.
 */
export function analysedVisits(protocol: Protocol, outcome: Outcome): string[] {
  if (outcome.analysis === 'ancova') return [outcome.visit];
  const last = protocol.visits.find((visit) => visit.name === outcome.visit);
  const baseline = protocol.visits.find((visit) => visit.name === outcome.baselineVisit);
  return protocol.visits
    .filter((visit) => visit.assessments.includes(outcome.measurement))
    .filter((visit) => (baseline === undefined || visit.day > baseline.day) && last !== undefined && visit.day <= last.day)
    .map((visit) => visit.name);
}

interface Problem {
  path: (string | number)[];
  message: string;
}

type ProtocolFields = z.infer<typeof protocolFields>;

function crossFieldProblems(protocol: ProtocolFields): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: (string | number)[], message: string) => problems.push({ path, message });

  duplicates(protocol.arms.map((arm) => arm.label)).forEach((index) => problem(['arms', index, 'label'], 'another arm has this label'));
  const armLabels = new Set(protocol.arms.map((arm) => arm.label));
  if (!armLabels.has(protocol.controlArm)) problem(['controlArm'], `no arm is labelled "${protocol.controlArm}" (arms: ${[...armLabels].join(', ')})`);

  duplicates(protocol.stratificationFactors).forEach((index) => problem(['stratificationFactors', index], 'this factor is listed twice'));
  const randomisation = protocol.randomisation;
  if (randomisation.method === 'permuted-blocks') {
    duplicates(randomisation.blockSizeMultipliers).forEach((index) => problem(['randomisation', 'blockSizeMultipliers', index], 'this multiplier is listed twice'));
  } else {
    if (protocol.stratificationFactors.length === 0) problem(['stratificationFactors'], 'minimisation needs at least one factor');
    for (const factor of protocol.stratificationFactors) {
      if (!(factor in randomisation.factorWeights)) problem(['randomisation', 'factorWeights', factor], `factor "${factor}" needs a weight`);
    }
    for (const factor of Object.keys(randomisation.factorWeights)) {
      if (!protocol.stratificationFactors.includes(factor)) problem(['randomisation', 'factorWeights', factor], `"${factor}" is not a stratification factor`);
    }
  }

  duplicates(protocol.visits.map((visit) => visit.name)).forEach((index) => problem(['visits', index, 'name'], 'another visit has this name'));
  protocol.visits.forEach((visit, index) => {
    const before = protocol.visits[index - 1];
    if (before && visit.day <= before.day) problem(['visits', index, 'day'], `day ${visit.day} must come after the previous visit's day ${before.day}`);
  });
  duplicates(protocol.eligibility.map((criterion) => criterion.id)).forEach((index) => problem(['eligibility', index, 'id'], 'another criterion has this id'));

  const outcomes: [(string | number)[], Outcome][] = [
    [['outcomes', 'primary'], protocol.outcomes.primary],
    ...protocol.outcomes.secondary.map((outcome, index): [(string | number)[], Outcome] => [['outcomes', 'secondary', index], outcome]),
  ];
  for (const [path, outcome] of outcomes) outcomeProblems(protocol, outcome).forEach((p) => problem([...path, ...p.path], p.message));
  decisionRuleProblems(protocol).forEach((p) => problem(['decisionRule', ...p.path], p.message));
  estimandProblems(protocol).forEach((p) => problem(['estimand', ...p.path], p.message));
  sensitivityProblems(protocol).forEach((p) => problem(['sensitivityAnalyses', ...p.path], p.message));
  return problems;
}

function outcomeProblems(protocol: ProtocolFields, outcome: Outcome): Problem[] {
  const problems: Problem[] = [];
  const visit = protocol.visits.find((v) => v.name === outcome.visit);
  if (!visit) problems.push({ path: ['visit'], message: `no visit "${outcome.visit}" in the schedule` });
  else if (!visit.assessments.includes(outcome.measurement)) {
    problems.push({ path: ['visit'], message: `visit "${outcome.visit}" does not assess ${outcome.measurement}` });
  }
  if (outcome.baselineVisit !== undefined) {
    const baseline = protocol.visits.find((v) => v.name === outcome.baselineVisit);
    if (!baseline) problems.push({ path: ['baselineVisit'], message: `no visit "${outcome.baselineVisit}" in the schedule` });
    else if (!baseline.assessments.includes(outcome.measurement)) {
      problems.push({ path: ['baselineVisit'], message: `visit "${outcome.baselineVisit}" does not assess ${outcome.measurement}` });
    } else if (visit && baseline.day >= visit.day) {
      problems.push({ path: ['baselineVisit'], message: `the baseline visit must come before visit "${outcome.visit}"` });
    }
  }
  const reserved = new Set<string>(Object.values(analysisColumns));
  if (reserved.has(outcome.measurement)) problems.push({ path: ['measurement'], message: `"${outcome.measurement}" is a fixed column of the analysis data set` });
  outcome.covariates.forEach((covariate, index) => {
    if (reserved.has(covariate) || covariate === outcome.measurement) {
      problems.push({ path: ['covariates', index], message: `"${covariate}" is already a column of the analysis data set` });
    }
  });
  duplicates(outcome.covariates).forEach((index) => problems.push({ path: ['covariates', index], message: 'this covariate is listed twice' }));
  return problems;
}

function decisionRuleProblems(protocol: ProtocolFields): Problem[] {
  const rule = protocol.decisionRule;
  const primary = protocol.outcomes.primary;
  const problems: Problem[] = [];
  if (rule.outcome !== primary.measurement) problems.push({ path: ['outcome'], message: `the rule must judge the primary outcome, ${primary.measurement}` });
  if (!protocol.arms.some((arm) => arm.label === rule.arm)) problems.push({ path: ['arm'], message: `no arm is labelled "${rule.arm}"` });
  else if (rule.arm === protocol.controlArm) problems.push({ path: ['arm'], message: 'the rule compares an arm with the control arm, not the control arm with itself' });
  if (primary.analysis === 'mmrm' && rule.visit !== primary.visit) {
    problems.push({ path: ['visit'], message: `an MMRM is judged at the primary outcome's visit, "${primary.visit}"` });
  }
  if (primary.analysis === 'ancova' && rule.visit !== undefined) problems.push({ path: ['visit'], message: 'an ANCOVA has no visit to judge at' });
  if (rule.hypothesis === 'non-inferiority' && rule.margin === 0) problems.push({ path: ['margin'], message: 'a non-inferiority rule needs a margin above 0' });
  return problems;
}

function estimandProblems(protocol: ProtocolFields): Problem[] {
  const events = protocol.estimand?.intercurrentEvents ?? [];
  const problems: Problem[] = [];
  duplicates(events.map((e) => e.event)).forEach((index) => problems.push({ path: ['intercurrentEvents', index, 'event'], message: 'this event is listed twice' }));
  events.forEach((event, index) => {
    if (event.imputation === undefined) return;
    const allowed = imputationsOf[event.strategy];
    if (!allowed.includes(event.imputation)) {
      problems.push({
        path: ['intercurrentEvents', index, 'imputation'],
        message: allowed.length === 0 ? `a ${event.strategy} strategy has no imputation` : `a ${event.strategy} strategy is imputed by ${allowed.join(', ')}`,
      });
    }
  });
  return problems;
}

function sensitivityProblems(protocol: ProtocolFields): Problem[] {
  const analyses = protocol.sensitivityAnalyses ?? [];
  const problems: Problem[] = [];
  const primary = protocol.outcomes.primary;
  const arms = protocol.arms.map((arm) => arm.label);
  duplicates(analyses.map((a) => a.name)).forEach((index) => problems.push({ path: [index, 'name'], message: 'another sensitivity analysis has this name' }));
  analyses.forEach((analysis, index) => {
    if (primary.analysis !== 'mmrm') problems.push({ path: [index, 'kind'], message: 'sensitivity analyses need an MMRM primary outcome (visits per participant)' });
    if (analysis.kind === 'mmrm') return;
    for (const field of ['reference', 'deltaArm'] as const) {
      const arm = analysis[field];
      if (arm !== undefined && !arms.includes(arm)) problems.push({ path: [index, field], message: `no arm is labelled "${arm}"` });
    }
    if (analysis.samples !== undefined && analysis.method !== 'bootstrap') problems.push({ path: [index, 'samples'], message: 'resamples are for method "bootstrap"' });
    if (primary.analysis === 'mmrm' && primary.covariance === 'sp_exp') problems.push({ path: [index, 'kind'], message: 'the imputation model cannot use the sp_exp covariance' });
  });
  return problems;
}

/** Indices of the entries equal to an earlier one. */
function duplicates<T>(values: readonly T[]): number[] {
  return values.flatMap((value, index) => (values.indexOf(value) < index ? [index] : []));
}
