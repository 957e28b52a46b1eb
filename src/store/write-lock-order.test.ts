import { afterEach, expect, it } from 'vitest';
import { verifyAudit } from '../audit/index.ts';
import { openTestDatabase, type TestDatabase } from '../server/test-databases.ts';
import { systemActor } from '../shared/actor.ts';
import { write } from './write.ts';

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

// PostgreSQL only: SQLite runs one writer at a time and has no row locks.
it('a write that appends and then locks a row, and one that locks the row and then appends, both commit (PostgreSQL)', async () => {
  database = await openTestDatabase('postgres');
  const { db } = database;
  const { id } = await db.selectFrom('exercise').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow();
  const lockRow = (w: Parameters<Parameters<typeof write>[2]>[0]) => w.db.selectFrom('exercise').select('id').where('id', '=', id).forUpdate().execute();
  let appended!: () => void;
  const firstAppended = new Promise<void>((resolve) => (appended = resolve));
  // As a group of check-ins or the appointments falling due: an event first, then a row lock.
  const first = write(db, systemActor('first'), async (w) => {
    await w.record({ action: 'test.first', entity: 'exercise', entityId: id });
    appended();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await lockRow(w);
  });
  await firstAppended;
  // As a single check-in: the row first, then its event. Before the chain was locked first, the two deadlocked.
  const second = write(db, systemActor('second'), async (w) => {
    await lockRow(w);
    await w.record({ action: 'test.second', entity: 'exercise', entityId: id });
  });
  await expect(Promise.all([first, second])).resolves.toBeDefined();
  expect((await db.selectFrom('audit_event').select('action').where('action', 'like', 'test.%').orderBy('seq').execute()).map((e) => e.action)).toEqual(['test.first', 'test.second']);
  expect((await verifyAudit(db)).ok).toBe(true);
});
