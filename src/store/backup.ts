/**
 * Backups that restore on either database (docs/adr/0009-backup-restore.md): gzip'd JSON lines,
 * the same for SQLite and PostgreSQL. The first line is the header, then per table one line with
 * its columns and row count followed by one JSON array per row, and a last line closing the file.
 * Values are what Muster's stores read on both databases (instants as ISO-8601 UTC text, dates as
 * 'YYYY-MM-DD', flags as 0/1, numbers as JSON numbers); bytes are base64 text.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import { sql, type Kysely, type Migration } from 'kysely';
import { AppError } from '../shared/errors.ts';
import { appliedMigrations, readCatalogue, type TableShape } from './backup-catalogue.ts';
import { dialectOf, openDatabase, type DialectName } from './db.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a backup reads and writes every table by name, whatever the typed schema says
type AnyDb = Kysely<any>;

export const BACKUP_FORMAT = 'muster-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  /** The Muster version that wrote it. */
  muster: string;
  createdAt: string;
  dialect: DialectName;
  /** The migrations applied to the database it was taken from, in the order they ran. */
  migrations: string[];
}

interface TableLine {
  table: string;
  columns: string[];
  byteColumns: string[];
  rows: number;
}

interface EndLine {
  end: { tables: number; rows: number };
}

export interface BackupSummary {
  header: BackupHeader;
  tables: number;
  rows: number;
}

/** Rows read (and written) at a time: a backup streams, it never holds a whole table. */
const PAGE = 2000;

/**
 * Every row of a table in primary-key order, a page at a time (keyset paging, so each page is an
 * index seek), values encoded for the file. Run it inside one transaction for a consistent picture.
 */
export async function* tableRows(db: AnyDb, table: TableShape): AsyncGenerator<unknown[]> {
  if (!table.primaryKey.length) throw new Error(`table ${table.name} has no primary key: a backup reads rows in key order`);
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  const key = sql.join(table.primaryKey.map((c) => sql.ref(c)));
  const keyIndexes = table.primaryKey.map((c) => table.columns.indexOf(c));
  const bytes = table.byteColumns.map((c) => table.columns.indexOf(c));
  let last: unknown[] | undefined;
  for (;;) {
    const after = last ? sql`where (${key}) > (${sql.join(keyIndexes.map((i) => last![i]))})` : sql``;
    const { rows } = await sql<Record<string, unknown>>`select ${columns} from ${sql.table(table.name)} ${after} order by ${key} limit ${PAGE}`.execute(db);
    for (const row of rows) {
      const values = table.columns.map((c) => row[c]);
      for (const i of bytes) if (values[i] !== null) values[i] = Buffer.from(values[i] as Uint8Array).toString('base64');
      last = values;
      yield values;
    }
    if (rows.length < PAGE) return;
  }
}

/**
 * The backup's lines, read in one transaction that sees one moment of the database while others
 * keep writing: PostgreSQL REPEATABLE READ, read only; SQLite a deferred transaction, whose first
 * read fixes its snapshot in WAL mode.
 */
