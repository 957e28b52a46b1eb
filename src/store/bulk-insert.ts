import { sql, type Insertable } from 'kysely';
import { dialectOf, sqliteConnectionOf, type Db } from './db.ts';
import type { Database } from './schema.ts';

/** SQLite's default limit on a statement's parameters (SQLITE_MAX_VARIABLE_NUMBER since 3.32). */
const SQLITE_PARAMETERS = 32766;
/** Rows a SQLite statement takes at most: beyond a few hundred a longer statement gains nothing. */
const SQLITE_ROWS = 200;
/** Values a PostgreSQL statement carries in its one JSON parameter: a few megabytes of text. */
const POSTGRES_VALUES = 100_000;

/** Each transaction's tables' column types on PostgreSQL, read once: a bulk load calls insertRows thousands of times. */
const columnTypesOf = new WeakMap<Db, Map<string, Map<string, string>>>();

async function columnTypes(db: Db, table: string): Promise<Map<string, string>> {
  const tables = columnTypesOf.get(db) ?? new Map<string, Map<string, string>>();
  columnTypesOf.set(db, tables);
  const known = tables.get(table);
  if (known) return known;
  const types = await sql<{ name: string; type: string }>`select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
    where attrelid = to_regclass(${table}) and attnum > 0 and not attisdropped`.execute(db);
  const typeOf = new Map(types.rows.map((r) => [r.name, r.type]));
  tables.set(table, typeOf);
  return typeOf;
}

/** A row's values in the order of `columns`. */
function valuesOf(row: Record<string, unknown>, columns: readonly string[]): unknown[] {
  const values = new Array<unknown>(columns.length);
  for (let k = 0; k < columns.length; k++) values[k] = row[columns[k]];
  return values;
}

/**
 * Inserts many rows of one table inside the transaction of `db` (a bulk load: the demo), with
 * neither Kysely's query building per row nor a round trip per row: on SQLite one prepared
 * multi-row statement run again and again; on PostgreSQL one statement per batch whose only
 * parameter is the batch as JSON, cast to the table's own column types. Every row has the columns
 * of the first. Returns the new rows' ids in the order of `rows` when `ids` is set: both databases
 * hand out ids in insertion order to a transaction that writes the table alone.
 */
export async function insertRows<T extends keyof Database & string>(db: Db, table: T, rows: readonly Insertable<Database[T]>[], options: { ids?: boolean } = {}): Promise<number[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]);
  const ids: number[] = [];
  const connection = sqliteConnectionOf(db);
  if (connection) {
    const perStatement = Math.min(SQLITE_ROWS, Math.floor(SQLITE_PARAMETERS / columns.length));
    const names = columns.map((c) => `"${c}"`).join(', ');
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const statement = (count: number) => connection.prepare(`insert into "${table}" (${names}) values ${Array.from({ length: count }, () => tuple).join(', ')}`);
    const full = statement(perStatement);
    const values: unknown[] = [];
    for (let start = 0; start < rows.length; start += perStatement) {
      const batch = rows.slice(start, start + perStatement);
      values.length = 0;
      for (const row of batch) for (const column of columns) values.push((row as Record<string, unknown>)[column]);
      const result = (batch.length === perStatement ? full : statement(batch.length)).run(values);
      // A rowid table gives consecutive ids to one statement's rows, the last one reported.
      if (options.ids) for (let k = batch.length - 1; k >= 0; k--) ids.push(Number(result.lastInsertRowid) - k);
    }
    return ids;
  }
  // Each row as a JSON array (a third of the text of an object), cast column by column to the table's own types;
  // jsonb, whose elements are read by position, where json would parse the row again for every column.
  const typeOf = await columnTypes(db, table);
  const casts = sql.join(columns.map((c, k) => sql`(r->>${sql.lit(k)})::${sql.raw(typeOf.get(c)!)}`));
  const names = sql.join(columns.map((c) => sql.ref(c)));
  const perStatement = Math.max(1, Math.floor(POSTGRES_VALUES / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch: unknown[][] = [];
    for (const row of rows.slice(start, start + perStatement)) batch.push(valuesOf(row as Record<string, unknown>, columns));
    const json = JSON.stringify(batch);
    const result = await sql<{ id: number }>`insert into ${sql.table(table)} (${names})
      select ${casts} from jsonb_array_elements(${json}::jsonb) as e(r) ${options.ids ? sql`returning id` : sql``}`.execute(db);
    // A sequence hands out ascending ids in the order the rows went in.
    if (options.ids) ids.push(...result.rows.map((r) => r.id).sort((a, b) => a - b));
  }
  return ids;
}

/**
 * Runs a bulk load inside the transaction of `db` with PostgreSQL's foreign keys checked once at
 * its end instead of row by row: the schema's foreign-key constraints are dropped and added back
 * exactly as they were (their own definitions), which checks every row in one join per key.
 * A row-by-row check is a trigger per key per row, two thirds of the time of inserting millions
 * of sets. Any row that breaks a key still fails the load, only later; being DDL inside the
 * transaction, the constraints come back on rollback too. On SQLite the load just runs: its
 * checks are cheap and its foreign_keys setting cannot change inside a transaction.
 */
export async function withForeignKeysCheckedAtEnd<T>(db: Db, load: () => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'postgres') return load();
  const { rows: keys } = await sql<{ table_name: string; name: string; definition: string }>`
    select conrelid::regclass::text as table_name, conname as name, pg_get_constraintdef(oid) as definition
    from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace order by oid`.execute(db);
  for (const key of keys) await sql`alter table ${sql.raw(key.table_name)} drop constraint ${sql.ref(key.name)}`.execute(db);
  const result = await load();
  for (const key of keys) await sql`alter table ${sql.raw(key.table_name)} add constraint ${sql.ref(key.name)} ${sql.raw(key.definition)}`.execute(db);
  return result;
}
