/**
 * Accuracy against R (../shared/reference): every entry of reference.json and reference-ddfm.json
 * through the library and through the command. Tolerances are the issue's: MMRM estimates and CI bounds within 1e-4 SEs,
 * SEs 1e-4 relative, df 1e-3 relative, p 1e-4 absolute, -2 log-likelihood at most 1e-4 above R's,
 * covariance 1e-3 relative; ANCOVA everything within 1e-9 (relative to the value when above 1).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeAncova, analyzeMmrm } from './analysis.ts';
import type { AnalysisResult, AncovaOptions, MmrmOptions } from './analysis.ts';
import { analyzeRbmi } from './rbmi.ts';
import type { ImputationStrategy, RbmiResult } from './rbmi.ts';
import { commandArguments, libraryOptions, readReferenceTable, referenceDirectory, runAnalyze } from './testing.ts';
import type { ReferenceCommand } from './testing.ts';

interface ReferenceInterval {
  visit?: string;
  estimate: number;
  se: number;
  df: number | null;
  lower: number;
  upper: number;
  p?: number;
}

interface ReferenceEntry {
  name: string;
  command: ReferenceCommand;
  n?: number;
  n_subjects?: number;
  n_obs?: number;
  sigma?: number;
  residual_df?: number;
  neg2_loglik?: number;
  covariance?: number[][];
  contrasts: (ReferenceInterval & { contrast: string })[];
  lsmeans: (ReferenceInterval & { arm: string })[];
}

const readEntries = (file: string) => JSON.parse(readFileSync(new URL(file, referenceDirectory), 'utf8')) as ReferenceEntry[];
const entries = readEntries('reference.json');
/** Kenward-Roger, sandwich and residual df, and the spatial covariance: the same checks. */
const ddfmEntries = readEntries('reference-ddfm.json');

function analyse(entry: ReferenceEntry): AnalysisResult {
  const table = readReferenceTable(entry.command.data);
  const options = libraryOptions(entry.command);
  return entry.command.kind === 'ancova' ? analyzeAncova(table, options as AncovaOptions) : analyzeMmrm(table, options as MmrmOptions);
}

/** Departures of one estimate with its interval (the MMRM tolerances, or 1e-9 when `exact`), appended to `out`. */
function intervalDepartures(out: string[], what: string, ours: Partial<ReferenceInterval> | undefined, theirs: ReferenceInterval, exact: boolean): void {
  const near = (field: string, o: number | null | undefined, r: number, tolerance: number, scale: number) => {
    if (o === undefined || o === null || !(Math.abs(o - r) <= tolerance * scale)) out.push(`${what} ${field}: ${o} vs R ${r}`);
  };
  const tolerance = (mmrm: number) => (exact ? 1e-9 : mmrm);
  const scaleOf = (mmrm: number, value: number) => (exact ? Math.max(1, Math.abs(value)) : mmrm);
  for (const field of ['estimate', 'lower', 'upper'] as const) near(field, ours?.[field], theirs[field], tolerance(1e-4), scaleOf(theirs.se, theirs[field]));
  near('se', ours?.se, theirs.se, tolerance(1e-4), scaleOf(theirs.se, theirs.se));
  // rbmi's normal intervals have no df (null in both).
  if (theirs.df === null) {
    if (ours?.df !== null) out.push(`${what} df: ${ours?.df} vs R null`);
  } else near('df', ours?.df, theirs.df, tolerance(1e-3), scaleOf(theirs.df, theirs.df));
  if (theirs.p !== undefined) near('p', ours?.p, theirs.p, tolerance(1e-4), exact ? Math.max(1, Math.abs(theirs.p)) : 1);
}

