import { withDatabaseOption, type CliContext } from '../shared/cli-options.ts';

/** `muster import training` and `muster export training`; the work is imported only when they run. */
export function registerTrainingCommands({ importCommand, exportCommand, withDatabase }: CliContext): void {
  withDatabaseOption(
    importCommand
      .command('training')
      .description('Import sets: designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes (local to the unit), or a Strong or Hevy workout export')
      .argument('<file>', 'CSV file')
      .option('--designation <designation>', 'whose Strong or Hevy export this is (their files name nobody)')
      .option('--load-unit <unit>', "the unit of a Strong export's Weight column (Hevy's and Strong's semicolon export name theirs): kg or lb", 'kg'),
  ).action(async (file: string, options) => (await import('./commands.ts')).importTrainingFile(withDatabase, file, options));

  withDatabaseOption(
    exportCommand
      .command('training')
      .description('Export every set, one row per set, with everything stored')
      .option('--format <format>', 'csv or json', 'csv')
      .option('--output <file>', 'write here instead of standard output'),
  ).action(async (options) => (await import('./commands.ts')).exportTrainingFile(withDatabase, options));
}
