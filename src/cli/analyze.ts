/**
 * `muster analyze mmrm|ancova`: the command's contract is in docs/statistics.md.
 * Exit codes: 0 success, 2 bad usage or bad data (the message names the option, column or line),
 * 3 no convergence. The statistics modules load only when the command runs.
 */
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { AnalysisResult, AncovaResult, ContrastResult, LsmeanResult, MmrmResult } from '../stats/analysis.ts';
import { StatsError, badData } from '../stats/errors.ts';
// The structure names only: mmrm.ts itself loads with the analysis, when the command runs.
import { covarianceStructures } from '../stats/mmrm-covariance.ts';
import type { CovarianceStructure } from '../stats/mmrm-covariance.ts';
import { coefficientCovariances, degreesOfFreedomMethods } from '../stats/mmrm-inference-options.ts';
import type { CoefficientCovariance, DegreesOfFreedomMethod } from '../stats/mmrm-inference-options.ts';
import type { ImputationStrategy, RbmiMethod, RbmiResult } from '../stats/rbmi.ts';
import type { Table } from '../stats/table.ts';

interface CommonFlags {
  data: string;
  outcome: string;
  arm: string;
  control: string;
  baseline?: string;
  covariates?: string;
  json?: boolean;
}

interface MmrmFlags extends CommonFlags {
  subject: string;
  visit: string;
  visits?: string;
  covariance: CovarianceStructure;
  coordinates?: string;
  method: 'reml' | 'ml';
  ddfm: DegreesOfFreedomMethod;
  vcov: CoefficientCovariance;
}

interface RbmiFlags extends CommonFlags {
  subject: string;
  visit: string;
  visits?: string;
  covariance: CovarianceStructure;
  ice: string;
  strategy: ImputationStrategy;
  reference?: string;
  method: RbmiMethod;
  samples?: string;
  seed?: string;
  delta?: string;
  deltaArm?: string;
  tippingPoint?: boolean;
}

// The names only, as for the structures: rbmi.ts loads when the command runs.
const strategyNames: readonly ImputationStrategy[] = ['MAR', 'JR', 'CR', 'CIR', 'LMCF'];
const rbmiMethodNames: readonly RbmiMethod[] = ['jackknife', 'bootstrap'];

