import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { getUnit, movePerson } from '../roster/store.ts';
import { makeWorld, sessionFor, startTestApp, type Session } from '../server/testing.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase, type TestDatabase } from '../server/test-databases.ts';
import { eventHash, GENESIS_HASH } from './model.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { verifyAudit } from './store.ts';
import { write } from '../store/write.ts';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: undefined } })).toBe('{"a":{"d":[2,{"y":null,"z":1}]},"b":1}');
  });
  it('hashes the previous hash and the event', () => {
    const event = { seq: 1, at: 'x', actorAccountId: null, actorLabel: 'a', action: 'b', entity: 'c', entityId: '1', before: null, after: null, reason: null };
    expect(eventHash(GENESIS_HASH, event)).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash(GENESIS_HASH, event)).not.toBe(eventHash('1'.repeat(64), event));
  });
});

async function addEvents(database: TestDatabase, n: number) {
  for (let i = 1; i <= n; i++) {
    await write(database.db, systemActor('test'), (w) => w.record({ action: 'thing.create', entity: 'thing', entityId: i, after: { n: i } }));
  }
}

/** Tampering happens behind the application's back: the append-only triggers are bypassed. */
async function tamper(database: TestDatabase, statement: string) {
  if (database.dialect === 'postgres') {
    await database.db.connection().execute(async (c) => {
      await sql.raw('set session_replication_role = replica').execute(c);
      await sql.raw(statement).execute(c);
      await sql.raw('set session_replication_role = origin').execute(c);
    });
  } else {
    await sql.raw('drop trigger if exists audit_event_no_update').execute(database.db);
    await sql.raw('drop trigger if exists audit_event_no_delete').execute(database.db);
    await sql.raw(statement).execute(database.db);
  }
}

