import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe } from 'vitest';
import { openDatabase, type DatabaseHandle, type DialectName } from '../store/db.ts';
import { migrateAll } from '../capabilities.ts';

export const dialects: readonly DialectName[] = ['sqlite', 'postgres'];
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends DatabaseHandle {
  /** The PostgreSQL schema of this test, or the SQLite file. */
  name: string;
}

/** A fresh, migrated database: an in-memory SQLite file, or a new schema on the test PostgreSQL. */
export async function openTestDatabase(dialect: DialectName, options: { sqliteFile?: string } = {}): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const handle = openDatabase({ sqliteFile: options.sqliteFile ?? ':memory:' });
    await migrateAll(handle.db);
    return { ...handle, name: options.sqliteFile ?? ':memory:' };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const handle = openDatabase({ databaseUrl: TEST_DATABASE_URL, pgSchema: schema });
  await migrateAll(handle.db);
  return {
    ...handle,
    name: schema,
    close: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
    },
  };
}

/** Runs the block once per database, each test on a fresh database. */
export function describeEachDatabase(name: string, block: (database: () => TestDatabase) => void): void {
  describe.each(dialects)(`${name} [%s]`, (dialect) => {
    let current: TestDatabase | undefined;
    beforeEach(async () => {
      current = await openTestDatabase(dialect);
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    block(() => {
      if (!current) throw new Error('no test database yet');
      return current;
    });
  });
}
