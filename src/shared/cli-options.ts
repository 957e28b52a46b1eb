import type { Command } from 'commander';
import type { Db } from '../store/db.ts';

// Kept free of database imports: every command's options are declared at start-up, and
// `muster analyze` must not pay for loading the database drivers.
export const DEFAULT_SQLITE_FILE = './data/muster.db';

export interface DatabaseOptions {
  db?: string;
}

/** Adds `--db FILE` to a command that opens the database. */
export const withDatabaseOption = (command: Command) =>
  command.option('--db <file>', `SQLite file (default: $MUSTER_DB or ${DEFAULT_SQLITE_FILE}); ignored when DATABASE_URL is set`);

/** Opens the configured database (migrated), runs `run` and closes it; the CLI provides it to each capability's commands. */
export type WithDatabase = (options: DatabaseOptions, run: (db: Db) => Promise<void>) => Promise<void>;

/** What a capability's `cli` entry receives to declare its commands. */
export interface CliContext {
  program: Command;
  /** `muster import <kind>` and `muster export <kind>` gather here. */
  importCommand: Command;
  exportCommand: Command;
  withDatabase: WithDatabase;
}
