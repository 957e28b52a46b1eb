import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './analyze.ts';
import { version } from '../server/version.ts';
import { withDatabaseOption, type DatabaseOptions } from '../shared/cli-options.ts';
import type { ServeOptions } from './serve.ts';

/**
 * Runs `muster <argv...>` (the arguments after the script) and resolves to its exit code: 0 success,
 * 1 failure, 2 bad usage or bad data, 3 a model that did not converge. The commands write to
 * standard output and error and set `process.exitCode`; it is read and then restored, so the tests
 * can run the command in their own process (src/cli/testing.ts). Each call builds a new program.
 */
export async function runMuster(argv: readonly string[]): Promise<number> {
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    const program = await buildProgram(argv[0] === 'analyze');
    try {
      await program.parseAsync([...argv], { from: 'user' });
    } catch (error) {
      if (error instanceof CommanderError) {
        process.exitCode = error.exitCode === 0 ? 0 : 2;
      } else {
        console.error(`muster: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    }
    return Number(process.exitCode ?? 0);
  } finally {
    process.exitCode = previous;
  }
}

// Subcommands import their modules when they run, so `muster analyze` starts without loading the server.
async function buildProgram(analyzeOnly: boolean): Promise<Command> {
  const program = new Command('muster')
    .description('Muster: roster, training, trial and analysis for a training cohort')
    .version(version)
    .showHelpAfterError()
    .exitOverride();

  withDatabaseOption(
    program
      .command('serve')
      .description('Serve the API (and the datapad) on a database; never loads demo data')
      .option('--port <port>', 'port to listen on (default: $PORT or 8080)')
      .option('--host <host>', 'address to listen on (default: $HOST or 127.0.0.1)'),
  ).action(async (options: ServeOptions) => (await import('./serve.ts')).serve({ ...options, demo: false }));

  withDatabaseOption(
    program
      .command('start')
      .description('Like serve, but a new database first gets the demo cohort (what `npm start` runs)')
      .option('--port <port>', 'port to listen on (default: $PORT or 8080)')
      .option('--host <host>', 'address to listen on (default: $HOST or 127.0.0.1)'),
  ).action(async (options: ServeOptions) => (await import('./serve.ts')).serve({ ...options, demo: true }));

  withDatabaseOption(program.command('migrate').description('Apply pending database migrations')).action(async (options: DatabaseOptions) =>
    (await import('./admin.ts')).migrate(options),
  );

  const user = program.command('user').description('Accounts');
  withDatabaseOption(
    user
      .command('add')
      .description('Give a person on the roster a login; the password comes from $MUSTER_PASSWORD or standard input')
      .requiredOption('--designation <designation>', 'the person, e.g. JB-007')
      .requiredOption('--username <username>', 'the login name'),
  ).action(async (options: DatabaseOptions & { designation: string; username: string }) => (await import('./admin.ts')).addUser(options));

  const roster = program.command('roster').description('The roster');
  withDatabaseOption(
    roster
      .command('import')
      .description('Import people from a CSV: designation,name,rank,unit,role[,status,date_of_birth,sex]; all rows or none')
      .argument('<file>', 'CSV file'),
  ).action(async (file: string, options: DatabaseOptions) => (await import('./admin.ts')).importRosterFile(file, options));

  const audit = program.command('audit').description('The audit trail');
  withDatabaseOption(
    audit
      .command('verify')
      .description('Check the hash chain and its signed checkpoints (with $MUSTER_AUDIT_KEY_FILE); exits 1 and names the first bad event if it was tampered with')
      .option('--anchor <file>', 'an anchor printed by `muster audit anchor`: fail when the chain is shorter than it or differs from it'),
  ).action(async (options: DatabaseOptions & { anchor?: string }) => (await import('./admin.ts')).verifyAuditTrail(options));
  withDatabaseOption(
    audit.command('anchor').description('Print the chain head signed with the key in $MUSTER_AUDIT_KEY_FILE (JSON: seq, hash, at, signature), to keep outside the database'),
  ).action(async (options: DatabaseOptions) => (await import('./admin.ts')).printAuditAnchor(options));

  withDatabaseOption(
    program
      .command('backup')
      .description('Write a backup of the whole database (gzip\'d JSON lines, restorable on SQLite or PostgreSQL), consistent as of one moment while the server runs')
      .argument('<file>', 'the backup file, or - for standard output')
      .option('--force', 'replace FILE if it exists'),
  ).action(async (file: string, options: DatabaseOptions & { force?: boolean }) => (await import('./backup.ts')).backup(file, options));
  withDatabaseOption(
    program
      .command('restore')
      .description('Restore a backup into an empty database (SQLite or PostgreSQL, whichever it came from); its audit trail must verify, and a backup.restored event follows it')
      .argument('<file>', 'a file written by `muster backup`, or - for standard input'),
  ).action(async (file: string, options: DatabaseOptions) => (await import('./backup.ts')).restore(file, options));

  withDatabaseOption(
    program
      .command('demo')
      .description('Load the demo cohort into an empty database')
      .option('--participants <n>', 'number of participants', '60')
      .option('--weeks <n>', 'weeks of training and wellness history, ending this week (1 to 104)', '12'),
  ).action(async (options: DatabaseOptions & { participants: string; weeks: string }) => (await import('./admin.ts')).demo(options));

  registerAnalyze(program);

  // Each capability declares its own subcommands. `muster analyze` is the statistics engine alone:
  // it skips loading the capabilities (and the database drivers), a third of a second of start-up.
  if (!analyzeOnly) {
    const importCommand = program.command('import').description('Import data from CSV files: every bad row is reported, and nothing is written unless all rows are good');
    const exportCommand = program.command('export').description('Export data as CSV or JSON, with everything that was stored');
    const { capabilities } = await import('../capabilities.ts');
    const { withDatabase } = await import('./admin.ts');
    for (const capability of capabilities) capability.cli?.({ program, importCommand, exportCommand, withDatabase });
  }
  return program;
}