describeEachDatabase('audit trail', (database) => {
  it('verifies an intact chain and counts its events', async () => {
    await addEvents(database(), 5);
    expect(await verifyAudit(database().db)).toEqual({ ok: true, verified: 5 });
  });

  it('rolls the event back with the write it belongs to', async () => {
    await expect(
      write(database().db, systemActor('test'), async (w) => {
        await w.record({ action: 'x', entity: 'thing', entityId: 1 });
        throw new Error('the write fails');
      }),
    ).rejects.toThrow('the write fails');
    expect(await verifyAudit(database().db)).toEqual({ ok: true, verified: 0 });
  });

  it('refuses updates and deletes from the application', async () => {
    await addEvents(database(), 1);
    await expect(sql`update audit_event set action = 'x'`.execute(database().db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_event`.execute(database().db)).rejects.toThrow(/append-only/);
  });

  it('detects a changed event', async () => {
    await addEvents(database(), 4);
    await tamper(database(), `update audit_event set after_json = '{"n":99}' where seq = 3`);
    const result = await verifyAudit(database().db);
    expect(result).toMatchObject({ ok: false, verified: 2, firstBad: { seq: 3 } });
    expect(result.firstBad?.reason).toMatch(/changed/);
  });

  it('detects a deleted event in the middle', async () => {
    await addEvents(database(), 4);
    await tamper(database(), 'delete from audit_event where seq = 2');
    expect(await verifyAudit(database().db)).toMatchObject({ ok: false, verified: 1, firstBad: { seq: 3 } });
  });

  it('detects a deleted last event', async () => {
    await addEvents(database(), 3);
    await tamper(database(), 'delete from audit_event where seq = 3');
    const result = await verifyAudit(database().db);
    expect(result).toMatchObject({ ok: false, verified: 2 });
    expect(result.firstBad?.reason).toMatch(/deleted/);
  });

  it('detects an inserted event', async () => {
    await addEvents(database(), 3);
    await tamper(
      database(),
      `insert into audit_event (seq, at, actor_account_id, actor_label, action, entity, entity_id, before_json, after_json, reason, prev_hash, hash)
       select 4, at, null, 'intruder', 'thing.create', 'thing', '9', null, null, null, hash, hash from audit_event where seq = 3`,
    );
    expect(await verifyAudit(database().db)).toMatchObject({ ok: false, verified: 3, firstBad: { seq: 4 } });
  });

  it('detects reordered events', async () => {
    await addEvents(database(), 4);
    await tamper(database(), 'update audit_event set seq = -2 where seq = 2');
    await tamper(database(), 'update audit_event set seq = 2 where seq = 3');
    await tamper(database(), 'update audit_event set seq = 3 where seq = -2');
    expect(await verifyAudit(database().db)).toMatchObject({ ok: false, verified: 1, firstBad: { seq: 2 } });
  });
});

describeEachDatabase('access log of unit-wide reads', (database) => {
  it('writes one row for a unit view and shows it to those in the unit (or below it) at the time, not to later joiners', async () => {
    // The views (1 to 4 hours after start) fall on one local day in London (UTC+0 or +1): start now, or at the next UTC midnight when today is too short.
    const midnight = Math.ceil(Date.now() / 86_400_000) * 86_400_000;
    const start = midnight - Date.now() > 6 * 3_600_000 ? Date.now() : midnight;
    let now = new Date(start + 3_600_000);
    const client = await startTestApp(database(), () => now);
    const world = await makeWorld(database());
    const company = (await getUnit(database().db, world.platoon.id)).parentId!;
    const joiner = await sessionFor(database(), ['participant'], world.otherPlatoon.id);
    const rowsBefore = await countRows(database().db);

    const platoonView = await client.request({ url: `/api/units/${world.platoon.id}/wellness`, as: world.sessions.trainer });
    expect(platoonView.statusCode).toBe(200);
    expect(platoonView.json().participants.length).toBeGreaterThan(0);
    now = new Date(start + 2 * 3_600_000);
    await client.request({ url: `/api/units/${company}/wellness`, as: world.sessions.investigator });
    expect(await countRows(database().db)).toEqual({ personRows: rowsBefore.personRows, unitRows: rowsBefore.unitRows + 2 });

    // The joiner moves into the trainer's platoon after both views, and the trainer looks again.
    await write(database().db, systemActor('test'), (w) => movePerson(w, joiner.personId, world.platoon.id, new Date(start + 3 * 3_600_000)));
    now = new Date(start + 4 * 3_600_000);
    await client.request({ url: `/api/units/${world.platoon.id}/wellness`, as: world.sessions.trainer });

    const logOf = async (session: Session) => (await client.request({ url: '/api/me/access-log', as: session })).json().entries as { at: string; viewer: string; count: number; reads: { what: string; count: number }[] }[];
    const platoonName = (await getUnit(database().db, world.platoon.id)).name;
    const companyName = (await getUnit(database().db, company)).name;
    const member = await logOf(world.sessions.participant);
    // One entry per viewer and day: the trainer's two views of the platoon are one line with a count.
    expect(member.map((e) => [e.at, e.count, e.reads])).toEqual([
      [new Date(start + 4 * 3_600_000).toISOString(), 2, [{ what: `unit wellness of ${platoonName}`, count: 2 }]],
      [new Date(start + 2 * 3_600_000).toISOString(), 1, [{ what: `unit wellness of ${companyName}`, count: 1 }]],
    ]);
    // In the other platoon the joiner was covered by the company view only; in this one, only by the view after joining.
    const joinerLog = await logOf(joiner);
    expect(joinerLog.map((e) => [e.at, e.count, e.reads])).toEqual([
      [new Date(start + 4 * 3_600_000).toISOString(), 1, [{ what: `unit wellness of ${platoonName}`, count: 1 }]],
      [new Date(start + 2 * 3_600_000).toISOString(), 1, [{ what: `unit wellness of ${companyName}`, count: 1 }]],
    ]);
  });
});

async function countRows(db: Db) {
  const [person, unit] = await Promise.all([
    db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('unit_access_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { personRows: Number(person.n), unitRows: Number(unit.n) };
}
