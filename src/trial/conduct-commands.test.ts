import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliDatabase, muster } from '../cli/testing.ts';
import { makePerson } from '../roster/testing.ts';
import { dialects } from '../server/test-databases.ts';
import { openDatabase } from '../store/db.ts';
import { allocate, makeRecruitingTrial, setTrialStatus } from './conduct-testing.ts';

describe.each(dialects)('muster trial consort [%s]', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** A migrated database with WHEY-01 recruiting and two participants randomised, one to each arm. */
  async function trialDatabase() {
    const { env, drop } = await cliDatabase(dialect);
    cleanups.push(drop);
    expect((await muster(['migrate'], { env })).status).toBe(0);
    const handle = env.DATABASE_URL ? openDatabase({ databaseUrl: env.DATABASE_URL }) : openDatabase({ sqliteFile: env.MUSTER_DB });
    cleanups.unshift(() => handle.close());
    const trial = await makeRecruitingTrial(handle.db);
    for (const [arm, kitCode] of [['whey', 'K-1'], ['placebo', 'K-2']]) {
      const person = await makePerson(handle.db);
      await allocate(handle.db, trial, person.id, { arm, kitCode, randomisedAt: '2026-03-01T09:00:00.000Z' });
    }
    return { env, db: handle.db, trial };
  }

  it('prints pooled counts while the trial is blinded and per arm once unblinded, randomised being the sum of allocated', async () => {
    const { env, db, trial } = await trialDatabase();
    const blinded = await muster(['trial', 'consort', 'WHEY-01', '--json'], { env });
    expect(blinded.status, blinded.stderr).toBe(0);
    const pooled = JSON.parse(blinded.stdout);
    expect(pooled).toMatchObject({ assessed: 2, randomised: 2, blinded: true, arms: [{ arm: 'arms pooled while blinded', allocated: 2, received: 0 }] });
    expect(blinded.stdout).not.toMatch(/whey|placebo/);

    await setTrialStatus(db, trial, 'unblinded');
    const open = JSON.parse((await muster(['trial', 'consort', 'WHEY-01', '--json'], { env })).stdout);
    expect(open.arms.map((a: { arm: string; allocated: number }) => [a.arm, a.allocated])).toEqual([
      ['whey', 1],
      ['placebo', 1],
    ]);
    expect(open.blinded).toBe(false);
    expect(open.randomised).toBe(open.arms.reduce((sum: number, a: { allocated: number }) => sum + a.allocated, 0));
  });

  it('writes the flow diagram to a file', async () => {
    const { env } = await trialDatabase();
    const file = join(mkdtempSync(join(tmpdir(), 'muster-consort-')), 'consort.svg');
    const run = await muster(['trial', 'consort', 'WHEY-01', '--svg', file], { env });
    expect(run.status, run.stderr).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toMatch(/Randomised \(n=2\)/);
    expect(svg).not.toMatch(/Allocated to (whey|placebo)/);
    expect((await muster(['trial', 'consort', 'NOPE-1', '--json'], { env })).status).not.toBe(0);
  });
});
