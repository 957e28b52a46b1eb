import { expect, it } from 'vitest';
import { verifyAudit } from '../audit/index.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { systemActor } from '../shared/actor.ts';
import { conflict } from '../shared/errors.ts';
import { writeEach, type Writer } from './write.ts';

describeEachDatabase('writeEach: writes grouped in one commit', (database) => {
  it('undoes a write that throws alone, with its audit event; the others commit with theirs and the chain holds', async () => {
    const db = database().db;
    const unit = (name: string) => async (w: Writer) => {
      const { id } = await w.db.insertInto('unit').values({ name, kind: 'squad', parent_id: null, time_zone: 'Europe/London', created_at: w.now.toISOString() }).returning('id').executeTakeFirstOrThrow();
      await w.record({ action: 'unit.create', entity: 'unit', entityId: id, after: { name } });
      if (name === 'refused') throw conflict('refused on purpose');
      return name;
    };
    const results = await writeEach(db, [
      { actor: systemActor('first'), run: unit('kept 1') },
      { actor: systemActor('second'), run: unit('refused') },
      { actor: systemActor('third'), run: unit('kept 2') },
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused on purpose');
    expect((await db.selectFrom('unit').select('name').orderBy('id').execute()).map((u) => u.name)).toEqual(['kept 1', 'kept 2']);
    const events = await db.selectFrom('audit_event').select(['actor_label', 'action']).where('action', '=', 'unit.create').orderBy('seq').execute();
    expect(events).toEqual([
      { actor_label: 'system:first', action: 'unit.create' },
      { actor_label: 'system:third', action: 'unit.create' },
    ]);
    expect((await verifyAudit(db)).ok).toBe(true);
  });
});
