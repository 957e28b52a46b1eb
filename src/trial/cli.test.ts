import { afterEach, describe, expect, it } from 'vitest';
import { migrateAll } from '../capabilities.ts';
import { cliDatabase, muster } from '../cli/testing.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { systemActor } from '../shared/actor.ts';
import { openDatabase, type DatabaseHandle } from '../store/db.ts';
import { write } from '../store/write.ts';
import { dialects } from '../server/test-databases.ts';
import { addConsentDocument, randomise, recordConsent, screen } from './enrolment.ts';
import { lockTrial } from './store.ts';
import { makeProtocol } from './testing.ts';
import { createTrial } from './trials.ts';

describe.each(dialects)('muster trial [%s]', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** A CLI database holding WHEY-01 with `participants` randomised through the store, as the route does it. */
  async function trialDatabase(participants: number): Promise<{ env: Record<string, string>; handle: DatabaseHandle }> {
    const { env, drop } = await cliDatabase(dialect);
    const handle = openDatabase(dialect === 'sqlite' ? { sqliteFile: env.MUSTER_DB } : { databaseUrl: env.DATABASE_URL });
    cleanups.push(async () => {
      await handle.close();
      await drop();
    });
    await migrateAll(handle.db);
    const unit = await makeUnit(handle.db, { kind: 'platoon' });
    const actor = systemActor('test');
    await write(handle.db, actor, async (w) => {
      await createTrial(w, makeProtocol());
      await addConsentDocument(w, 'WHEY-01', { title: 'Consent', body: 'You may withdraw at any time.' });
      await lockTrial(w, 'WHEY-01', 'ethics approval received');
    });
    for (let i = 0; i < participants; i++) {
      const person = await makePerson(handle.db, { unitId: unit.id });
      await write(handle.db, actor, async (w) => {
        await recordConsent(w, 'WHEY-01', person.id, { documentVersion: 1, decision: 'given', reason: 'own login', recordedBy: null });
        await screen(w, 'WHEY-01', person.id, { answers: { I1: true, E1: false } });
        await randomise(w, 'WHEY-01', person.id, 'enrolment', () => false);
      });
    }
    return { env, handle };
  }

  it('lists trials as JSON, verifies the randomisation, and catches an arm changed in the database', async () => {
    const { env, handle } = await trialDatabase(6);
    const list = await muster(['trial', 'list', '--json'], { env });
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([{ code: 'WHEY-01', title: makeProtocol().title, status: 'recruiting' }]);

    const verified = await muster(['trial', 'verify-randomisation', 'whey-01'], { env });
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/^WHEY-01: 6 allocations verified/);

    const third = await handle.db
      .selectFrom('trial_allocation')
      .innerJoin('person', 'person.id', 'trial_allocation.person_id')
      .select(['trial_allocation.id', 'trial_allocation.arm', 'person.designation'])
      .where('sequence', '=', 3)
      .executeTakeFirstOrThrow();
    const other = third.arm === 'whey' ? 'placebo' : 'whey';
    await handle.db.updateTable('trial_allocation').set({ arm: other }).where('id', '=', third.id).execute();

    const tampered = await muster(['trial', 'verify-randomisation', 'WHEY-01'], { env });
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toContain(`WHEY-01: randomisation does NOT verify: allocation 3 (participant ${third.designation}): expected ${third.arm}, recorded ${other}`);
  });

  it('refuses a trial that does not exist', async () => {
    const { env } = await trialDatabase(0);
    const missing = await muster(['trial', 'verify-randomisation', 'NOPE-1'], { env });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/trial NOPE-1 not found/);
  });
});
