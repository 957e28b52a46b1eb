import { withDatabaseOption, type CliContext } from '../shared/cli-options.ts';

/** `muster trial ...`: the one command group every part of the trial adds its subcommands to; the work is imported only when one runs. */
export function registerTrialCommands({ program, withDatabase }: CliContext): void {
  const trial = program.command('trial').description('The supplement trial (docs/trial.md)');

  withDatabaseOption(trial.command('list').description('Every trial: code, title, status').option('--json', 'a JSON array of {code, title, status}')).action(async (options) =>
    (await import('./commands.ts')).listTrialsCommand(withDatabase, options),
  );

  withDatabaseOption(
    trial
      .command('verify-randomisation')
      .description("Replay every allocation from the seed and the recorded order; exit 0 with the count, or 1 naming the first difference")
      .argument('<code>', 'the trial, e.g. WHEY-01'),
  ).action(async (code: string, options) => (await import('./commands.ts')).verifyRandomisationCommand(withDatabase, code, options));

  withDatabaseOption(
    trial
      .command('analyse')
      .description("Run the protocol's primary analysis and its sensitivity analyses on the database and judge its decision rule (stored, audited)")
      .argument('<code>', 'the trial, e.g. WHEY-01')
      .option('--json', 'one JSON object: command, analysis, verdict, protocol_version, protocol_sha256, dataset_sha256, estimand, sensitivity')
      .option('--export <file>', 'write the analysis data set (long-format CSV) here, for `muster analyze` or R; each rbmi sensitivity analysis\'s events file beside it (FILE.ice-N.csv, N its place in `sensitivity`)'),
  ).action(async (code: string, options) => (await import('./analysis-commands.ts')).analyseTrialCommand(withDatabase, code, options));

  withDatabaseOption(
    trial
      .command('consort')
      .description('CONSORT 2010 flow counts from the record (randomised = the sum of allocated). Per arm only when the trial is open or unblinded; pooled otherwise, as for any blinded reader')
      .argument('<code>', 'the trial, e.g. WHEY-01')
      .option('--json', 'one JSON object: assessed, excluded, randomised, and arms (per arm) or pooled')
      .option('--svg <file>', 'write the flow diagram (SVG) to this file'),
  ).action(async (code: string, options) => (await import('./conduct-commands.ts')).consortCommand(withDatabase, code, options));
}
