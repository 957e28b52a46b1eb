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

/** Where `--export FILE.csv` puts the events file of the sensitivity analysis at `index`: FILE.ice-1.csv for the first. */
export const iceFile = (exported: string, index: number) => `${exported.replace(/\.csv$/i, '')}.ice-${index + 1}.csv`;

export const analyseTrialCommand = (withDatabase: WithDatabase, code: string, options: AnalyseOptions) =>
  withDatabase(options, async (db) => {
    const actor = systemActor('cli trial analyse');
    const trial = await trialByCode(db, code);
    const run = await runTrialAnalysis(db, trial);
    await recordCohortRead(db, actor, run.data.personIds, `trial ${trial.code} analysis data set`);
    if (options.export !== undefined) {
      writeFileSync(options.export, run.data.csv);
      run.sensitivity.forEach((sensitivity, index) => {
        if (sensitivity.ice !== undefined) writeFileSync(iceFile(options.export!, index), sensitivity.ice);
      });
    }
    await write(db, actor, (w) => storeTrialAnalysis(w, trial, run, "the protocol's primary and sensitivity analyses, run from the command line"));
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
        ...(output.estimand ? [output.estimand.sentence] : []),
        ...output.sensitivity.flatMap((sensitivity, index) => [
          `Sensitivity analysis ${index + 1}, ${sensitivity.name}: ${sensitivity.verdict?.sentence ?? `not run: ${sensitivity.error}`}`,
          ...(sensitivity.analysis?.kind === 'rbmi' && sensitivity.analysis.tipping_point
            ? [`  tipping point: ${sensitivity.analysis.tipping_point.delta === null ? 'no delta changes the 5% verdict' : `a delta of ${sensitivity.analysis.tipping_point.delta.toFixed(3)} changes the 5% verdict`}`]
            : []),
        ]),
        '',
      ].join('\n'),
    );
  });
