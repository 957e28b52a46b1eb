import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorld, startTestApp, type Client, type World } from '../server/testing.ts';
import { openTestDatabase, type TestDatabase } from '../server/test-databases.ts';
import { analyzeMmrm } from '../stats/analysis.ts';
import { analyzeRbmi } from '../stats/rbmi.ts';
import { parseTable } from '../stats/table.ts';
import { simulatedTrialCsv } from './testing.ts';

const reference = new URL('../../../shared/reference/', import.meta.url);
const antidepressant = readFileSync(new URL('antidepressant.csv', reference), 'utf8');
const events = parseTable(readFileSync(new URL('antidepressant-ice.csv', reference), 'utf8'));
const columns = { subject: 'PATIENT', visit: 'VISIT', outcome: 'CHANGE', arm: 'THERAPY', control: 'PLACEBO', baseline: 'BASVAL' };

// The engine's options through POST /api/analysis give exactly what the library (and so `muster analyze`) gives.
describe('POST /api/analysis: ddfm, vcov and reference-based imputation', () => {
  let database: TestDatabase;
  let client: Client;
  let world: World;
  beforeEach(async () => {
    database = await openTestDatabase('sqlite');
    client = await startTestApp(database);
    world = await makeWorld(database);
  });
  afterEach(() => database.close());

  it('fits an MMRM with Kenward-Roger df and a sandwich estimator, and refuses Kenward-Roger with a sandwich', async () => {
    const data = simulatedTrialCsv();
    const options = { subject: 'subject', visit: 'visit', outcome: 'lean', arm: 'arm', control: 'placebo', baseline: 'lean_bl' };
    const response = await client.request({ method: 'POST', url: '/api/analysis', payload: { model: 'mmrm', data, ...options, ddfm: 'kr' }, as: world.sessions.statistician });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().result).toEqual(JSON.parse(JSON.stringify(analyzeMmrm(parseTable(data), { ...options, ddfm: 'kr' }))));
    const sandwich = await client.request({ method: 'POST', url: '/api/analysis', payload: { model: 'mmrm', data, ...options, vcov: 'empirical-br' }, as: world.sessions.statistician });
    expect(sandwich.json().result).toMatchObject({ ddfm: 'satterthwaite', vcov: 'empirical-br' });
    const both = await client.request({ method: 'POST', url: '/api/analysis', payload: { model: 'mmrm', data, ...options, ddfm: 'kr', vcov: 'empirical' }, as: world.sessions.statistician });
    expect(both.statusCode).toBe(400);
  });

  it("runs rbmi (jump to reference, a tipping point) on the events sent, as the library does, and describes the rule's comparison", async () => {
    const ice = events.rows.map((row) => ({ subject: row.cells[0], visit: row.cells[1] }));
    const payload = { model: 'rbmi', data: antidepressant, ...columns, ice, strategy: 'JR', tippingPoint: true, rule: { visit: '7', arm: 'DRUG', direction: 'lower', hypothesis: 'superiority' } };
    const response = await client.request({ method: 'POST', url: '/api/analysis', payload, as: world.sessions.statistician });
    expect(response.statusCode, response.body).toBe(200);
    const expected = await analyzeRbmi(parseTable(antidepressant), { ...columns, ice: events, strategy: 'JR', tippingPoint: true });
    expect(response.json().result).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(response.json().result.tipping_point).toMatchObject({ visit: '7', contrast: 'DRUG - PLACEBO' });
    // An uploaded arm column is no randomised arm: the comparison is described, not judged.
    expect(response.json().verdict).toBeNull();
    expect(response.json().description).toMatch(/^DRUG vs PLACEBO on CHANGE at 7: difference -?\d+\.\d\d/);

    const unknown = await client.request({ method: 'POST', url: '/api/analysis', payload: { ...payload, ice: [{ subject: 'nobody', visit: '5' }] }, as: world.sessions.statistician });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ field: 'ice', message: expect.stringMatching(/subject "nobody" is not in the data/) });
  });
});
