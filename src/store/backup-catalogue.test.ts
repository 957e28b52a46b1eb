import { expect, it } from 'vitest';
import { allMigrations } from '../capabilities.ts';
import { openTestDatabase } from '../server/test-databases.ts';
import { appliedMigrations, readCatalogue } from './backup-catalogue.ts';

// A backup from one database restores into the other only if both see the same tables, columns, keys and order.
it('reads the same catalogue on SQLite and PostgreSQL, each table after the tables it references', async () => {
  const sqlite = await openTestDatabase('sqlite');
  const postgres = await openTestDatabase('postgres');
  try {
    const fromSqlite = await readCatalogue(sqlite.db);
    const fromPostgres = await readCatalogue(postgres.db);
    const comparable = (tables: typeof fromSqlite) => tables.map(({ sequence: _sequence, ...table }) => ({ ...table, references: [...table.references].sort() }));
    expect(comparable(fromPostgres)).toEqual(comparable(fromSqlite));
    expect(fromSqlite.find((t) => t.name === 'load_ratio_state')?.byteColumns).toEqual(['ratios_before']);
    expect(fromSqlite.find((t) => t.name === 'unit')?.selfReferences).toEqual(['parent_id']);
    expect(fromSqlite.map((t) => t.name)).not.toContain('kysely_migration');
    // A backup reads every table in key order.
    expect(fromSqlite.filter((t) => !t.primaryKey.length).map((t) => t.name)).toEqual([]);
    fromSqlite.forEach((table, position) => {
      const before = new Set(fromSqlite.slice(0, position).map((t) => t.name));
      for (const referenced of table.references) expect(before.has(referenced), `${table.name} after ${referenced}`).toBe(true);
    });
    // PostgreSQL's ids come from sequences, reset after a restore.
    expect(fromPostgres.find((t) => t.name === 'person')?.sequence?.column).toBe('id');
    for (const database of [sqlite, postgres]) expect((await appliedMigrations(database.db)).sort()).toEqual(Object.keys(allMigrations).sort());
  } finally {
    await sqlite.close();
    await postgres.close();
  }
});
