/**
 * The analysis the protocol fixed, run on the database: the analysis data set built from the
 * allocations and the physique assessments matched to the protocol's visits by their windows
 * (src/trial/analysis-dataset.ts), the statistics engine as `muster analyze` runs it on that data
 * set's CSV, and the decision rule. A stored analysis names the protocol version, the protocol's
 * and the data set's SHA-256 and the plain sentence.
 */
import type { Selectable } from 'kysely';
import { isMeasurementName, listAssessments, measurementsOf } from '../assess/index.ts';
import { seesArms } from '../access/index.ts';
import type { Actor } from '../shared/actor.ts';
import { AppError, badRequest, forbidden } from '../shared/errors.ts';
import { analyzeAncova, analyzeMmrm, type AnalysisResult } from '../stats/analysis.ts';
import { StatsError } from '../stats/errors.ts';
import { parseTable } from '../stats/table.ts';
import { judge, type Verdict } from '../stats/verdict.ts';
import type { Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import type { Writer } from '../store/write.ts';
import { buildAnalysisDataset, datasetCsv, type AnalysisDataset, type AnalysisSpec, type OutcomeRow } from './analysis-dataset.ts';
import { analysedVisits, analysisColumns, visitWindow, type IntercurrentEventKind, type Outcome, type Visit } from './protocol.ts';
import { compareCodePoints } from '../stats/design.ts';
import { estimandOutput, estimandSentence, runSensitivityAnalyses, type EstimandOutput, type IntercurrentEvent, type SensitivityRun } from './analysis-sensitivity.ts';
import { trialByCode, type TrialView } from './trials.ts';
import { enrolments, type Enrolment } from './conduct-store.ts';

/** Participants per query: well under every database's limit on bound parameters. */
const CHUNK = 500;

/** One dated value of the measurement (the local date in the participant's unit's zone). */
interface Measured {
  date: string;
  value: number;
}

interface Participant extends Enrolment {
  strata: Record<string, string>;
  sex: string | null;
  /** How and on which day (local) they left the trial, if they did. */
  left: { kind: IntercurrentEventKind; on: string } | null;
}

/**
 * The randomised participants of a trial with their strata as randomised, without those who
 * withdrew and chose that their data may not be used (their data stays out of every analysis).
 */
async function analysedParticipants(db: Db, trial: TrialView): Promise<Participant[]> {
  const [enrolled, details, withdrawals] = await Promise.all([
    enrolments(db, trial),
    db
      .selectFrom('trial_allocation')
      .innerJoin('person', 'person.id', 'trial_allocation.person_id')
      .select(['trial_allocation.person_id', 'trial_allocation.strata_json', 'person.sex'])
      .where('trial_allocation.trial_id', '=', trial.id)
      .execute(),
    db.selectFrom('trial_withdrawal').select(['person_id', 'kind', 'withdrawn_on', 'data_may_be_used']).where('trial_id', '=', trial.id).execute(),
  ]);
  const excluded = new Set(withdrawals.filter((row) => row.data_may_be_used === 0).map((row) => row.person_id));
  const leftOf = new Map(withdrawals.map((row) => [row.person_id, { kind: row.kind, on: row.withdrawn_on }]));
  const detailsOf = new Map(details.map((row) => [row.person_id, row]));
  return enrolled
    .filter((enrolment) => !excluded.has(enrolment.personId))
    .map((enrolment) => {
      const { strata_json, sex } = detailsOf.get(enrolment.personId)!;
      return { ...enrolment, strata: JSON.parse(strata_json) as Record<string, string>, sex, left: leftOf.get(enrolment.personId) ?? null };
    });
}

/** Each participant's dated values of the measurement (local dates in their unit's zone). */
async function measurementsByPerson(db: Db, measurement: string, personIds: readonly number[]): Promise<Map<number, Measured[]>> {
  if (!isMeasurementName(measurement)) throw badRequest('measurement', `"${measurement}" is not a physique measurement Muster records`);
  const byPerson = new Map<number, Measured[]>();
  for (let i = 0; i < personIds.length; i += CHUNK) {
    for (const view of await listAssessments(db, { personIds: personIds.slice(i, i + CHUNK) })) {
      const value = measurementsOf(view)[measurement];
      if (value === null) continue;
      const list = byPerson.get(view.person.id);
      if (list) list.push({ date: view.local.date, value });
      else byPerson.set(view.person.id, [{ date: view.local.date, value }]);
    }
  }
  return byPerson;
}

/** The value taken within the visit's window, nearest its due day (the earlier one on a tie); null when none was. */
function valueAt(visit: Visit, randomisedOn: string, measured: readonly Measured[]): number | null {
  const { due, earliest, latest } = visitWindow(visit, randomisedOn);
  const distance = (date: string) => Math.abs(Date.parse(date) - Date.parse(due));
  let best: Measured | null = null;
  for (const m of measured) {
    if (m.date < earliest || m.date > latest) continue;
    if (best === null || distance(m.date) < distance(best.date) || (distance(m.date) === distance(best.date) && m.date < best.date)) best = m;
  }
  return best?.value ?? null;
}

/** A covariate of the outcome: the participant's stratum as randomised, else the roster's sex. */
function covariateOf(participant: Participant, name: string): string | null {
  if (name in participant.strata) return participant.strata[name];
  if (name === 'sex') return participant.sex;
  throw badRequest('covariates', `covariate "${name}" is neither a stratification factor nor the participant's sex`);
}

export interface TrialDataset {
  dataset: AnalysisDataset;
  csv: string;
  sha256: string;
  /** The people whose data it holds, for the access log. */
  personIds: number[];
  /** The intercurrent events of the record (withdrawals), at the first analysed visit each affects, in participant order. */
  events: IntercurrentEvent[];
}


/** The analysis data set of an outcome (the primary by default), exactly as the protocol says. */
export async function trialDataset(db: Db, trial: TrialView, outcome: Outcome = trial.protocol.outcomes.primary): Promise<TrialDataset> {
  const protocol = trial.protocol;
  const participants = await analysedParticipants(db, trial);
  const measured = await measurementsByPerson(
    db,
    outcome.measurement,
    participants.map((p) => p.personId),
  );
  const visits = protocol.visits.filter((visit) => visit.assessments.includes(outcome.measurement));
  const baselineVisit = protocol.visits.find((visit) => visit.name === outcome.baselineVisit);
  const rows: OutcomeRow[] = participants.flatMap((participant) => {
    const values = measured.get(participant.personId) ?? [];
    const covariates = Object.fromEntries(outcome.covariates.map((name) => [name, covariateOf(participant, name)]));
    const baseline = baselineVisit ? valueAt(baselineVisit, participant.randomisedOn, values) : undefined;
    return visits.map((visit) => ({
      participant: participant.designation,
      arm: participant.arm,
      visit: visit.name,
      value: valueAt(visit, participant.randomisedOn, values),
      ...(baseline !== undefined ? { baseline } : {}),
      covariates,
    }));
  });
  const dataset = buildAnalysisDataset(protocol, rows, outcome);
  const { csv, sha256 } = datasetCsv(dataset);
  const analysed = protocol.visits.filter((visit) => analysedVisits(protocol, outcome).includes(visit.name));
  const events = participants
    .flatMap((participant): IntercurrentEvent[] => {
      if (participant.left === null) return [];
      const { kind, on } = participant.left;
      const affected = analysed.find((visit) => visitWindow(visit, participant.randomisedOn).due > on);
      return affected ? [{ participant: participant.designation, visit: affected.name, event: kind }] : [];
    })
    .sort((a, b) => compareCodePoints(a.participant, b.participant));
  return { dataset, csv, sha256, personIds: participants.map((p) => p.personId), events };
}

/**
 * The `muster analyze` options that reproduce the analysis, as the command line spells them
 * (lists comma-separated): `muster analyze <kind> --data FILE.csv --<option> <value> ...`.
 */
export type AnalyzeCommand = { kind: AnalysisSpec['kind'] } & Record<string, string>;

export function analyzeCommand(spec: AnalysisSpec): AnalyzeCommand {
  const { outcome, arm, control, baseline, covariates } = spec.options;
  return {
    kind: spec.kind,
    ...(spec.kind === 'mmrm' ? { subject: spec.options.subject, visit: spec.options.visit, visits: (spec.options.visits ?? []).join(',') } : {}),
    outcome,
    arm,
    control,
    ...(baseline !== undefined ? { baseline } : {}),
    ...(covariates !== undefined && covariates.length > 0 ? { covariates: covariates.join(',') } : {}),
    ...(spec.kind === 'mmrm' ? { covariance: spec.options.covariance ?? 'us', method: spec.options.method ?? 'reml' } : {}),
  };
}

/** What blinded readers may see of a result: the outcome's mean per visit over every arm together. */
export interface PooledSummary {
  n_subjects: number;
  baseline: { n: number; mean: number | null } | null;
  visits: { visit: string; n: number; mean: number | null }[];
}

function pooledSummary(dataset: AnalysisDataset): PooledSummary {
  const column = (name: string) => dataset.header.indexOf(name);
  const [subject, visit, outcome, baseline] = [column(analysisColumns.subject), column(analysisColumns.visit), 3, column(analysisColumns.baseline)];
  const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((sum, x) => sum + x, 0) / values.length);
  const numbers = (rows: typeof dataset.rows, at: number) => rows.map((row) => row[at]).filter((cell): cell is number => typeof cell === 'number');
  const visits = dataset.spec.kind === 'mmrm' ? (dataset.spec.options.visits ?? []) : [dataset.rows[0]?.[visit] as string];
  const firstRows = [...new Map(dataset.rows.map((row) => [row[subject], row])).values()];
  return {
    n_subjects: firstRows.length,
    baseline: baseline < 0 ? null : { n: numbers(firstRows, baseline).length, mean: mean(numbers(firstRows, baseline)) },
    visits: visits.map((name) => {
      const values = numbers(
        dataset.rows.filter((row) => row[visit] === name),
        outcome,
      );
      return { visit: name, n: values.length, mean: mean(values) };
    }),
  };
}

