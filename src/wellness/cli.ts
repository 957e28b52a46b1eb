import { withDatabaseOption, type CliContext } from '../shared/cli-options.ts';

/** `muster import wellness` and `muster export wellness`; the work is imported only when they run. */
export function registerWellnessCommands({ importCommand, exportCommand, withDatabase }: CliContext): void {
  withDatabaseOption(
    importCommand
      .command('wellness')
      .description('Import wellness reports: designation,date,sleep_quality,fatigue,stress,soreness,hours_slept (docs/wellness.md); all rows or none')
      .argument('<file>', 'CSV file'),
  ).action(async (file: string, options) => (await import('./commands.ts')).importWellnessFile(withDatabase, file, options));
  withDatabaseOption(
    exportCommand
      .command('wellness')
      .description('Export every wellness report: CSV (re-importable) or JSON, with the score')
      .option('--format <format>', 'csv or json', 'csv')
      .option('--output <file>', 'write here instead of standard output'),
  ).action(async (options) => (await import('./commands.ts')).exportWellnessFile(withDatabase, options));
}
