import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../server/test-databases.ts';
import { systemActor } from '../shared/actor.ts';
import { insertRows, withForeignKeysCheckedAtEnd } from './bulk-insert.ts';
import { dialectOf, type Db } from './db.ts';
import { write } from './write.ts';

/** The schema's foreign keys as PostgreSQL defines them (none listed on SQLite, whose keys are never dropped). */
async function foreignKeys(db: Db): Promise<string[]> {
  if (dialectOf(db) !== 'postgres') return [];
  const { rows } = await sql<{ key: string }>`select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) as key
    from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace order by 1`.execute(db);
  return rows.map((r) => r.key);
}

describeEachDatabase('bulk insert', (database) => {
  it('checks foreign keys at the end of a bulk load: a row that breaks one fails the load, and the keys are as before either way', async () => {
    const { db } = database();
    const before = await foreignKeys(db);
    if (dialectOf(db) === 'postgres') expect(before.length).toBeGreaterThan(20);

    const ids = await write(db, systemActor('test'), (w) =>
      withForeignKeysCheckedAtEnd(w.db, async () => {
        const people = await insertRows(w.db, 'person', [1, 2].map((n) => ({ designation: `BK-${n}`, designation_key: `BK-${n}`, name: `Bulk ${n}`, rank: '', status: 'active' as const, created_at: w.now.toISOString(), updated_at: w.now.toISOString() })), { ids: true });
        await insertRows(w.db, 'person_role', people.map((id) => ({ person_id: id, role: 'participant' })));
        return people;
      }),
    );
    expect(ids).toHaveLength(2);
    expect(await foreignKeys(db)).toEqual(before);

    await expect(
      write(db, systemActor('test'), (w) => withForeignKeysCheckedAtEnd(w.db, () => insertRows(w.db, 'person_role', [{ person_id: 999_999, role: 'participant' }]))),
    ).rejects.toThrow(/foreign key/i);
    expect(await foreignKeys(db)).toEqual(before);
    expect(await db.selectFrom('person_role').select('person_id').where('person_id', '=', 999_999).execute()).toEqual([]);
    // The keys check row by row again after the load.
    await expect(db.insertInto('person_role').values({ person_id: 999_998, role: 'participant' }).execute()).rejects.toThrow(/foreign key/i);
  });
});