export interface TrialAnalysisRun {
  command: AnalyzeCommand;
  analysis: AnalysisResult;
  verdict: Verdict;
  protocolVersion: number;
  protocolSha256: string;
  pooled: PooledSummary;
  data: TrialDataset;
  /** The protocol's estimand with the events of the record; null for a protocol that names none. */
  estimand: EstimandOutput | null;
  sensitivity: SensitivityRun[];
}

/**
 * The protocol's primary analysis on the data as they stand: the engine reads the data set's CSV
 * text, as `muster analyze --data` reads the exported file, so both give the same answer. An
 * engine refusal (too little data, no convergence) is a 409 naming the reason.
 */
export async function runTrialAnalysis(db: Db, trial: TrialView): Promise<TrialAnalysisRun> {
  const data = await trialDataset(db, trial);
  const spec = data.dataset.spec;
  try {
    const table = parseTable(data.csv);
    const analysis = spec.kind === 'mmrm' ? analyzeMmrm(table, spec.options) : analyzeAncova(table, spec.options);
    const verdict = judge(trial.protocol.decisionRule, analysis);
    const estimand = trial.protocol.estimand;
    return {
      command: analyzeCommand(spec),
      analysis,
      verdict: estimand ? { ...verdict, sentence: `${verdict.sentence} ${estimandSentence(estimand)}` } : verdict,
      estimand: estimand ? estimandOutput(estimand, data.events) : null,
      sensitivity: await runSensitivityAnalyses(trial.protocol, spec, data.events, table, analyzeCommand(spec)),
      protocolVersion: trial.version,
      protocolSha256: trial.sha256,
      pooled: pooledSummary(data.dataset),
      data,
    };
  } catch (error) {
    if (!(error instanceof StatsError)) throw error;
    throw new AppError('conflict', `the analysis of ${trial.code} cannot run on its data yet: ${error.message}`);
  }
}

