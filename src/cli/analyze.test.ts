import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { notConverged } from '../stats/errors.ts';
import { referenceDirectory, runAnalyze, spawnAnalyze } from '../stats/testing.ts';
import { registerAnalyze } from './analyze.ts';

const anorexia = fileURLToPath(new URL('anorexia.csv', referenceDirectory));
const bodyweight = fileURLToPath(new URL('bodyweight.csv', referenceDirectory));
const antidepressant = fileURLToPath(new URL('antidepressant.csv', referenceDirectory));
const antidepressantIce = fileURLToPath(new URL('antidepressant-ice.csv', referenceDirectory));
const rbmiArgs = [
  'rbmi', '--data', antidepressant, '--ice', antidepressantIce, '--subject', 'PATIENT', '--visit', 'VISIT', '--outcome', 'CHANGE',
  '--arm', 'THERAPY', '--control', 'PLACEBO', '--baseline', 'BASVAL',
];
const bodyweightMmrm = ['mmrm', '--data', bodyweight, '--subject', 'Rat', '--visit', 'day', '--outcome', 'chg', '--arm', 'Diet', '--control', 'diet1', '--baseline', 'base'];
const ancovaArgs = ['ancova', '--data', anorexia, '--outcome', 'Postwt', '--arm', 'Treat', '--control', 'Cont', '--baseline', 'Prewt'];

function csvFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'muster-analyze-')), 'data.csv');
  writeFileSync(path, text);
  return path;
}

