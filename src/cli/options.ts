import type { Command } from 'commander';

// Kept free of database imports: every command's options are declared at start-up, and
// `muster analyze` must not pay for loading the database drivers.
export const DEFAULT_SQLITE_FILE = './data/muster.db';

export interface DatabaseOptions {
  db?: string;
}

/** Adds `--db FILE` to a command that opens the database. */
export const withDatabaseOption = (command: Command) =>
  command.option('--db <file>', `SQLite file (default: $MUSTER_DB or ${DEFAULT_SQLITE_FILE}); ignored when DATABASE_URL is set`);
