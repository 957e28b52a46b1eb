import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorld, startTestApp, type Client, type World } from '../server/testing.ts';
import { openTestDatabase, type TestDatabase } from '../server/test-databases.ts';
import { simulatedTrialCsv } from './testing.ts';

const mmrm = { model: 'mmrm', data: simulatedTrialCsv(), subject: 'subject', visit: 'visit', outcome: 'lean', arm: 'arm', control: 'placebo', baseline: 'lean_bl' };

// The fits do not depend on the database, so one kind is enough here; storing runs is tested on both (runs.test.ts).
describe('POST /api/analysis', () => {
  let database: TestDatabase;
  let client: Client;
  let world: World;
  beforeEach(async () => {
    database = await openTestDatabase('sqlite');
    client = await startTestApp(database);
    world = await makeWorld(database);
  });
  afterEach(() => database.close());

  it('fits an MMRM and describes the rule\'s comparison: an uploaded arm column is not a randomised arm, so no verdict', async () => {
    const rule = { visit: 'week12', arm: 'protein', direction: 'higher', hypothesis: 'superiority', unit: 'kg' };
    const response = await client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, rule }, as: world.sessions.statistician });
    expect(response.statusCode, response.body).toBe(200);
    const { result, verdict } = response.json();
    expect(result.kind).toBe('mmrm');
    expect(result.visits).toEqual(['week4', 'week8', 'week12']);
    expect(result.lsmeans).toHaveLength(6);
    expect(result.contrasts.map((c: { visit: string; contrast: string }) => `${c.contrast} @ ${c.visit}`)).toEqual([
      'protein - placebo @ week4',
      'protein - placebo @ week8',
      'protein - placebo @ week12',
    ]);
    expect(verdict).toBeNull();
    expect(response.json().description).toMatch(/^protein vs placebo on lean at week12: difference \d+\.\d\d kg \(95% CI .*not a randomised arm/);
  });

  it('fits an ANCOVA without a rule', async () => {
    const data = 'id,arm,pre,post\n' + Array.from({ length: 12 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'},${50 + i},${52 + i + (i % 2) * 2 + (i % 3)}`).join('\n');
    const response = await client.request({ method: 'POST', url: '/api/analysis', payload: { model: 'ancova', data, outcome: 'post', arm: 'arm', control: 'b', baseline: 'pre' }, as: world.sessions.investigator });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().result).toMatchObject({ kind: 'ancova', n_subjects: 12, residual_df: 9 });
    expect(response.json().verdict).toBeNull();
  });

  it('names the field at fault when the data does not fit the request', async () => {
    const response = await client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, outcome: 'weight' }, as: world.sessions.statistician });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'bad_request', field: 'outcome', message: expect.stringMatching(/no column "weight"/) });

    const badRule = await client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, rule: { visit: 'week99', arm: 'protein', direction: 'higher', hypothesis: 'superiority' } }, as: world.sessions.statistician });
    expect(badRule.json().error).toMatchObject({ field: 'rule', message: expect.stringMatching(/week99/) });
  });

  it('refuses an MMRM request without its subject and visit columns', async () => {
    const { subject: _s, ...incomplete } = mmrm;
    const response = await client.request({ method: 'POST', url: '/api/analysis', payload: incomplete, as: world.sessions.statistician });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/subject/);
  });
});