export function registerAnalyze(program: Command): void {
  const analyze = program.command('analyze').description('Analyse a trial CSV as R would (mmrm, emmeans, lm)');

  withCommonOptions(
    analyze.command('mmrm').description('MMRM: outcome ~ visit + arm + arm:visit [+ baseline + baseline:visit] [+ covariates], as R\'s mmrm'),
  )
    .requiredOption('--subject <column>', 'subject identifier column')
    .requiredOption('--visit <column>', 'visit column')
    .option('--visits <list>', 'visit order, comma-separated (default: order of first appearance)')
    .addOption(new Option('--covariance <structure>', 'covariance structure over visits').choices(covarianceStructures).default('us'))
    .option('--coordinates <column>', 'numeric time of each row, for --covariance sp_exp (visits at uneven times)')
    .addOption(new Option('--method <method>', 'estimation method').choices(['reml', 'ml']).default('reml'))
    .addOption(new Option('--ddfm <method>', 'degrees of freedom').choices(degreesOfFreedomMethods).default('satterthwaite'))
    .addOption(
      new Option('--vcov <estimator>', 'covariance of the coefficients: the model\'s, or a sandwich estimator')
        .choices(coefficientCovariances)
        .default('model'),
    )
    .option('--json', 'print one JSON object instead of tables')
    .exitOverride()
    .action((flags: MmrmFlags) =>
      run(flags, async (table) => {
        const { analyzeMmrm } = await import('../stats/analysis.ts');
        return analyzeMmrm(table, {
          ...commonOptions(flags),
          subject: flags.subject,
          visit: flags.visit,
          ...(flags.visits !== undefined ? { visits: list('--visits', flags.visits) } : {}),
          covariance: flags.covariance,
          ...(flags.coordinates !== undefined ? { coordinates: flags.coordinates } : {}),
          method: flags.method,
          ddfm: flags.ddfm,
          vcov: flags.vcov,
        });
      }),
    );

  withCommonOptions(
    analyze
      .command('rbmi')
      .description('Reference-based imputation (rbmi): conditional means from an MMRM, an ANCOVA per visit, jackknife or bootstrap SE'),
  )
    .requiredOption('--subject <column>', 'subject identifier column')
    .requiredOption('--visit <column>', 'visit column')
    .option('--visits <list>', 'visit order, comma-separated (default: order of first appearance)')
    .requiredOption('--ice <file>', 'CSV of intercurrent events: the subject and visit columns (first visit affected), optional strategy')
    .addOption(new Option('--strategy <strategy>', 'strategy after an event').choices(strategyNames).makeOptionMandatory())
    .option('--reference <arm>', 'reference arm of JR, CR and CIR (default: the control)')
    .addOption(new Option('--covariance <structure>', 'covariance of the imputation model').choices(covarianceStructures.filter((s) => s !== 'sp_exp')).default('us'))
    .addOption(new Option('--method <method>', 'standard errors: jackknife, or a seeded bootstrap').choices(rbmiMethodNames).default('jackknife'))
    .option('--samples <n>', 'bootstrap resamples (default 500)')
    .option('--seed <n>', 'bootstrap seed (default 1)')
    .option('--delta <number>', 'added to the values imputed at and after an event in --delta-arm (default 0)')
    .option('--delta-arm <arm>', 'the arm whose imputed values move (default: the arm other than the control)')
    .option('--tipping-point', 'find the smallest delta that overturns the verdict at the last visit')
    .option('--json', 'print one JSON object instead of tables')
    .exitOverride()
    .action((flags: RbmiFlags) =>
      run(flags, async (table) => {
        const [{ analyzeRbmi }, { runOnEveryCore }, { parseTable }] = await Promise.all([
          import('../stats/rbmi.ts'),
          import('../stats/rbmi-workers.ts'),
          import('../stats/table.ts'),
        ]);
        return analyzeRbmi(
          table,
          {
            ...commonOptions(flags),
            subject: flags.subject,
            visit: flags.visit,
            ...(flags.visits !== undefined ? { visits: list('--visits', flags.visits) } : {}),
            covariance: flags.covariance,
            ice: parseTable(readFile('--ice', flags.ice)),
            strategy: flags.strategy,
            ...(flags.reference !== undefined ? { reference: flags.reference } : {}),
            method: flags.method,
            ...(flags.samples !== undefined ? { samples: number('--samples', flags.samples) } : {}),
            ...(flags.seed !== undefined ? { seed: number('--seed', flags.seed) } : {}),
            ...(flags.delta !== undefined ? { delta: number('--delta', flags.delta) } : {}),
            ...(flags.deltaArm !== undefined ? { deltaArm: flags.deltaArm } : {}),
            tippingPoint: flags.tippingPoint === true,
          },
          runOnEveryCore,
        );
      }),
    );

  withCommonOptions(analyze.command('ancova').description('ANCOVA: outcome ~ arm [+ baseline] [+ covariates], as lm with emmeans'))
    .option('--json', 'print one JSON object instead of tables')
    .exitOverride()
    .action((flags: CommonFlags) =>
      run(flags, async (table) => {
        const { analyzeAncova } = await import('../stats/analysis.ts');
        return analyzeAncova(table, commonOptions(flags));
      }),
    );
}

/** The options both analyses take. */
const withCommonOptions = (command: Command) =>
  command
    .requiredOption('--data <file>', 'CSV file with a header row')
    .requiredOption('--outcome <column>', 'outcome column (empty = missing)')
    .requiredOption('--arm <column>', 'treatment arm column')
    .requiredOption('--control <level>', 'the control arm')
    .option('--baseline <column>', 'numeric baseline (in an MMRM also by visit)')
    .option('--covariates <list>', 'additive covariates, comma-separated (a factor when any value is not a number)');

