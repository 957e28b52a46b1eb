import { withDatabaseOption, type CliContext } from '../shared/cli-options.ts';

/** `muster kiosk ...`: the locations kiosks stand at, and adding one (its work is imported only when it runs). */
export function registerKioskCommands({ program, withDatabase }: CliContext): void {
  const kiosk = program.command('kiosk').description('Kiosks at the door: device accounts bound to one location (docs/schedule.md)');

  withDatabaseOption(kiosk.command('locations').description('The locations a kiosk may be added at').option('--json', 'a JSON array of {name, timeZone, directions}')).action(
    async (options) => (await import('./kiosk-commands.ts')).listLocationsCommand(withDatabase, options),
  );

  withDatabaseOption(
    kiosk
      .command('add')
      .description("Add a kiosk at a location and print its token once (mst_...; stored hashed): the kiosk page signs in with it")
      .requiredOption('--location <name>', 'the location, as `muster kiosk locations` names it')
      .option('--name <name>', 'what the kiosk is called (default: "Kiosk at <location>")'),
  ).action(async (options) => (await import('./kiosk-commands.ts')).addKioskCommand(withDatabase, options));
}