async function* backupLines(db: AnyDb, header: Omit<BackupHeader, 'migrations' | 'dialect' | 'format' | 'formatVersion'>): AsyncGenerator<string> {
  const dialect = dialectOf(db);
  let begin = db.startTransaction();
  if (dialect === 'postgres') begin = begin.setIsolationLevel('repeatable read').setAccessMode('read only');
  const tx = await begin.execute();
  try {
    const full: BackupHeader = { format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, ...header, dialect, migrations: await appliedMigrations(tx) };
    yield `${JSON.stringify(full)}\n`;
    const tables = await readCatalogue(tx);
    let total = 0;
    for (const table of tables) {
      const count = Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table.name)}`.execute(tx)).rows[0].n);
      const line: TableLine = { table: table.name, columns: table.columns, byteColumns: table.byteColumns, rows: count };
      yield `${JSON.stringify(line)}\n`;
      let chunk = '';
      let written = 0;
      for await (const values of tableRows(tx, table)) {
        chunk += `${JSON.stringify(values)}\n`;
        written += 1;
        if (chunk.length > 1 << 16) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
      if (written !== count) throw new Error(`table ${table.name} changed while it was read (${count} rows counted, ${written} read): the read was not one snapshot`);
      total += count;
    }
    const end: EndLine = { end: { tables: tables.length, rows: total } };
    yield `${JSON.stringify(end)}\n`;
  } finally {
    await tx.rollback().execute();
  }
}

/** Writes a backup of the database to `out` (gzip'd), ending it unless told not to (standard output); resolves once all of it is written. */
export async function writeBackup(db: AnyDb, out: Writable, header: { muster: string; createdAt: string }, { end = true } = {}): Promise<BackupSummary> {
  const summary: Partial<BackupSummary> = {};
  async function* recorded() {
    for await (const line of backupLines(db, header)) {
      if (!summary.header) summary.header = JSON.parse(line) as BackupHeader;
      if (line.startsWith('{"end":')) Object.assign(summary, (JSON.parse(line) as EndLine).end);
      yield line;
    }
  }
  await pipeline(Readable.from(recorded()), createGzip(), out, { end });
  return summary as BackupSummary;
}

/** The lines of a backup file, each parsed; a file that is not gzip, or is cut short or damaged, is an error naming the line. */
async function* backupRecords(input: Readable): AsyncGenerator<{ line: number; value: unknown }> {
  const gunzip = createGunzip();
  const unzipped = input.pipe(gunzip);
  input.on('error', (error) => gunzip.destroy(error));
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  const parse = (text: string) => {
    line += 1;
    try {
      return { line, value: JSON.parse(text) as unknown };
    } catch {
      throw new AppError('bad_request', `line ${line} of the backup is not JSON: the file is damaged`);
    }
  };
  try {
    for await (const chunk of unzipped) {
      pending += decoder.write(chunk as Buffer);
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        yield parse(text);
      }
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'Z_DATA_ERROR' && line === 0) throw new AppError('bad_request', 'not a Muster backup (not a gzip file)');
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') throw new AppError('bad_request', `the backup is cut short or damaged after line ${line} (${(error as Error).message})`);
    throw error;
  }
  pending += decoder.end();
  if (pending) yield parse(pending);
}

function asHeader(value: unknown): BackupHeader {
  const header = value as Partial<BackupHeader> | null;
  if (header?.format !== BACKUP_FORMAT) throw new AppError('bad_request', 'not a Muster backup (its first line is not a Muster backup header)');
  if (header.formatVersion !== BACKUP_FORMAT_VERSION) throw new AppError('bad_request', `the backup is in format version ${header.formatVersion}; this Muster reads version ${BACKUP_FORMAT_VERSION}: restore it with the Muster that wrote it (${header.muster})`);
  if (!Array.isArray(header.migrations) || typeof header.createdAt !== 'string') throw new AppError('bad_request', 'the backup header lacks its migrations or creation time: the file is damaged');
  return header as BackupHeader;
}

export interface RestoreOptions {
  /** Every migration this code knows (a backup from newer ones is refused); pending ones run after the restore. */
  migrations: Record<string, Migration>;
  /** Runs inside the restore's transaction once every row is in; throwing undoes the whole restore (e.g. when the audit trail does not verify). */
  beforeCommit?: (tx: Kysely<Database>, summary: BackupSummary) => Promise<void>;
}

/**
 * Restores a backup into an empty database of either kind: migrates it to the backup's migrations,
 * inserts every row in one transaction (nothing is kept if any line is bad, a row count is off or
 * the file is cut short), resets PostgreSQL's id sequences, and then applies the migrations this
 * code has that the backup had not.
 */
export async function restoreBackup(db: AnyDb, input: Readable, options: RestoreOptions): Promise<BackupSummary & { applied: string[] }> {
  const records = backupRecords(input);
  const first = await records.next();
  if (first.done) throw new AppError('bad_request', 'the backup is empty');
  const header = asHeader(first.value.value);
  const unknown = header.migrations.filter((name) => !(name in options.migrations));
  if (unknown.length) throw new AppError('bad_request', `the backup comes from a newer Muster (${header.muster}), with migrations this one does not know (${unknown.join(', ')}): upgrade Muster first`);
  const applied = await appliedMigrations(db);
  const extra = applied.filter((name) => !header.migrations.includes(name));
  if (extra.length) throw new AppError('conflict', `the database has migrations the backup does not (${extra.join(', ')}): restore into a new database`);
  const atBackup = Object.fromEntries(header.migrations.map((name) => [name, options.migrations[name]]));
  const seeded = await seededTables(atBackup);
  await refuseUnlessEmpty(db, seeded);
  await migrateToLatest(db, atBackup);
  const catalogue = new Map((await readCatalogue(db)).map((t) => [t.name, t]));

  const summary = await db.transaction().execute(async (tx) => {
    // What the migrations put into a new database (the exercise list, the audit head) is in the backup too.
    for (const table of [...catalogue.values()].reverse()) if (seeded.has(table.name)) await tx.deleteFrom(table.name).execute();
    let tables = 0;
    let rows = 0;
    let end: EndLine['end'] | undefined;
    let table: { shape: TableShape; line: TableLine; inserter: TableInserter } | undefined;
    const finishTable = async () => {
      if (!table) return;
      const inserted = await table.inserter.finish();
      if (inserted !== table.line.rows) throw new AppError('bad_request', `table ${table.shape.name}: the backup says ${table.line.rows} rows but holds ${inserted}: the file is damaged`);
      rows += inserted;
      tables += 1;
    };
    for await (const { line, value } of records) {
      if (end) throw new AppError('bad_request', `line ${line}: data after the end of the backup`);
      if (Array.isArray(value)) {
        if (!table) throw new AppError('bad_request', `line ${line}: a row before any table`);
        if (value.length !== table.line.columns.length) throw new AppError('bad_request', `line ${line}: ${value.length} values for the ${table.line.columns.length} columns of ${table.shape.name}`);
        await table.inserter.add(value);
      } else if (value && typeof value === 'object' && 'table' in value) {
        await finishTable();
        const tableLine = value as TableLine;
        const shape = catalogue.get(tableLine.table);
        if (!shape) throw new AppError('bad_request', `line ${line}: the backup has a table ${tableLine.table} that its migrations do not create`);
        const missing = shape.columns.filter((c) => !tableLine.columns.includes(c));
        const unexpected = tableLine.columns.filter((c) => !shape.columns.includes(c));
        if (missing.length || unexpected.length) throw new AppError('bad_request', `line ${line}: table ${shape.name} has columns ${shape.columns.join(', ')} but the backup ${tableLine.columns.join(', ')}`);
        catalogue.delete(shape.name);
        table = { shape, line: tableLine, inserter: new TableInserter(tx, shape, tableLine) };
      } else if (value && typeof value === 'object' && 'end' in value) {
        await finishTable();
        table = undefined;
        end = (value as EndLine).end;
      } else {
        throw new AppError('bad_request', `line ${line}: neither a table, a row nor the end of the backup`);
      }
    }
    if (!end) throw new AppError('bad_request', `the backup is cut short: it ends in ${table ? `table ${table.shape.name}` : 'its header'}, before its closing line`);
    if (end.tables !== tables || end.rows !== rows) throw new AppError('bad_request', `the backup's closing line counts ${end.tables} tables and ${end.rows} rows but it holds ${tables} and ${rows}: the file is damaged`);
    if (catalogue.size) throw new AppError('bad_request', `the backup lacks tables its migrations create (${[...catalogue.keys()].join(', ')}): the file is damaged`);
    await resetSequences(tx);
    const result: BackupSummary = { header, tables, rows };
    await options.beforeCommit?.(tx as Kysely<Database>, result);
    return result;
  });
  return { ...summary, applied: await migrateToLatest(db, options.migrations) };
}