/** Every departure from R beyond the tolerances, as readable lines (empty when all agree). */
function departures(entry: ReferenceEntry, result: AnalysisResult): string[] {
  const out: string[] = [];
  const exact = entry.command.kind === 'ancova';
  const near = (what: string, ours: number | undefined, theirs: number, tolerance: number, scale: number) => {
    if (ours === undefined || !(Math.abs(ours - theirs) <= tolerance * scale)) out.push(`${what}: ${ours} vs R ${theirs}`);
  };
  const exactly = (what: string, ours: number | undefined, theirs: number) => near(what, ours, theirs, 1e-9, Math.max(1, Math.abs(theirs)));
  const compare = (what: string, ours: Partial<ReferenceInterval> | undefined, theirs: ReferenceInterval) => intervalDepartures(out, what, ours, theirs, exact);
  const visitOf = (row: object) => ('visit' in row ? row.visit : undefined);
  for (const theirs of entry.contrasts) {
    const ours = (result.contrasts as (ReferenceInterval & { contrast: string })[]).find((c) => c.contrast === theirs.contrast && visitOf(c) === theirs.visit);
    compare(`contrast ${theirs.contrast} ${theirs.visit ?? ''}`, ours, theirs);
  }
  for (const theirs of entry.lsmeans) {
    const ours = (result.lsmeans as (ReferenceInterval & { arm: string })[]).find((m) => m.arm === theirs.arm && visitOf(m) === theirs.visit);
    compare(`lsmean ${theirs.arm} ${theirs.visit ?? ''}`, ours, theirs);
  }
  if (result.contrasts.length !== entry.contrasts.length) out.push(`${result.contrasts.length} contrasts, R has ${entry.contrasts.length}`);
  if (result.lsmeans.length !== entry.lsmeans.length) out.push(`${result.lsmeans.length} LS means, R has ${entry.lsmeans.length}`);
  if (result.kind === 'ancova') {
    if (result.n_obs !== entry.n) out.push(`n ${result.n_obs} vs R ${entry.n}`);
    exactly('sigma', result.sigma, entry.sigma as number);
    exactly('residual_df', result.residual_df, entry.residual_df as number);
  } else {
    if (result.n_subjects !== entry.n_subjects) out.push(`n_subjects ${result.n_subjects} vs R ${entry.n_subjects}`);
    if (result.n_obs !== entry.n_obs) out.push(`n_obs ${result.n_obs} vs R ${entry.n_obs}`);
    const rLogLik = entry.neg2_loglik as number;
    if (!(result.neg2_loglik <= rLogLik + 1e-4)) out.push(`neg2_loglik ${result.neg2_loglik} is above R's ${rLogLik}`);
    entry.covariance?.forEach((row, i) =>
      row.forEach((theirs, j) => near(`covariance[${i}][${j}]`, result.covariance[i]?.[j], theirs, 1e-3, Math.abs(theirs))),
    );
  }
  return out;
}

