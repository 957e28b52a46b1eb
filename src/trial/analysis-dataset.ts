/**
 * The analysis data set, exactly as the protocol's outcome says: long format, one row per
 * randomised participant and analysed visit (a row without an outcome where a visit was missed,
 * which the engine leaves out as R's mmrm does), the baseline and the covariates; and the
 * options of `muster analyze` (src/stats/analysis.ts) that analyse it. Its CSV is deterministic
 * (participants by code point, visits in schedule order), so its SHA-256 names the data analysed.
 */
import { csvLine } from '../shared/csv.ts';
import { badRequest } from '../shared/errors.ts';
import type { AncovaOptions, MmrmOptions } from '../stats/analysis.ts';
import { compareCodePoints } from '../stats/design.ts';
import { sha256Hex } from '../shared/canonical-json.ts';
import { analysedVisits, analysisColumns } from './protocol.ts';
import type { Outcome, Protocol } from './protocol.ts';

type Cell = string | number | null;

/** One measurement of one participant at one visit, as the store reads it. */
export interface OutcomeRow {
  participant: string;
  arm: string;
  visit: string;
  /** The measurement at this visit; null when it was not measured. */
  value: number | null;
  /** The measurement at the outcome's baseline visit; null when missing. */
  baseline?: number | null;
  /** The outcome's covariates by name; null when missing. */
  covariates: Readonly<Record<string, Cell>>;
}

export type AnalysisSpec = { kind: 'mmrm'; options: MmrmOptions } | { kind: 'ancova'; options: AncovaOptions };

export interface AnalysisDataset {
  spec: AnalysisSpec;
  header: string[];
  rows: Cell[][];
}

/** The engine's options for an outcome, naming the data set's columns. */
export function analysisSpec(protocol: Protocol, outcome: Outcome = protocol.outcomes.primary): AnalysisSpec {
  const common: AncovaOptions = {
    outcome: outcome.measurement,
    arm: analysisColumns.arm,
    control: protocol.controlArm,
    ...(outcome.baselineVisit !== undefined ? { baseline: analysisColumns.baseline } : {}),
    covariates: outcome.covariates,
  };
  if (outcome.analysis === 'ancova') return { kind: 'ancova', options: common };
  return {
    kind: 'mmrm',
    options: {
      ...common,
      subject: analysisColumns.subject,
      visit: analysisColumns.visit,
      visits: analysedVisits(protocol, outcome),
      covariance: outcome.covariance,
      method: outcome.method,
    },
  };
}

export function buildAnalysisDataset(protocol: Protocol, rows: readonly OutcomeRow[], outcome: Outcome = protocol.outcomes.primary): AnalysisDataset {
  const visits = analysedVisits(protocol, outcome);
  const scheduled = new Set(protocol.visits.map((visit) => visit.name));
  const arms = new Set(protocol.arms.map((arm) => arm.label));
  const withBaseline = outcome.baselineVisit !== undefined;
  const participants = new Map<string, { arm: string; fixed: Cell[]; values: Map<string, number | null> }>();

  for (const row of rows) {
    const where = `${row.participant} at ${row.visit}`;
    if (!scheduled.has(row.visit)) throw badRequest('visit', `${where}: no such visit in the schedule of ${protocol.code}`);
    if (!arms.has(row.arm)) throw badRequest('arm', `${where}: "${row.arm}" is not an arm of ${protocol.code}`);
    if (row.value !== null && !Number.isFinite(row.value)) throw badRequest(outcome.measurement, `${where}: ${row.value} is not a number`);
    // The baseline and the covariates belong to the participant: every row must agree.
    const fixed: Cell[] = [...(withBaseline ? [row.baseline ?? null] : []), ...outcome.covariates.map((name) => covariateOf(row, name, where))];
    let participant = participants.get(row.participant);
    if (!participant) participants.set(row.participant, (participant = { arm: row.arm, fixed, values: new Map() }));
    if (participant.arm !== row.arm) throw badRequest('arm', `${where}: arm "${row.arm}", but "${participant.arm}" on another row`);
    const differs = fixed.findIndex((cell, k) => cell !== participant.fixed[k]);
    if (differs >= 0) {
      const column = withBaseline && differs === 0 ? analysisColumns.baseline : outcome.covariates[differs - (withBaseline ? 1 : 0)];
      throw badRequest(column, `${where}: ${fixed[differs]}, but ${participant.fixed[differs]} on another row of ${row.participant}`);
    }
    if (!visits.includes(row.visit)) continue;
    if (participant.values.has(row.visit)) throw badRequest('visit', `${where}: two rows for one visit`);
    participant.values.set(row.visit, row.value);
  }

  const ordered = [...participants.entries()].sort(([a], [b]) => compareCodePoints(a, b));
  return {
    spec: analysisSpec(protocol, outcome),
    header: [
      analysisColumns.subject,
      analysisColumns.arm,
      analysisColumns.visit,
      outcome.measurement,
      ...(withBaseline ? [analysisColumns.baseline] : []),
      ...outcome.covariates,
    ],
    rows: ordered.flatMap(([designation, { arm, fixed, values }]) => visits.map((visit) => [designation, arm, visit, values.get(visit) ?? null, ...fixed])),
  };
}

function covariateOf(row: OutcomeRow, name: string, where: string): Cell {
  if (!(name in row.covariates)) throw badRequest(name, `${where}: the covariate is missing (give null when unknown)`);
  const value = row.covariates[name];
  if (typeof value === 'number' && !Number.isFinite(value)) throw badRequest(name, `${where}: ${value} is not a number`);
  return value;
}

/** The data set as CSV (RFC 4180, numbers as JavaScript writes them, missing values empty) and the SHA-256 of its UTF-8 bytes. */
export function datasetCsv(dataset: AnalysisDataset): { csv: string; sha256: string } {
  const csv = [dataset.header, ...dataset.rows].map(csvLine).join('');
  return { csv, sha256: sha256Hex(csv) };
}
