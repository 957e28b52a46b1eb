/**
 * The estimand the protocol names (ICH E9(R1)) and its sensitivity analyses, run on the primary
 * analysis data set: reference-based imputation (`muster analyze rbmi`) with the intercurrent events
 * of the record (withdrawals, at the first analysed visit each affects), or the primary MMRM with
 * other degrees of freedom or another covariance of the estimates. Each comes with the options of
 * `muster analyze` that reproduce it from the exported data set (and, for rbmi, its events file).
 */
import { sha256Hex } from '../shared/canonical-json.ts';
import { csvLine } from '../shared/csv.ts';
import { analyzeMmrm, type MmrmResult } from '../stats/analysis.ts';
import { StatsError } from '../stats/errors.ts';
import { analyzeRbmi, type RbmiResult } from '../stats/rbmi.ts';
import { runOnEveryCore } from '../stats/rbmi-workers.ts';
import { parseTable, type Table } from '../stats/table.ts';
import { judge } from '../stats/verdict.ts';
import type { AnalysisSpec } from './analysis-dataset.ts';
import { analysisColumns, imputationFor, type Estimand, type IntercurrentEventKind, type Protocol, type SensitivityAnalysis } from './protocol.ts';

/** A participant's intercurrent event from the record: how they left, and the first analysed visit due after the day they left. */
export interface IntercurrentEvent {
  participant: string;
  visit: string;
  event: IntercurrentEventKind;
}

const eventWords: Record<IntercurrentEventKind, string> = { withdrew: 'withdrawal', 'lost-to-follow-up': 'loss to follow-up', discontinued: 'discontinuation' };

/** The estimand in one sentence, as the verdict names it. */
export function estimandSentence(estimand: Estimand): string {
  const events = estimand.intercurrentEvents.map((ice) => {
    const imputation = imputationFor(ice);
    return `${eventWords[ice.event]}: ${ice.strategy.replaceAll('-', ' ')}${imputation ? ` (${imputation})` : ''}`;
  });
  return `Estimand: ${estimand.summaryMeasure} of ${estimand.variable} in ${estimand.population}; ${events.length > 0 ? events.join('; ') : 'no intercurrent events named'}.`;
}

/** The estimand of `muster trial analyse --json`: the protocol's, each event's imputation and how many participants the record has with it. */
export interface EstimandOutput {
  population: string;
  variable: string;
  summary_measure: string;
  intercurrent_events: { event: IntercurrentEventKind; strategy: string; imputation: string | null; description: string | null; participants: number }[];
  sentence: string;
}

export function estimandOutput(estimand: Estimand, events: readonly IntercurrentEvent[]): EstimandOutput {
  return {
    population: estimand.population,
    variable: estimand.variable,
    summary_measure: estimand.summaryMeasure,
    intercurrent_events: estimand.intercurrentEvents.map((ice) => ({
      event: ice.event,
      strategy: ice.strategy,
      imputation: imputationFor(ice),
      description: ice.description ?? null,
      participants: events.filter((e) => e.event === ice.event).length,
    })),
    sentence: estimandSentence(estimand),
  };
}

/** One sensitivity analysis as `muster trial analyse --json` gives it. */
export interface SensitivityRun {
  name: string;
  /** The `muster analyze` options that reproduce it, as the primary's `command` (flags without a value: "true"). */
  command: { kind: 'rbmi' | 'mmrm' } & Record<string, string>;
  /** What `muster analyze <kind> --json` prints; null when the engine refused (see `error`). */
  analysis: RbmiResult | MmrmResult | null;
  /** The protocol's decision rule judged on it. */
  verdict: { met: boolean; sentence: string } | null;
  /** rbmi: SHA-256 of its events file (`--ice`), written beside the export. */
  ice_sha256?: string;
  error?: string;
  /** rbmi: the events file itself (not part of the JSON). */
  ice?: string;
}

/** The events file of an rbmi sensitivity: the data's subject and visit columns, the event, and the estimand's imputation unless the analysis names one for all. */
export function iceCsv(protocol: Protocol, events: readonly IntercurrentEvent[], analysis: Extract<SensitivityAnalysis, { kind: 'rbmi' }>): string {
  const own = (event: IntercurrentEventKind) => {
    if (analysis.strategy !== undefined) return '';
    const ice = protocol.estimand?.intercurrentEvents.find((e) => e.event === event);
    return (ice && imputationFor(ice)) ?? '';
  };
  return [[analysisColumns.subject, analysisColumns.visit, 'event', 'strategy'], ...events.map((e) => [e.participant, e.visit, e.event, own(e.event)])].map(csvLine).join('');
}

