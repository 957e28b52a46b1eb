/** Test helpers shared by the statistics tests (excluded from the build). */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { AncovaOptions, MmrmOptions } from './analysis.ts';
import { parseTable } from './table.ts';
import type { Table } from './table.ts';

/** The reference data sets and R's results: ../shared/reference next to the repository. */
export const referenceDirectory = new URL('../../../shared/reference/', import.meta.url);

/** An analysis as reference.json states it: in the words of the command-line contract. */
export interface ReferenceCommand {
  kind: 'ancova' | 'mmrm';
  data: string;
  outcome: string;
  arm: string;
  control: string;
  baseline?: string;
  covariates?: string;
  subject?: string;
  visit?: string;
  visits?: string;
  covariance?: MmrmOptions['covariance'];
  method?: MmrmOptions['method'];
  /** reference-ddfm.json: a df method, or an empirical covariance (with Satterthwaite's df). */
  ddfm?: string;
  coordinates?: string;
}

/** reference-ddfm.json's `ddfm` in the command's terms: `--ddfm` and `--vcov`. */
function inferenceOf(ddfm: string | undefined): Pick<MmrmOptions, 'ddfm' | 'vcov'> {
  if (ddfm === undefined) return {};
  if (ddfm.startsWith('empirical')) return { ddfm: 'satterthwaite', vcov: ddfm as MmrmOptions['vcov'] };
  return { ddfm: ddfm as MmrmOptions['ddfm'], vcov: 'model' };
}

export const readReferenceTable = (file: string): Table => parseTable(readFileSync(new URL(file, referenceDirectory), 'utf8'));

/** The library's options for a reference command. */
export function libraryOptions(command: ReferenceCommand): AncovaOptions | MmrmOptions {
  const common: AncovaOptions = {
    outcome: command.outcome,
    arm: command.arm,
    control: command.control,
    ...(command.baseline !== undefined ? { baseline: command.baseline } : {}),
    ...(command.covariates !== undefined ? { covariates: command.covariates.split(',') } : {}),
  };
  if (command.kind === 'ancova') return common;
  return {
    ...common,
    subject: command.subject as string,
    visit: command.visit as string,
    ...(command.visits !== undefined ? { visits: command.visits.split(',') } : {}),
    ...(command.covariance !== undefined ? { covariance: command.covariance } : {}),
    ...(command.method !== undefined ? { method: command.method } : {}),
    ...(command.coordinates !== undefined ? { coordinates: command.coordinates } : {}),
    ...inferenceOf(command.ddfm),
  };
}

/** The command line for a reference command: every field becomes --field value. */
export function commandArguments(command: ReferenceCommand, dataPath: string): string[] {
  const { kind, data: _data, ddfm, ...rest } = command;
  const fields = { ...rest, ...inferenceOf(ddfm) };
  return [kind, '--data', dataPath, ...Object.entries(fields).flatMap(([name, value]) => [`--${name}`, String(value)])];
}

/** Runs `muster analyze ...` in this process (src/cli/testing.ts muster()): the command's parsing, output and exit code without a Node start-up. */
export async function runAnalyze(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { muster } = await import('../cli/testing.ts');
  const { status, stdout, stderr } = await muster(['analyze', ...args]);
  return { code: status, stdout, stderr };
}

/** Runs `muster analyze ...` from the sources in a child process; never rejects on a non-zero exit. */
export async function spawnAnalyze(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const main = new URL('../cli/main.ts', import.meta.url).pathname;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', main, 'analyze', ...args], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