/** The JSON of `muster trial analyse CODE --json`: a contract other tools depend on (docs/trial.md). */
export function analyseOutput(run: TrialAnalysisRun) {
  return {
    command: run.command,
    analysis: run.analysis,
    verdict: { met: run.verdict.met, sentence: run.verdict.sentence },
    protocol_version: run.protocolVersion,
    protocol_sha256: run.protocolSha256,
    dataset_sha256: run.data.sha256,
    estimand: run.estimand,
    sensitivity: run.sensitivity.map(({ ice: _ice, ...sensitivity }) => sensitivity),
  };
}

/** What a stored analysis keeps in `result_json`. */
interface StoredResult {
  command: AnalyzeCommand;
  analysis: AnalysisResult;
  verdict: Verdict;
  pooled: PooledSummary;
  /** Absent in analyses stored before estimands. */
  estimand?: EstimandOutput | null;
  sensitivity?: Omit<SensitivityRun, 'ice'>[];
}

/** Stores a run (audited, with its reason) and answers it as the statistician sees it. */
export async function storeTrialAnalysis(w: Writer, trial: TrialView, run: TrialAnalysisRun, reason: string): Promise<TrialAnalysisView> {
  const result: StoredResult = {
    command: run.command,
    analysis: run.analysis,
    verdict: run.verdict,
    pooled: run.pooled,
    estimand: run.estimand,
    sensitivity: run.sensitivity.map(({ ice: _ice, ...sensitivity }) => sensitivity),
  };
  const row = {
    trial_id: trial.id,
    protocol_version: run.protocolVersion,
    protocol_sha256: run.protocolSha256,
    dataset_sha256: run.data.sha256,
    result_json: JSON.stringify(result),
    verdict_met: run.verdict.met ? 1 : 0,
    sentence: run.verdict.sentence,
    created_at: w.now.toISOString(),
    created_by_label: w.actor.label,
  };
  const { id } = await w.db.insertInto('trial_analysis').values(row).returning('id').executeTakeFirstOrThrow();
  // The audit names what was analysed and how; the verdict stays in the row, which blinded readers see pooled.
  await w.record({
    action: 'trial.analyse',
    entity: 'trial',
    entityId: trial.code,
    after: { analysisId: id, protocolVersion: run.protocolVersion, protocolSha256: run.protocolSha256, datasetSha256: run.data.sha256, subjects: run.pooled.n_subjects },
    reason,
  });
  return presentAnalysis({ id, ...row }, true);
}

