import type SQLite from 'better-sqlite3';
import { sql, type Insertable } from 'kysely';
import { sqliteConnectionOf, type Db } from './db.ts';
import type { Database } from './schema.ts';

/** How a table of tallies is keyed: the key's columns, and columns set with a new row but never added to (a row's week). */
export interface TallyShape<T extends keyof Database> {
  key: readonly (keyof Database[T] & string)[];
  fixed?: readonly (keyof Database[T] & string)[];
}

/** Each SQLite connection's prepared tally statements, by their text. */
const statementsOf = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

function prepared(connection: SQLite.Database, text: string): SQLite.Statement {
  const statements = statementsOf.get(connection) ?? new Map<string, SQLite.Statement>();
  statementsOf.set(connection, statements);
  return statements.get(text) ?? statements.set(text, connection.prepare(text)).get(text)!;
}

/** PostgreSQL takes a statement's rows in batches, each a round trip. */
const POSTGRES_ROWS = 500;

/**
 * Adds rows to a table of tallies inside the transaction of `db`: a row whose key is new is
 * inserted, else its counted columns (all but the key and `fixed`) are added to the stored ones;
 * a row the addition brings to zero in every counted column is deleted, so a table holds only
 * days (or weeks) that count something. Rows that add nothing are skipped. On SQLite one prepared
 * statement run a row (an import's batch adds hundreds of rows: microseconds each, where building
 * a statement of them cost milliseconds); on PostgreSQL a statement of up to 500 rows.
 */
export async function addToTally<T extends keyof Database & string>(db: Db, table: T, shape: TallyShape<T>, rows: readonly Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const kept = new Set<string>([...shape.key, ...(shape.fixed ?? [])]);
  const counted = columns.filter((c) => !kept.has(c));
  const valuesOf = (row: object) => columns.map((c) => (row as Record<string, unknown>)[c]);
  const adding = rows.filter((row) => counted.some((c) => Number((row as Record<string, unknown>)[c]) !== 0));
  if (adding.length === 0) return;
  const names = columns.map((c) => `"${c}"`).join(', ');
  const insertInto = `insert into "${table}" (${names}) values`;
  const onConflict = `on conflict (${shape.key.map((c) => `"${c}"`).join(', ')}) do update set ${counted.map((c) => `"${c}" = "${table}"."${c}" + excluded."${c}"`).join(', ')} returning ${names}`;
  const isZero = (after: Record<string, unknown>) => counted.every((c) => Number(after[c]) === 0);
  const whereKey = shape.key.map((c) => `"${c}" = ?`).join(' and ');

  const connection = sqliteConnectionOf(db);
  if (connection) {
    const insert = prepared(connection, `${insertInto} (${columns.map(() => '?').join(', ')}) ${onConflict}`);
    const remove = prepared(connection, `delete from "${table}" where ${whereKey}`);
    for (const row of adding) {
      const after = insert.get(...valuesOf(row)) as Record<string, unknown>;
      if (isZero(after)) remove.run(...shape.key.map((c) => after[c]));
    }
    return;
  }
  for (let i = 0; i < adding.length; i += POSTGRES_ROWS) {
    const batch = adding.slice(i, i + POSTGRES_ROWS);
    const tuples = sql.join(batch.map((row) => sql`(${sql.join(valuesOf(row))})`));
    const { rows: after } = await sql<Record<string, unknown>>`${sql.raw(insertInto)} ${tuples} ${sql.raw(onConflict)}`.execute(db);
    // Only a row the changes brought to zero is deleted: most writes delete none, and skip the statement.
    for (const zero of after.filter(isZero)) await sql`delete from ${sql.table(table)} where ${sql.join(shape.key.map((c) => sql`${sql.ref(c)} = ${zero[c]}`), sql` and `)}`.execute(db);
  }
}
