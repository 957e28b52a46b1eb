import { sql, type Kysely } from 'kysely';
import { dialectOf } from './db.ts';

/** A table as a backup sees it: its columns in order, the key its rows are read in, and what it references. */
export interface TableShape {
  name: string;
  columns: string[];
  /** Columns holding bytes (BLOB, bytea): written as base64 text, read back as bytes. */
  byteColumns: string[];
  /** The primary key, in its order; rows are written in this order, so a backup of the same data is the same file. */
  primaryKey: string[];
  /** Columns that reference this same table (a unit's parent): filled in after all its rows are in. */
  selfReferences: string[];
  /** Other tables this one references: they come first. */
  references: string[];
  /** PostgreSQL: the sequence behind an auto-incrementing id column, reset after a restore. */
  sequence?: { column: string; name: string };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the catalogue is read before (and apart from) the typed schema
type AnyDb = Kysely<any>;

/** Kysely's own tables (which migrations ran) are not data: a backup carries their list in its header. */
const isDataTable = (name: string) => !name.startsWith('kysely_') && !name.startsWith('sqlite_');

/** Every data table of the current schema, each after the tables it references. */
export async function readCatalogue(db: AnyDb): Promise<TableShape[]> {
  const tables = dialectOf(db) === 'postgres' ? await postgresTables(db) : await sqliteTables(db);
  return inReferenceOrder(tables.filter((t) => isDataTable(t.name)));
}

async function sqliteTables(db: AnyDb): Promise<TableShape[]> {
  const names = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db)).rows.map((r) => r.name);
  const shapes: TableShape[] = [];
  for (const name of names.filter(isDataTable)) {
    const columns = (await sql<{ name: string; type: string; pk: number }>`select name, type, pk from pragma_table_info(${name})`.execute(db)).rows;
    const keys = (await sql<{ table: string; from: string }>`select "table", "from" from pragma_foreign_key_list(${name})`.execute(db)).rows;
    shapes.push({
      name,
      columns: columns.map((c) => c.name),
      byteColumns: columns.filter((c) => /^blob$/i.test(c.type)).map((c) => c.name),
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      selfReferences: keys.filter((k) => k.table === name).map((k) => k.from),
      references: [...new Set(keys.filter((k) => k.table !== name).map((k) => k.table))],
    });
  }
  return shapes;
}

async function postgresTables(db: AnyDb): Promise<TableShape[]> {
  const columns = (
    await sql<{ table: string; column: string; type: string; sequence: string | null }>`
      select c.table_name as table, c.column_name as column, c.data_type as type,
        pg_get_serial_sequence(quote_ident(c.table_schema) || '.' || quote_ident(c.table_name), c.column_name) as sequence
      from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`.execute(db)
  ).rows;
  const constraints = (
    await sql<{ table: string; kind: 'p' | 'f'; column: string; references: string | null }>`
      select cl.relname as table, co.contype as kind, a.attname as column, rf.relname as references
      from pg_constraint co
        join pg_class cl on cl.oid = co.conrelid
        join pg_namespace n on n.oid = cl.relnamespace
        left join pg_class rf on rf.oid = co.confrelid
        cross join unnest(co.conkey) with ordinality as k(attnum, position)
        join pg_attribute a on a.attrelid = co.conrelid and a.attnum = k.attnum
      where co.contype in ('p', 'f') and n.nspname = current_schema()
      order by cl.relname, co.conname, k.position`.execute(db)
  ).rows;
  const shapes = new Map<string, TableShape>();
  for (const c of columns) {
    let shape = shapes.get(c.table);
    if (!shape) shapes.set(c.table, (shape = { name: c.table, columns: [], byteColumns: [], primaryKey: [], selfReferences: [], references: [] }));
    shape.columns.push(c.column);
    if (c.type === 'bytea') shape.byteColumns.push(c.column);
    if (c.sequence) shape.sequence = { column: c.column, name: c.sequence };
  }
  for (const k of constraints) {
    const shape = shapes.get(k.table);
    if (!shape) continue;
    if (k.kind === 'p') shape.primaryKey.push(k.column);
    else if (k.references === k.table) shape.selfReferences.push(k.column);
    else if (k.references && !shape.references.includes(k.references)) shape.references.push(k.references);
  }
  return [...shapes.values()];
}

/** Tables sorted so that each comes after those it references (by name among equals, so the order is the same on both databases). */
function inReferenceOrder(tables: TableShape[]): TableShape[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableShape[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: TableShape, path: string[]) => {
    if (state.get(table.name) === 'done') return;
    if (state.get(table.name) === 'visiting') throw new Error(`tables reference each other in a cycle (${[...path, table.name].join(' -> ')}): a backup cannot order them`);
    state.set(table.name, 'visiting');
    for (const name of [...table.references].sort()) {
      const referenced = byName.get(name);
      if (referenced) visit(referenced, [...path, table.name]);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(table, []);
  return ordered;
}

/** The migrations applied to this database, in the order they ran; empty when none has. */
export async function appliedMigrations(db: AnyDb): Promise<string[]> {
  const exists =
    dialectOf(db) === 'postgres'
      ? (await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = 'kysely_migration'`.execute(db)).rows[0].n > 0
      : (await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db)).rows[0].n > 0;
  if (!exists) return [];
  return (await sql<{ name: string }>`select name from kysely_migration order by timestamp, name`.execute(db)).rows.map((r) => r.name);
}