// runAnalyze runs the command in this process; spawnAnalyze in a child process, for the exit status and output of a real one.
describe('muster analyze', () => {
  it('prints readable tables without --json', async () => {
    const run = await spawnAnalyze(ancovaArgs);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ANCOVA of Postwt');
    expect(run.stdout).toMatch(/CBT - Cont\s+4\.0971\s+1\.8935\s+68\.0\s+0\.3187\s+7\.8755\s+0\.0340/);
    expect(run.stdout).toMatch(/LS means \(95% CI\)\narm\s+estimate/);
  });

  it('prints MMRM tables with the visit and the covariance', async () => {
    const run = await runAnalyze(['mmrm', '--data', bodyweight, '--subject', 'Rat', '--visit', 'day', '--outcome', 'chg', '--arm', 'Diet', '--control', 'diet1', '--baseline', 'base']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('MMRM of chg: REML, unstructured (us) covariance over 3 visits; satterthwaite df, the model\'s covariance of the estimates');
    expect(run.stdout).toMatch(/day64\s+diet3 - diet1/);
    expect(run.stdout).toMatch(/Covariance over visits\n\s+day22\s+day43\s+day64/);
  });

  it('exits 2 naming the option when the data do not fit', async () => {
    const run = await spawnAnalyze([...ancovaArgs.slice(0, -4), '--control', 'Placebo', '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('muster analyze: --control: arm "Placebo" does not occur in column "Treat" (arms: CBT, Cont, FT)\n');
  });

  it('exits 2 naming the lines of non-numeric values', async () => {
    const data = csvFile('arm,y,x\nA,1,2\nB,2,3\nA,x1,4\nB,3,5\nA,2,1\n');
    const run = await runAnalyze(['ancova', '--data', data, '--outcome', 'y', '--arm', 'arm', '--control', 'A']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--outcome: column "y" has non-numeric values (line 4: "x1")');
  });

  it('exits 2 for an unreadable file', async () => {
    const run = await runAnalyze(['ancova', '--data', '/nonexistent.csv', '--outcome', 'y', '--arm', 'a', '--control', 'c']);
    expect([run.code, run.stderr]).toEqual([2, 'muster analyze: --data: cannot read /nonexistent.csv: ENOENT\n']);
  });

  it('exits 2 for a list with an empty name', async () => {
    const run = await runAnalyze([...ancovaArgs, '--covariates', 'id,']);
    expect([run.code, run.stderr]).toEqual([2, 'muster analyze: --covariates: empty name in "id,"\n']);
  });

  it('exits 2 for an unknown covariance structure', async () => {
    const run = await runAnalyze(['mmrm', '--data', bodyweight, '--subject', 'Rat', '--visit', 'day', '--outcome', 'chg', '--arm', 'Diet', '--control', 'diet1', '--covariance', 'un']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--covariance <structure>' argument 'un' is invalid");
  });

  it('names the df method and the covariance of the estimates in the JSON; refuses Kenward-Roger with a sandwich or ML', async () => {
    const run = await runAnalyze([...bodyweightMmrm, '--ddfm', 'kr', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ddfm: 'kr', vcov: 'model' });
    const sandwich = await runAnalyze([...bodyweightMmrm, '--ddfm', 'kr', '--vcov', 'empirical']);
    expect([sandwich.code, sandwich.stderr]).toEqual([2, 'muster analyze: ddfm kr adjusts the model\'s covariance of beta: it cannot be combined with vcov empirical\n']);
    const ml = await runAnalyze([...bodyweightMmrm, '--ddfm', 'kr-linear', '--method', 'ml']);
    expect([ml.code, ml.stderr]).toEqual([2, 'muster analyze: ddfm kr-linear needs REML (method reml)\n']);
  });

  it('sp_exp needs --coordinates, and --coordinates needs sp_exp', async () => {
    const without = await runAnalyze([...bodyweightMmrm, '--covariance', 'sp_exp']);
    expect([without.code, without.stderr]).toEqual([2, 'muster analyze: --coordinates: covariance sp_exp needs the column of each row\'s time\n']);
    const stray = await runAnalyze([...bodyweightMmrm, '--coordinates', 'base']);
    expect([stray.code, stray.stderr]).toEqual([2, 'muster analyze: --coordinates: only the spatial covariance sp_exp uses coordinates, not us\n']);
  });

  it('rbmi prints its tables and the tipping point; bad numbers and strategies exit 2 naming the option', async () => {
    const run = await runAnalyze([...rbmiArgs, '--strategy', 'JR', '--tipping-point']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Reference-based imputation of CHANGE: conditional means, jackknife SE');
    expect(run.stdout).toMatch(/7\s+DRUG - PLACEBO\s+-2\.1256\s+0\.8581/);
    expect(run.stdout).toMatch(/Tipping point: DRUG - PLACEBO at 7 is significant at the 5% level; a delta of 1\.66\d\d changes that\./);
    const delta = await runAnalyze([...rbmiArgs, '--strategy', 'JR', '--delta', 'two']);
    expect([delta.code, delta.stderr]).toEqual([2, 'muster analyze: --delta: "two" is not a number\n']);
    const strategy = await runAnalyze([...rbmiArgs, '--strategy', 'J2R']);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toContain("option '--strategy <strategy>' argument 'J2R' is invalid");
    const ice = await runAnalyze([...rbmiArgs.map((arg) => (arg === antidepressantIce ? '/nonexistent.csv' : arg)), '--strategy', 'CR']);
    expect([ice.code, ice.stderr]).toEqual([2, 'muster analyze: --ice: cannot read /nonexistent.csv: ENOENT\n']);
  });

  it('exits 2 for a missing required option', async () => {
    const run = await runAnalyze(ancovaArgs.filter((arg) => arg !== '--control' && arg !== 'Cont'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--control <level>' not specified");
  });
});

describe('muster analyze (in process)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.doUnmock('../stats/analysis.ts');
    process.exitCode = undefined;
  });

  it('exits 3 and prints no estimates when the model does not converge', async () => {
    vi.doMock('../stats/analysis.ts', () => ({
      analyzeMmrm: () => {
        throw notConverged('no convergence after BFGS and Newton');
      },
    }));
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const program = new Command('muster').exitOverride();
    registerAnalyze(program);
    await program.parseAsync(['analyze', 'mmrm', '--data', bodyweight, '--subject', 'Rat', '--visit', 'day', '--outcome', 'chg', '--arm', 'Diet', '--control', 'diet1'], { from: 'user' });
    expect(process.exitCode).toBe(3);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).toHaveBeenCalledWith('muster analyze: no convergence after BFGS and Newton\n');
  });
});
