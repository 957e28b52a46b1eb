import type { Command } from 'commander';
import { openDatabase, type DatabaseHandle } from '../store/db.ts';
import { migrateToLatest } from '../store/migrate.ts';

export const DEFAULT_SQLITE_FILE = './data/muster.db';

export interface DatabaseOptions {
  db?: string;
}

/** Adds `--db FILE` to a command that opens the database. */
export const withDatabaseOption = (command: Command) =>
  command.option('--db <file>', `SQLite file (default: $MUSTER_DB or ${DEFAULT_SQLITE_FILE}); ignored when DATABASE_URL is set`);

/** DATABASE_URL selects PostgreSQL; otherwise SQLite at --db, $MUSTER_DB or ./data/muster.db. Migrates before use. */
export async function openConfiguredDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const handle = openDatabase({ databaseUrl, sqliteFile: options.db ?? process.env.MUSTER_DB ?? DEFAULT_SQLITE_FILE });
  await migrateToLatest(handle.db);
  return handle;
}