/** Runs every sensitivity analysis of the protocol on the primary data set (`table` is its CSV parsed). */
export async function runSensitivityAnalyses(
  protocol: Protocol,
  spec: AnalysisSpec,
  events: readonly IntercurrentEvent[],
  table: Table,
  primary: Record<string, string>,
): Promise<SensitivityRun[]> {
  const runs: SensitivityRun[] = [];
  for (const analysis of protocol.sensitivityAnalyses ?? []) {
    if (spec.kind !== 'mmrm') {
      runs.push({ name: analysis.name, command: { kind: analysis.kind }, analysis: null, verdict: null, error: 'sensitivity analyses need an MMRM primary outcome' });
      continue;
    }
    const { kind: _kind, method: _method, covariance, ...columns } = primary;
    let run: SensitivityRun;
    if (analysis.kind === 'mmrm') {
      const command = {
        kind: 'mmrm' as const,
        ...columns,
        covariance: analysis.covariance ?? covariance,
        method: spec.options.method ?? 'reml',
        ...(analysis.ddfm !== undefined ? { ddfm: analysis.ddfm } : {}),
        ...(analysis.vcov !== undefined ? { vcov: analysis.vcov } : {}),
      };
      run = await attempt(analysis.name, command, () =>
        Promise.resolve(
          analyzeMmrm(table, {
            ...spec.options,
            covariance: command.covariance as NonNullable<typeof spec.options.covariance>,
            ...(analysis.ddfm !== undefined ? { ddfm: analysis.ddfm } : {}),
            ...(analysis.vcov !== undefined ? { vcov: analysis.vcov } : {}),
          }),
        ),
      );
    } else {
      const ice = iceCsv(protocol, events, analysis);
      const strategy = analysis.strategy ?? 'MAR';
      const method = analysis.method ?? 'jackknife';
      const command = {
        kind: 'rbmi' as const,
        ...columns,
        covariance,
        strategy,
        ...(analysis.reference !== undefined ? { reference: analysis.reference } : {}),
        method,
        ...(analysis.samples !== undefined ? { samples: String(analysis.samples) } : {}),
        ...(analysis.seed !== undefined ? { seed: String(analysis.seed) } : {}),
        ...(analysis.delta !== undefined ? { delta: String(analysis.delta) } : {}),
        ...(analysis.deltaArm !== undefined ? { 'delta-arm': analysis.deltaArm } : {}),
        ...(analysis.tippingPoint ? { 'tipping-point': 'true' } : {}),
      };
      const { method: _reml, ...options } = spec.options;
      run = await attempt(analysis.name, command, () =>
        analyzeRbmi(
          table,
          {
            ...options,
            ice: parseTable(ice),
            strategy,
            ...(analysis.reference !== undefined ? { reference: analysis.reference } : {}),
            method,
            ...(analysis.samples !== undefined ? { samples: analysis.samples } : {}),
            ...(analysis.seed !== undefined ? { seed: analysis.seed } : {}),
            ...(analysis.delta !== undefined ? { delta: analysis.delta } : {}),
            ...(analysis.deltaArm !== undefined ? { deltaArm: analysis.deltaArm } : {}),
            tippingPoint: analysis.tippingPoint === true,
          },
          runOnEveryCore,
        ),
      );
      run = { ...run, ice_sha256: sha256Hex(ice), ice };
    }
    if (run.analysis) {
      const verdict = judge(protocol.decisionRule, run.analysis);
      run.verdict = { met: verdict.met, sentence: `${verdict.sentence} Sensitivity analysis: ${analysis.name}.` };
    }
    runs.push(run);
  }
  return runs;
}

/** The run, or the engine's refusal named in `error` (the primary analysis stands either way). */
async function attempt(name: string, command: SensitivityRun['command'], analyse: () => Promise<RbmiResult | MmrmResult>): Promise<SensitivityRun> {
  try {
    return { name, command, analysis: await analyse(), verdict: null };
  } catch (error) {
    if (!(error instanceof StatsError)) throw error;
    return { name, command, analysis: null, verdict: null, error: error.message };
  }
}
