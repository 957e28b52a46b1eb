/**
 * The API's analyses off the event loop (issue 14: one 1,000-visit MMRM held every request for
 * 10 s). Each runs in its own worker thread (threads.ts), the CSV parsed there too, within limits:
 * rows and visits (checked before fitting, refused as `too_large`), time (the thread is
 * terminated: `ThreadTimeout`) and how many run and wait at once (`AnalysisBusy`).
 */
import { availableParallelism } from 'node:os';
import { analyzeAncova, analyzeMmrm, type AncovaOptions, type AnalysisResult, type MmrmOptions } from './analysis.ts';
import { tooLarge } from './errors.ts';
import { analyzeRbmiHere, type RbmiOptions, type RbmiResult } from './rbmi.ts';
import { parseTable } from './table.ts';
import { runInThread, serveInThread } from './threads.ts';

export type AnalysisJob = { data: string; limits: AnalysisLimits } & (
  | { model: 'ancova'; options: AncovaOptions }
  | { model: 'mmrm'; options: MmrmOptions }
  // Reference-based imputation: the whole jackknife or bootstrap in the job's one thread.
  | { model: 'rbmi'; options: RbmiOptions }
);

export interface AnalysisLimits {
  /** Data rows of the CSV. */
  maxRows: number;
  /** Distinct visits of an MMRM (an unstructured covariance has visits x (visits + 1) / 2 parameters). */
  maxVisits: number;
  /** Wall-clock time of the fit, from the thread's start. */
  timeoutMs: number;
}

/**
 * The defaults: a trial's long-format data is far inside them (tens of visits, thousands of rows);
 * `MUSTER_ANALYSIS_SECONDS` sets the time limit.
 */
export function analysisLimits(env: NodeJS.ProcessEnv = process.env): AnalysisLimits {
  const seconds = Number(env.MUSTER_ANALYSIS_SECONDS ?? 60);
  return { maxRows: 200_000, maxVisits: 60, timeoutMs: (Number.isFinite(seconds) && seconds > 0 ? seconds : 60) * 1000 };
}

/** Too many analyses running and waiting at once. */
export class AnalysisBusy extends Error {
  constructor(waiting: number) {
    super(`${waiting} analyses are already waiting for a thread; try again in a minute`);
    this.name = 'AnalysisBusy';
  }
}

const MAX_RUNNING = Math.max(1, availableParallelism() - 1);
const MAX_WAITING = 16;
let running = 0;
const waiting: Array<() => void> = [];

/** Runs the analysis in a worker thread, at most MAX_RUNNING at once and MAX_WAITING in line. */
export async function analyseOffThread(job: AnalysisJob): Promise<AnalysisResult | RbmiResult> {
  if (running >= MAX_RUNNING) {
    if (waiting.length >= MAX_WAITING) throw new AnalysisBusy(waiting.length);
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else running++;
  try {
    return await runInThread<AnalysisJob, AnalysisResult | RbmiResult>(new URL(import.meta.url), 'analysis', job, { timeoutMs: job.limits.timeoutMs });
  } finally {
    // Hand the slot to the next in line, or give it back.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** The work of the thread: parse, check the limits, fit. */
export function analyse(job: AnalysisJob): AnalysisResult | RbmiResult {
  const table = parseTable(job.data);
  if (table.rows.length > job.limits.maxRows) throw tooLarge(`--data: ${table.rows.length} rows, over the limit of ${job.limits.maxRows}`);
  if (job.model === 'ancova') return analyzeAncova(table, job.options);
  const column = table.header.indexOf(job.options.visit);
  if (column >= 0) {
    const visits = new Set(table.rows.map((row) => row.cells[column]?.trim() ?? ''));
    visits.delete('');
    if (visits.size > job.limits.maxVisits) throw tooLarge(`--visit: ${visits.size} visits, over the limit of ${job.limits.maxVisits} for an MMRM`);
  }
  return job.model === 'rbmi' ? analyzeRbmiHere(table, job.options) : analyzeMmrm(table, job.options);
}

serveInThread('analysis', analyse);
