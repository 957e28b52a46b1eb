import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  /** Where the data lives, for messages: a file path or the PostgreSQL URL without password. */
  location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when set, Muster runs on PostgreSQL. */
  databaseUrl?: string;
  /** SQLite file (or ':memory:'); used when no databaseUrl is given. */
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests give every run its own). */
  pgSchema?: string;
}

// pg returns bigint and numeric as strings and timestamps as Date objects; Muster's rows carry
// numbers and ISO-8601 UTC strings on both databases, so stores never branch on the dialect.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString());
pg.types.setTypeParser(1114, (v) => new Date(`${v}Z`).toISOString());
pg.types.setTypeParser(1082, (v) => v);

/** Prepared statements kept per connection: the most recently used SQL texts. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, with its prepared statements kept: Kysely prepares every
 * query it runs, and on a hot route (a check-in: about ten queries) preparing cost as much as
 * running them. Statements are reused only one at a time (Kysely runs one query a connection at a
 * time); SQLite re-prepares a statement itself when a migration changes the schema.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) statements.delete(text);
      else statement = sqlite.prepare(text);
      statements.set(text, statement); // most recently used last
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}

export function openDatabase(options: OpenOptions): DatabaseHandle {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', location: redactUrl(options.databaseUrl), close: () => db.destroy() };
  }
  const file = options.sqliteFile ?? './data/muster.db';
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // WAL with synchronous=FULL: an acknowledged commit survives a kill or power loss.
  sqlite.pragma('synchronous = FULL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  sqliteConnections.set(db.getExecutor().adapter, sqlite);
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

// Keyed by the Kysely adapter, which a database's transactions share with it.
const sqliteConnections = new WeakMap<object, SQLite.Database>();

/**
 * The better-sqlite3 connection under a SQLite Db or one of its transactions, for a hot path that
 * runs one prepared statement many times (a bulk import) instead of building SQL each time.
 * Statements run on it join the transaction open on that connection. Undefined on PostgreSQL.
 */
export function sqliteConnectionOf(db: Db): SQLite.Database | undefined {
  if (dialectOf(db) === 'postgres') return undefined;
  const connection = sqliteConnections.get(db.getExecutor().adapter);
  if (!connection) throw new Error('this SQLite database was not opened with openDatabase, so its connection is unknown');
  return connection;
}

export function dialectOf(db: { getExecutor(): { adapter: unknown } }): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres';
  }
}

/** True when a unique or primary-key constraint refused the write, on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
