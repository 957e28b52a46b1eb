import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { notConverged } from '../stats/errors.ts';
import { referenceDirectory, runAnalyze } from '../stats/testing.ts';
import { registerAnalyze } from './analyze.ts';

const anorexia = fileURLToPath(new URL('anorexia.csv', referenceDirectory));
const bodyweight = fileURLToPath(new URL('bodyweight.csv', referenceDirectory));
const ancovaArgs = ['ancova', '--data', anorexia, '--outcome', 'Postwt', '--arm', 'Treat', '--control', 'Cont', '--baseline', 'Prewt'];

function csvFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'muster-analyze-')), 'data.csv');
  writeFileSync(path, text);
  return path;
}

describe('muster analyze (child process)', () => {
  it('prints readable tables without --json', async () => {
    const run = await runAnalyze(ancovaArgs);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ANCOVA of Postwt');
    expect(run.stdout).toMatch(/CBT - Cont\s+4\.0971\s+1\.8935\s+68\.0\s+0\.3187\s+7\.8755\s+0\.0340/);
    expect(run.stdout).toMatch(/LS means \(95% CI\)\narm\s+estimate/);
  });

  it('prints MMRM tables with the visit and the covariance', async () => {
    const run = await runAnalyze(['mmrm', '--data', bodyweight, '--subject', 'Rat', '--visit', 'day', '--outcome', 'chg', '--arm', 'Diet', '--control', 'diet1', '--baseline', 'base']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('MMRM of chg: REML, unstructured (us) covariance over 3 visits');
    expect(run.stdout).toMatch(/day64\s+diet3 - diet1/);
    expect(run.stdout).toMatch(/Covariance over visits\n\s+day22\s+day43\s+day64/);
  });

  it('exits 2 naming the option when the data do not fit', async () => {
    const run = await runAnalyze([...ancovaArgs.slice(0, -4), '--control', 'Placebo', '--json']);
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
