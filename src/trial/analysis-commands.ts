/**
 * `muster trial analyse CODE [--json] [--export FILE.csv]`: the protocol's primary analysis on the
 * database, stored like one run through the API. Its JSON is a contract (docs/trial.md): `command`
 * holds the `muster analyze` options that give `analysis` again from the exported file.
 */
import { writeFileSync } from 'node:fs';
import { recordCohortRead } from '../access/index.ts';
import { systemActor } from '../shared/actor.ts';
import type { DatabaseOptions, WithDatabase } from '../shared/cli-options.ts';
import { write } from '../store/write.ts';
import { analyseOutput, runTrialAnalysis, storeTrialAnalysis } from './analysis-store.ts';
import { trialByCode } from './trials.ts';

export interface AnalyseOptions extends DatabaseOptions {
  json?: boolean;
  export?: string;
}

export const analyseTrialCommand = (withDatabase: WithDatabase, code: string, options: AnalyseOptions) =>
  withDatabase(options, async (db) => {
    const actor = systemActor('cli trial analyse');
    const trial = await trialByCode(db, code);
    const run = await runTrialAnalysis(db, trial);
    await recordCohortRead(db, actor, run.data.personIds, `trial ${trial.code} analysis data set`);
    if (options.export !== undefined) writeFileSync(options.export, run.data.csv);
    await write(db, actor, (w) => storeTrialAnalysis(w, trial, run, "the protocol's primary analysis, run from the command line"));
    const output = analyseOutput(run);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(output)}\n`);
      return;
    }
    const flags = Object.entries(output.command)
      .filter(([name]) => name !== 'kind')
      .map(([name, value]) => `--${name} ${JSON.stringify(value)}`)
      .join(' ');
    process.stdout.write(
      [
        output.verdict.sentence,
        `${trial.code} protocol version ${output.protocol_version} (SHA-256 ${output.protocol_sha256})`,
        `${output.analysis.n_subjects} participants, ${output.analysis.n_obs} observations; data set SHA-256 ${output.dataset_sha256}`,
        `Reproduce: muster analyze ${output.command.kind} --data ${options.export ?? 'FILE.csv (--export FILE.csv writes it)'} ${flags}`,
        '',
      ].join('\n'),
    );
  });
