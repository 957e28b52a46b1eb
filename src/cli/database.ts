import { openDatabase, type DatabaseHandle } from '../store/db.ts';
import { migrateAll } from '../capabilities.ts';
import { DEFAULT_SQLITE_FILE, type DatabaseOptions } from '../shared/cli-options.ts';


/** DATABASE_URL selects PostgreSQL; otherwise SQLite at --db, $MUSTER_DB or ./data/muster.db. Migrates before use unless told not to (a restore migrates itself). */
export async function openConfiguredDatabase(options: DatabaseOptions, { migrate = true } = {}): Promise<DatabaseHandle> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const handle = openDatabase({ databaseUrl, sqliteFile: options.db ?? process.env.MUSTER_DB ?? DEFAULT_SQLITE_FILE });
  if (migrate) await migrateAll(handle.db);
  return handle;
}
