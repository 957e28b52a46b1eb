import { withDatabaseOption, type CliContext } from '../shared/cli-options.ts';

/** `muster import measurements` and `muster export measurements`; the work is imported only when they run. */
export function registerMeasurementsCommands({ importCommand, exportCommand, withDatabase }: CliContext): void {
  withDatabaseOption(
    importCommand
      .command('measurements')
      .description('Import physique measurements: one row per site of a visit (docs/assessments.md); all rows or none')
      .argument('<file>', 'CSV file'),
  ).action(async (file: string, options) => (await import('./commands.ts')).importMeasurementsFile(withDatabase, file, options));
  withDatabaseOption(
    exportCommand
      .command('measurements')
      .description('Export every physique assessment: CSV one row per site (re-importable), or JSON with derived values')
      .option('--format <format>', 'csv or json', 'csv')
      .option('--output <file>', 'write here instead of standard output'),
  ).action(async (options) => (await import('./commands.ts')).exportMeasurementsFile(withDatabase, options));
}