/** A stored analysis; without arms (no LS means, contrasts, verdict or sentence) for a blinded reader. */
export type TrialAnalysisView = {
  id: number;
  protocolVersion: number;
  protocolSha256: string;
  datasetSha256: string;
  createdAt: string;
  createdBy: string;
  pooled: PooledSummary;
} & (
  | { blinded: false; command: AnalyzeCommand; analysis: AnalysisResult; verdict: Verdict; estimand: EstimandOutput | null; sensitivity: Omit<SensitivityRun, 'ice'>[] }
  | { blinded: true }
);

type AnalysisRow = Selectable<Database['trial_analysis']>;

/** The one presenter of stored analyses: arm-revealing fields pass only when `seesArms`. */
export function presentAnalysis(row: Omit<AnalysisRow, 'trial_id'> & { trial_id?: number }, seesArms: boolean): TrialAnalysisView {
  const stored = JSON.parse(row.result_json) as StoredResult;
  const common = {
    id: row.id,
    protocolVersion: row.protocol_version,
    protocolSha256: row.protocol_sha256,
    datasetSha256: row.dataset_sha256,
    createdAt: row.created_at,
    createdBy: row.created_by_label,
    pooled: stored.pooled,
  };
  if (!seesArms) return { ...common, blinded: true };
  return { ...common, blinded: false, command: stored.command, analysis: stored.analysis, verdict: stored.verdict, estimand: stored.estimand ?? null, sensitivity: stored.sensitivity ?? [] };
}

/** A trial's stored analyses, newest first, as this reader may see them. */
export async function listTrialAnalyses(db: Db, trial: TrialView, seesArms: boolean): Promise<TrialAnalysisView[]> {
  const rows = await db.selectFrom('trial_analysis').selectAll().where('trial_id', '=', trial.id).orderBy('id', 'desc').execute();
  return rows.map((row) => presentAnalysis(row, seesArms));
}

/** The trials whose analysis data set, arms included, this reader may take to the analysis screen (src/analysis). */
export async function analysableTrials(db: Db, actor: Actor): Promise<{ code: string; title: string }[]> {
  const rows = await db.selectFrom('trial').select('code').where('status', '!=', 'draft').orderBy('id', 'desc').execute();
  const trials = await Promise.all(rows.map((row) => trialByCode(db, row.code)));
  return trials.filter((trial) => seesArms(actor, trial)).map((trial) => ({ code: trial.code, title: trial.title }));
}

/**
 * A trial's primary analysis data set for the analysis screen: its arm column is the randomised
 * arm, the one column a verdict may compare. Refused to a blinded reader.
 */
export async function trialDatasetFor(db: Db, actor: Actor, code: string): Promise<{ name: string; description: string; csv: string; personIds: number[]; randomisedArm: string }> {
  const trial = await trialByCode(db, code);
  if (!seesArms(actor, trial)) throw forbidden(`${trial.code} is blinded: its data set by arm is for the statistician until unblinding`);
  const { csv, personIds } = await trialDataset(db, trial);
  return {
    name: `${trial.code} primary analysis data set`,
    description: `${trial.title}: one row per randomised participant and visit, as protocol version ${trial.version} says; the arm column is the randomised arm.`,
    csv,
    personIds,
    randomisedArm: analysisColumns.arm,
  };
}