describe.each([...entries, ...ddfmEntries].map((entry) => [entry.name, entry] as const))('%s agrees with R', (_name, entry) => {
  it('through the library', () => {
    expect(departures(entry, analyse(entry))).toEqual([]);
  });

  it('through the command (--json)', async () => {
    const dataPath = fileURLToPath(new URL(entry.command.data, referenceDirectory));
    const run = await runAnalyze([...commandArguments(entry.command, dataPath), '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as AnalysisResult;
    expect(result.converged).toBe(true);
    expect(departures(entry, result)).toEqual([]);
  });
});

/** reference-rbmi.json: rbmi's conditional mean imputation with jackknife SE, one entry per strategy. */
interface RbmiReferenceEntry {
  name: string;
  strategy: ImputationStrategy;
  data: string;
  ice: string;
  contrasts: (ReferenceInterval & { contrast: string })[];
  lsmeans: (ReferenceInterval & { arm: string })[];
}

const rbmiEntries = JSON.parse(readFileSync(new URL('reference-rbmi.json', referenceDirectory), 'utf8')) as RbmiReferenceEntry[];
/** The vignette's columns; PLACEBO is both the control and the reference arm. */
const rbmiColumns = { subject: 'PATIENT', visit: 'VISIT', outcome: 'CHANGE', arm: 'THERAPY', control: 'PLACEBO', baseline: 'BASVAL' };

function rbmiDepartures(entry: RbmiReferenceEntry, result: RbmiResult): string[] {
  const out: string[] = [];
  for (const theirs of entry.contrasts) {
    const ours = result.contrasts.find((c) => c.contrast === theirs.contrast && c.visit === theirs.visit);
    intervalDepartures(out, `contrast ${theirs.contrast} ${theirs.visit}`, ours, theirs, false);
  }
  for (const theirs of entry.lsmeans) {
    const ours = result.lsmeans.find((m) => m.arm === theirs.arm && m.visit === theirs.visit);
    intervalDepartures(out, `lsmean ${theirs.arm} ${theirs.visit}`, ours, theirs, false);
  }
  if (result.contrasts.length !== entry.contrasts.length) out.push(`${result.contrasts.length} contrasts, rbmi has ${entry.contrasts.length}`);
  if (result.lsmeans.length !== entry.lsmeans.length) out.push(`${result.lsmeans.length} LS means, rbmi has ${entry.lsmeans.length}`);
  if (result.method !== 'condmean-jackknife' || result.strategy !== entry.strategy) out.push(`method ${result.method}, strategy ${result.strategy}`);
  return out;
}

describe.each(rbmiEntries.map((entry) => [entry.name, entry] as const))('%s agrees with rbmi', (_name, entry) => {
  it('through the library', async () => {
    const result = await analyzeRbmi(readReferenceTable(entry.data), { ...rbmiColumns, ice: readReferenceTable(entry.ice), strategy: entry.strategy });
    expect(rbmiDepartures(entry, result)).toEqual([]);
  });

  it('through the command (--json)', async () => {
    const path = (file: string) => fileURLToPath(new URL(file, referenceDirectory));
    const columns = Object.entries(rbmiColumns).flatMap(([name, value]) => [`--${name}`, value]);
    const run = await runAnalyze(['rbmi', '--data', path(entry.data), '--ice', path(entry.ice), '--strategy', entry.strategy, ...columns, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(rbmiDepartures(entry, JSON.parse(run.stdout) as RbmiResult)).toEqual([]);
  });
});

describe('the harness', () => {
  it('notices a departure just beyond the tolerance', () => {
    const ancova = entries.find((entry) => entry.command.kind === 'ancova') as ReferenceEntry;
    const result = analyse(ancova);
    result.contrasts[0].estimate += 2e-9 * Math.abs(result.contrasts[0].estimate);
    expect(departures(ancova, result)).toHaveLength(1);
    const mmrm = entries.find((entry) => entry.command.kind === 'mmrm') as ReferenceEntry;
    const mmrmResult = analyse(mmrm);
    if (mmrmResult.kind !== 'mmrm') throw new Error('expected an MMRM');
    mmrmResult.neg2_loglik = (mmrm.neg2_loglik as number) + 2e-4;
    mmrmResult.lsmeans[0].df *= 1.002;
    expect(departures(mmrm, mmrmResult)).toHaveLength(2);
  });
});

describe('SAS PROC MIXED on fev_data (quoted in mmrm\'s tests)', () => {
  it('FEV1 ~ RACE + SEX + ARMCD*AVISIT, unstructured, REML', () => {
    const result = analyzeMmrm(readReferenceTable('fev_data.csv'), {
      subject: 'USUBJID', visit: 'AVISIT', visits: ['VIS1', 'VIS2', 'VIS3', 'VIS4'], outcome: 'FEV1', arm: 'ARMCD',
      control: 'PBO', covariates: ['RACE', 'SEX'],
    });
    expect(Math.abs(result.neg2_loglik - 3386.44987722)).toBeLessThan(1e-4);
    // SAS prints 4 decimals: agreement to within a unit of the last one.
    const vis4 = result.contrasts.find((c) => c.visit === 'VIS4');
    const sas = { estimate: 4.3985, se: 1.6805, lower: 1.0746, upper: 7.7225 };
    for (const [field, value] of Object.entries(sas)) expect(Math.abs((vis4?.[field as keyof typeof sas] ?? NaN) - value)).toBeLessThan(1e-4);
    expect(Math.round(vis4?.df ?? NaN)).toBe(133);
  });
});