/** Inserts one table's rows many to a statement; a column that references its own table is filled in after all rows are in. */
class TableInserter {
  private batch: Record<string, unknown>[] = [];
  private readonly deferred: { key: unknown; column: string; value: unknown }[] = [];
  private inserted = 0;
  private readonly batchSize: number;

  constructor(
    private readonly tx: AnyDb,
    private readonly shape: TableShape,
    private readonly line: TableLine,
  ) {
    // Both databases take a few thousand parameters a statement safely (SQLite's limit is 32,766).
    this.batchSize = Math.max(1, Math.min(1000, Math.floor(10_000 / line.columns.length)));
    if (shape.selfReferences.length && shape.primaryKey.length !== 1) throw new Error(`table ${shape.name} references itself but has no single-column key`);
  }

  async add(values: unknown[]): Promise<void> {
    const row: Record<string, unknown> = {};
    this.line.columns.forEach((column, i) => (row[column] = values[i]));
    for (const column of this.shape.byteColumns) if (row[column] !== null) row[column] = Buffer.from(String(row[column]), 'base64');
    for (const column of this.shape.selfReferences) {
      if (row[column] === null) continue;
      this.deferred.push({ key: row[this.shape.primaryKey[0]], column, value: row[column] });
      row[column] = null;
    }
    this.batch.push(row);
    if (this.batch.length >= this.batchSize) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.batch.length) return;
    await this.tx.insertInto(this.shape.name).values(this.batch).execute();
    this.inserted += this.batch.length;
    this.batch = [];
  }

  /** Writes what is left and the deferred self-references; resolves to the number of rows inserted. */
  async finish(): Promise<number> {
    await this.flush();
    for (const { key, column, value } of this.deferred) {
      await this.tx
        .updateTable(this.shape.name)
        .set({ [column]: value })
        .where(this.shape.primaryKey[0], '=', key)
        .execute();
    }
    return this.inserted;
  }
}

