import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorld, startTestApp, type Client, type World } from '../server/testing.ts';
import { openTestDatabase, type TestDatabase } from '../server/test-databases.ts';

/** Long-format rows: `subjects` subjects in two arms, `visits` visits each, or (own) every row its own visit. */
function csv(rows: number, visitOf: (row: number) => string, subjects: number): string {
  const lines = Array.from({ length: rows }, (_, i) => {
    const subject = i % subjects;
    return `s${subject},${visitOf(i)},${subject % 2 ? 'treated' : 'control'},${(50 + ((i * 7919) % 97) / 10 + (subject % 2) * 2).toFixed(1)}`;
  });
  return ['subject,visit,arm,y', ...lines].join('\n');
}
const mmrm = { model: 'mmrm', subject: 'subject', visit: 'visit', outcome: 'y', arm: 'arm', control: 'control' };

/** Polls /api/health every 20 ms until `work` settles; answers the worst latency seen. */
async function worstHealthLatency(client: Client, work: Promise<unknown>): Promise<{ worst: number; polls: number }> {
  let done = false;
  void work.finally(() => (done = true));
  let worst = 0;
  let polls = 0;
  while (!done) {
    const start = performance.now();
    const health = await client.request({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    worst = Math.max(worst, performance.now() - start);
    polls++;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { worst, polls };
}

// Issue 14: one analysis held the event loop (and /api/health) for 10 s. The route touches no table, so one database kind is enough.
describe('POST /api/analysis off the event loop', () => {
  let database: TestDatabase;
  let client: Client;
  let world: World;
  const seconds = process.env.MUSTER_ANALYSIS_SECONDS;
  beforeEach(async () => {
    database = await openTestDatabase('sqlite');
    client = await startTestApp(database);
    world = await makeWorld(database);
  });
  afterEach(async () => {
    if (seconds === undefined) delete process.env.MUSTER_ANALYSIS_SECONDS;
    else process.env.MUSTER_ANALYSIS_SECONDS = seconds;
    await database.close();
  });

  it('refuses 1,000 rows each its own visit with 422 naming the limit, and /api/health answers meanwhile', async () => {
    const data = csv(1000, (i) => `v${i}`, 100);
    const analysis = client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, data }, as: world.sessions.statistician });
    const { worst } = await worstHealthLatency(client, analysis);
    const response = await analysis;
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error).toEqual({ code: 'unprocessable', message: 'visit: 1000 visits, over the limit of 60 for an MMRM', field: 'visit' });
    expect(worst).toBeLessThan(1000);
  });

  it('stops the worst analysis within the limits at its time limit (422), while /api/health answers within a second', async () => {
    process.env.MUSTER_ANALYSIS_SECONDS = '4';
    // 60 visits, an unstructured covariance: 1,830 covariance parameters, far beyond 4 s.
    const data = csv(60 * 80, (i) => `v${String(Math.floor(i / 80)).padStart(2, '0')}`, 80);
    const started = performance.now();
    const analysis = client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, data }, as: world.sessions.statistician });
    const { worst, polls } = await worstHealthLatency(client, analysis);
    const response = await analysis;
    const elapsed = performance.now() - started;
    console.log(`worst /api/health latency during the worst analysis: ${worst.toFixed(1)} ms over ${polls} polls; the analysis answered ${response.statusCode} after ${(elapsed / 1000).toFixed(1)} s`);
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error.message).toMatch(/^the analysis took longer than the limit of 4 s and was stopped/);
    expect(polls).toBeGreaterThan(20);
    expect(worst).toBeLessThan(1000);
  });
});
