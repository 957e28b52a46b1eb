import { expect, it } from 'vitest';
import { describeEachDatabase } from '../server/test-databases.ts';
import { makeWorld, startTestApp } from '../server/testing.ts';
import { simulatedTrialCsv } from './testing.ts';

const mmrm = { model: 'mmrm', subject: 'subject', visit: 'visit', outcome: 'lean', arm: 'arm', control: 'placebo', baseline: 'lean_bl' };
const rule = { visit: 'week12', arm: 'protein', direction: 'higher', hypothesis: 'superiority', unit: 'kg' };

describeEachDatabase('past analyses', (database) => {
  it('every analysis is kept (request without its CSV, the CSV\'s SHA-256, the answer, who and when, audited), listed newest first and opened as it was', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    const data = simulatedTrialCsv();
    const first = await client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, data, dataName: 'pilot.csv', rule }, as: sessions.statistician });
    expect(first.statusCode, first.body).toBe(200);
    const second = await client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, data, covariance: 'ar1' }, as: sessions.investigator });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().runId).toBeGreaterThan(first.json().runId);

    const listed = await client.request({ url: '/api/analysis/runs', as: sessions.investigator });
    expect(listed.statusCode, listed.body).toBe(200);
    const runs = listed.json().runs;
    expect(runs.map((r: { id: number }) => r.id)).toEqual([second.json().runId, first.json().runId]);
    expect(runs[1]).toMatchObject({ dataLabel: 'pilot.csv', trial: null, model: 'mmrm', outcome: 'lean', summary: expect.stringMatching(/^protein vs placebo on lean at week12/), createdAt: expect.any(String) });
    // Who ran each: the account's label, so the two differ.
    expect(runs[1].createdBy).not.toBe(runs[0].createdBy);
    expect(runs[0]).toMatchObject({ dataLabel: 'uploaded CSV', summary: null });
    expect(runs[0].dataSha256).toBe(runs[1].dataSha256);
    expect(runs[0].dataSha256).toMatch(/^[0-9a-f]{64}$/);

    const opened = await client.request({ url: `/api/analysis/runs/${first.json().runId}`, as: sessions.statistician });
    expect(opened.statusCode, opened.body).toBe(200);
    const { runId: _runId, ...answer } = first.json();
    expect(opened.json().answer).toEqual(answer);
    expect(opened.json().request).toMatchObject({ ...mmrm, dataName: 'pilot.csv', rule });
    expect(opened.json().request).not.toHaveProperty('data');

    const audit = await database().db.selectFrom('audit_event').select(['action', 'entity_id']).where('action', '=', 'analysis.run').execute();
    expect(audit).toHaveLength(2);
    expect((await client.request({ url: '/api/analysis/runs/999999', as: sessions.statistician })).statusCode).toBe(404);
    for (const role of ['admin', 'trainer', 'assessor', 'monitor', 'participant'] as const) {
      expect((await client.request({ url: '/api/analysis/runs', as: sessions[role] })).statusCode, role).toBe(403);
      expect((await client.request({ url: `/api/analysis/runs/${first.json().runId}`, as: sessions[role] })).statusCode, role).toBe(403);
    }
    await client.app.close();
  });

  it('an analysis the engine refuses is not kept', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    const refused = await client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, data: simulatedTrialCsv(), outcome: 'nope' }, as: sessions.statistician });
    expect(refused.statusCode).toBe(400);
    expect((await client.request({ url: '/api/analysis/runs', as: sessions.statistician })).json().runs).toEqual([]);
    await client.app.close();
  });
});
