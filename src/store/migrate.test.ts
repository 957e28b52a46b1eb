import { expect, it } from 'vitest';
import { allMigrations } from '../capabilities.ts';
import { migrateToLatest } from './migrate.ts';
import { describeEachDatabase } from '../server/test-databases.ts';

it('names migrations with a unique four-digit sequence number, in order', () => {
  const names = Object.keys(allMigrations);
  expect(names.every((n) => /^\d{4}_[a-z0-9_]+$/.test(n)), names.join(', ')).toBe(true);
  expect(new Set(names.map((n) => n.slice(0, 4))).size).toBe(names.length);
});

describeEachDatabase('migrations', (database) => {
  it('are applied once and a second run changes nothing', async () => {
    const applied = await database().db.selectFrom('kysely_migration' as never).select('name' as never).execute();
    expect(applied.length).toBe(Object.keys(allMigrations).length);
    expect(await migrateToLatest(database().db, allMigrations)).toEqual([]);
  });
});
