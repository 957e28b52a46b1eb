import { describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../shared/actor.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { sessionFor, startTestApp } from '../server/testing.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { write } from '../store/write.ts';
import { foldSignIns } from './model.ts';

interface Row {
  seq: number;
  action: string;
  actorLabel: string;
  actorName: string | null;
  entity: string;
  entityName: string | null;
  count: number;
  folded: { seq: number }[];
}

describe('foldSignIns', () => {
  const event = (seq: number, action: string, actorLabel: string, at: string) => ({ seq, action, actorLabel, at });
  it('folds consecutive sign-ins of one actor on one day, and nothing else', () => {
    const rows = foldSignIns([
      event(9, 'session.create', 'ann', '2026-03-02T10:00:00Z'),
      event(8, 'session.create', 'ann', '2026-03-02T09:00:00Z'),
      event(7, 'session.create', 'ann', '2026-03-01T23:00:00Z'),
      event(6, 'session.create', 'bob', '2026-03-01T22:00:00Z'),
      event(5, 'person.update', 'ann', '2026-03-01T21:00:00Z'),
      event(4, 'person.update', 'ann', '2026-03-01T20:00:00Z'),
      event(3, 'session.create', 'bob', '2026-03-01T19:00:00Z'),
    ]);
    expect(rows.map((r) => [r.seq, r.count, r.folded.map((f) => f.seq)])).toEqual([
      [9, 2, [8]],
      [7, 1, []],
      [6, 1, []],
      [5, 1, []],
      [4, 1, []],
      [3, 1, []],
    ]);
  });
});

// Issue 15: the audit trail's filters, names and folded sign-ins.
describeEachDatabase('GET /api/audit: filters, names, folded sign-ins', (database) => {
  async function setUp() {
    const { db } = database();
    const client = await startTestApp(database());
    const admin = await sessionFor(database(), ['admin']);
    const unit = await makeUnit(db, { name: 'Bravo Squad' });
    const person = await makePerson(db, { name: 'Dana Scully', designation: 'DS-1', unitId: unit.id });
    const asAnn: Actor = { accountId: null, personId: null, label: 'ann', roles: [] };
    // 30 sign-ins by ann between two changes: a flood to fold.
    await write(db, systemActor('test'), (w) => w.record({ action: 'person.update', entity: 'person', entityId: person.id, reason: 'first' }));
    for (let i = 0; i < 30; i++) await write(db, asAnn, (w) => w.record({ action: 'session.create', entity: 'account', entityId: 999 }));
    await write(db, systemActor('test'), (w) => w.record({ action: 'unit.staff', entity: 'unit', entityId: unit.id }));
    const list = async (query: string) => {
      const response = await client.request({ method: 'GET', url: `/api/audit?${query}`, as: admin });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { events: Row[]; nextBeforeSeq: number | null };
    };
    return { client, admin, unit, person, list };
  }

  it('names people, units and accounts instead of their ids', async () => {
    const { client, admin, list, person } = await setUp();
    expect((await client.request({ method: 'PATCH', url: `/api/people/${person.id}`, as: admin, payload: { rank: 'Cpl' } })).statusCode).toBe(200);
    const { events } = await list('limit=1000');
    const byAdmin = events.find((e) => e.action === 'person.update' && e.actorLabel !== 'test')!;
    expect(byAdmin.entityName).toBe('Cpl Dana Scully (DS-1)');
    expect(byAdmin.actorName).toMatch(/^Pte Test Person \d+ \(TP-\d+\)$/);
    expect(events.find((e) => e.action === 'unit.staff')?.entityName).toBe('Bravo Squad');
    // An account is named by its holder; one that does not exist keeps its id.
    expect(events.find((e) => e.action === 'session.create' && e.actorLabel === 'ann')?.entityName).toBeNull();
    expect(events.find((e) => e.action === 'account.create')?.entityName).toBe(byAdmin.actorName);
  });

  it('folds the flood of sign-ins into one row with a count, pages by rows, and hides or shows them if asked', async () => {
    const { list } = await setUp();
    const folded = await list('signIns=fold&limit=3');
    expect(folded.events.map((e) => [e.action, e.count])).toEqual([
      ['unit.staff', 1],
      ['session.create', 30],
      ['person.update', 1],
    ]);
    expect(folded.events[1].folded).toHaveLength(29);
    const older = await list(`signIns=fold&limit=3&beforeSeq=${folded.nextBeforeSeq}`);
    expect(older.events[0].seq).toBeLessThan(folded.events[2].seq);
    expect((await list('signIns=hide&limit=1000')).events.some((e) => e.action === 'session.create' && e.actorLabel === 'ann')).toBe(false);
    const shown = await list('limit=1000');
    expect(shown.events.filter((e) => e.action === 'session.create' && e.actorLabel === 'ann')).toHaveLength(30);
  });

  it('filters by actor, action (or its family), entity and day', async () => {
    const { list, unit } = await setUp();
    expect(new Set((await list('actor=ANN&limit=1000')).events.map((e) => e.actorLabel))).toEqual(new Set(['ann']));
    expect(new Set((await list('action=unit&limit=1000')).events.map((e) => e.action))).toEqual(new Set(['unit.create', 'unit.staff']));
    expect((await list('action=person.update&limit=1000')).events.map((e) => e.action)).toEqual(['person.update']);
    expect((await list(`entity=unit&entityId=${unit.id}&limit=1000`)).events.map((e) => e.action)).toEqual(['unit.staff', 'unit.create']);
    const today = new Date().toISOString().slice(0, 10);
    expect((await list(`from=${today}&to=${today}&limit=1000`)).events.length).toBeGreaterThan(30);
    expect((await list('to=2000-01-01&limit=1000')).events).toEqual([]);
  });

  it('refuses a bad day or a range that ends before it starts, naming the field', async () => {
    const { client, admin } = await setUp();
    const bad = await client.request({ method: 'GET', url: '/api/audit?from=yesterday', as: admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('from');
    const backwards = await client.request({ method: 'GET', url: '/api/audit?from=2026-03-02&to=2026-03-01', as: admin });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.field).toBe('to');
  });
});
