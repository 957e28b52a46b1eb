import { Migrator, sql, type CreateTableBuilder, type DatabaseIntrospector, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { dialectOf } from './db.ts';

/**
 * Forward-only, versioned migrations. Each capability owns its tables and keeps its
 * migrations in src/<capability>/migrations.ts; its manifest hands them to src/capabilities.ts.
 */
class RegistryProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
export async function migrateToLatest(db: Kysely<any>, migrations: Record<string, Migration>): Promise<string[]> {
  // Kysely looks for its own tables in every schema unless told which: name the current one, or a
  // database whose other schemas hold migrated copies (tests run side by side) skips creating them.
  const schema = dialectOf(db) === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema : undefined;
  // Each capability numbers its migrations in its own range (docs/architecture.md), so a new one
  // may sort before one a database already has: it is still applied, in name order among the pending.
  const migrator = new Migrator({
    db: schema ? withCatalogueOf(db, schema) : db,
    provider: new RegistryProvider(migrations),
    allowUnorderedMigrations: true,
    ...(schema && { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The database as the migrator sees it, its catalogue narrowed to one PostgreSQL schema. Kysely's own
 * look for its tables reads every schema by name (pg_get_serial_sequence, has_schema_privilege), which
 * fails when another connection drops a schema meanwhile, as side-by-side test databases do.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as migrateToLatest
function withCatalogueOf(db: Kysely<any>, schema: string): Kysely<any> {
  const tablesOf = async () =>
    (await sql<{ name: string }>`select c.relname as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = ${schema} and c.relkind in ('r', 'p')`.execute(db)).rows.map(
      ({ name }) => ({ name, schema, isView: false, columns: [] }),
    );
  const introspection: DatabaseIntrospector = {
    getSchemas: async () => [{ name: schema }],
    getTables: tablesOf,
    getMetadata: async () => ({ tables: await tablesOf() }),
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, property, target);
      // Kysely keeps its state in private fields, which only the instance itself may read.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Column types that differ between the two databases, so migrations are written once. */
export function columnTypes(db: Kysely<unknown>) {
  const pg = dialectOf(db) === 'postgres';
  return {
    pg,
    /** An instant in time, stored and returned as an ISO-8601 UTC string. */
    instant: pg ? sql`timestamptz` : sql`text`,
    /** A calendar date 'YYYY-MM-DD'. */
    date: pg ? sql`date` : sql`text`,
    real: pg ? sql`double precision` : sql`real`,
    bytes: pg ? sql`bytea` : sql`blob`,
  } as const;
}

/** Whether a table of the current schema has a column: for a migration that must work before and after another that adds it. */
export async function hasColumn(db: Kysely<unknown>, table: string, column: string): Promise<boolean> {
  const found =
    dialectOf(db) === 'postgres'
      ? sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`
      : sql<{ n: number }>`select count(*) as n from pragma_table_info(${table}) where name = ${column}`;
  return (await found.execute(db)).rows[0].n > 0;
}

/** Adds an auto-incrementing integer primary key named id. */
export function withId<T extends string>(db: Kysely<unknown>, table: CreateTableBuilder<T, never>) {
  return dialectOf(db) === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