/** PostgreSQL: each id sequence continues after the largest restored id (SQLite's AUTOINCREMENT follows inserted ids by itself). */
async function resetSequences(tx: AnyDb): Promise<void> {
  if (dialectOf(tx) !== 'postgres') return;
  for (const table of await readCatalogue(tx)) {
    if (!table.sequence) continue;
    await sql`select setval(${table.sequence.name}, coalesce((select max(${sql.ref(table.sequence.column)}) from ${sql.table(table.name)}), 1), (select count(*) > 0 from ${sql.table(table.name)}))`.execute(tx);
  }
}

/** The tables the migrations fill in a new database: migrated in memory to find out. */
async function seededTables(migrations: Record<string, Migration>): Promise<Set<string>> {
  const scratch = openDatabase({ sqliteFile: ':memory:' });
  try {
    await migrateToLatest(scratch.db, migrations);
    const seeded = new Set<string>();
    for (const table of await readCatalogue(scratch.db)) {
      if ((await sql`select 1 from ${sql.table(table.name)} limit 1`.execute(scratch.db)).rows.length) seeded.add(table.name);
    }
    return seeded;
  } finally {
    await scratch.close();
  }
}

/** Refuses a database that holds data: any row in a table beyond what the migrations put there. */
async function refuseUnlessEmpty(db: AnyDb, seeded: Set<string>): Promise<void> {
  for (const table of await readCatalogue(db)) {
    if (seeded.has(table.name)) continue;
    if ((await sql`select 1 from ${sql.table(table.name)} limit 1`.execute(db)).rows.length) {
      throw new AppError('conflict', `the database is not empty (table ${table.name} has rows): a backup restores only into an empty database`);
    }
  }
}