function commonOptions(flags: CommonFlags) {
  return {
    outcome: flags.outcome,
    arm: flags.arm,
    control: flags.control,
    ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}),
    ...(flags.covariates !== undefined ? { covariates: list('--covariates', flags.covariates) } : {}),
  };
}

/** A file's text; an unreadable file is bad usage of its option. */
function readFile(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw badData(`${option}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** A number given on the command line. */
function number(option: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw badData(`${option}: "${value}" is not a number`);
  return parsed;
}

/** Reads the file, runs the analysis and prints it; StatsErrors become exit 2 (bad data) or 3 (no convergence). */
async function run(flags: CommonFlags, analyse: (table: Table) => Promise<AnalysisResult | RbmiResult>): Promise<void> {
  try {
    const { parseTable } = await import('../stats/table.ts');
    const result = await analyse(parseTable(readFile('--data', flags.data)));
    process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : result.kind === 'rbmi' ? formatRbmi(result) : formatResult(result));
  } catch (error) {
    if (!(error instanceof StatsError)) throw error;
    process.stderr.write(`muster analyze: ${error.message}\n`);
    process.exitCode = error.code === 'not_converged' ? 3 : 2;
  }
}

/** A comma-separated list of names; an empty name is a usage error. */
function list(option: string, value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw badData(`${option}: empty name in "${value}"`);
  return names;
}

const covarianceNames: Record<CovarianceStructure, string> = {
  us: 'unstructured',
  cs: 'compound symmetry',
  csh: 'heterogeneous compound symmetry',
  ar1: 'first-order autoregressive',
  ar1h: 'heterogeneous first-order autoregressive',
  toep: 'Toeplitz',
  toeph: 'heterogeneous Toeplitz',
  ad: 'ante-dependence',
  adh: 'heterogeneous ante-dependence',
  sp_exp: 'spatial exponential',
};

export function formatResult(result: AnalysisResult): string {
  const lines: string[] = [];
  const isMmrm = result.kind === 'mmrm';
  lines.push(
    isMmrm
      ? `MMRM of ${result.outcome}: ${result.method.toUpperCase()}, ${covarianceNames[result.covariance_structure]} (${result.covariance_structure}) covariance over ${result.visits.length} visits; ` +
          `${result.ddfm} df, ${result.vcov === 'model' ? 'the model\'s' : result.vcov} covariance of the estimates`
      : `ANCOVA of ${result.outcome}`,
    `${result.n_subjects} subjects, ${result.n_obs} observations; ${result.rows_missing_covariate} rows with an outcome left out for a missing covariate`,
  );
  if (result.aliased.length > 0) lines.push(`Aliased columns dropped: ${result.aliased.join(', ')}`);
  lines.push(isMmrm ? fitSummaryMmrm(result) : fitSummaryAncova(result), '');

  const contrastCells = (c: ContrastResult) => [c.contrast, fixed(c.estimate), fixed(c.se), fixed(c.df, 1), fixed(c.lower), fixed(c.upper), pValue(c.p)];
  const lsmeanCells = (m: LsmeanResult) => [m.arm, fixed(m.estimate), fixed(m.se), fixed(m.df, 1), fixed(m.lower), fixed(m.upper)];
  const visitHeader = isMmrm ? ['visit'] : [];
  lines.push(
    `Each arm minus ${result.control} (95% CI, two-sided p, no adjustment for multiplicity)`,
    ...table(
      [...visitHeader, 'contrast', 'estimate', 'SE', 'df', 'lower', 'upper', 'p'],
      isMmrm ? result.contrasts.map((c) => [c.visit, ...contrastCells(c)]) : result.contrasts.map(contrastCells),
    ),
    '',
    'LS means (95% CI)',
    ...table(
      [...visitHeader, 'arm', 'estimate', 'SE', 'df', 'lower', 'upper'],
      isMmrm ? result.lsmeans.map((m) => [m.visit, ...lsmeanCells(m)]) : result.lsmeans.map(lsmeanCells),
    ),
    '',
    'Type III tests',
    ...table(
      ['term', 'num df', 'den df', 'F', 'p'],
      result.type3.map((t) =>
        t.f === null ? [t.term, 'not estimable', '', '', ''] : [t.term, String(t.num_df), fixed(t.den_df ?? 0, 1), fixed(t.f), pValue(t.p ?? 1)],
      ),
    ),
  );
  if (isMmrm) {
    lines.push('', 'Covariance over visits', ...table(['', ...result.visits], result.covariance.map((row, i) => [result.visits[i], ...row.map((v) => fixed(v))])));
  }
  return `${lines.join('\n')}\n`;
}

export function formatRbmi(result: RbmiResult): string {
  const strategies = Object.entries(result.strategies).map(([strategy, count]) => `${strategy} ${count}`).join(', ');
  const method = result.method === 'condmean-jackknife' ? 'jackknife SE' : `bootstrap SE (${result.samples} resamples, seed ${result.seed})`;
  const lines = [
    `Reference-based imputation of ${result.outcome}: conditional means, ${method}, ${covarianceNames[result.covariance_structure]} (${result.covariance_structure}) imputation model`,
    `${result.n_subjects} subjects, ${result.n_events} intercurrent events (${strategies || 'none'}), ${result.n_imputed} values imputed; reference arm ${result.reference}` +
      (result.delta_arm !== null ? `; delta ${result.delta} on ${result.delta_arm}'s imputed values` : ''),
    '',
    `Each arm minus ${result.control} (95% CI, normal, two-sided p)`,
    ...table(
      ['visit', 'contrast', 'estimate', 'SE', 'lower', 'upper', 'p'],
      result.contrasts.map((c) => [c.visit, c.contrast, fixed(c.estimate), fixed(c.se), fixed(c.lower), fixed(c.upper), pValue(c.p)]),
    ),
    '',
    'LS means (95% CI)',
    ...table(
      ['visit', 'arm', 'estimate', 'SE', 'lower', 'upper'],
      result.lsmeans.map((m) => [m.visit, m.arm, fixed(m.estimate), fixed(m.se), fixed(m.lower), fixed(m.upper)]),
    ),
  ];
  const tipping = result.tipping_point;
  if (tipping) {
    lines.push(
      '',
      `Tipping point: ${tipping.contrast} at ${tipping.visit} is ${tipping.significant ? '' : 'not '}significant at the 5% level; ` +
        (tipping.delta === null ? 'no delta changes that.' : `a delta of ${fixed(tipping.delta)} changes that.`),
      ...table(
        ['delta', 'estimate', 'SE', 'lower', 'upper', 'p'],
        tipping.scan.map((row) => [fixed(row.delta), fixed(row.estimate), fixed(row.se), fixed(row.lower), fixed(row.upper), pValue(row.p)]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

const fitSummaryMmrm = (result: MmrmResult) =>
  `Converged in ${result.iterations} iterations; -2 ${result.method === 'reml' ? 'restricted ' : ''}log-likelihood ${result.neg2_loglik.toFixed(4)}`;

const fitSummaryAncova = (result: AncovaResult) =>
  `Residual SE ${fixed(result.sigma)} on ${result.residual_df} df; -2 log-likelihood ${result.neg2_loglik.toFixed(4)}`;

const fixed = (value: number, digits = 4) => value.toFixed(digits);
const pValue = (p: number) => (p < 0.0001 ? '<0.0001' : p.toFixed(4));

/** Right-aligned columns (the first left-aligned), two spaces apart. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  const format = (row: string[]) => row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  ').trimEnd();
  return [format(header), ...rows.map(format)];
}
