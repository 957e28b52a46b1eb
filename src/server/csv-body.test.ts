import { expect, it } from 'vitest';
import { makeUnit } from '../roster/testing.ts';
import { describeEachDatabase } from './test-databases.ts';
import type { ImportProgressEvent } from '../shared/csv-body.ts';
import { makeWorld, startTestApp } from './testing.ts';

const ndjson = { 'content-type': 'text/csv', accept: 'application/x-ndjson' };
const events = (body: string) => body.trimEnd().split('\n').map((line) => JSON.parse(line) as ImportProgressEvent);

describeEachDatabase('CSV imports answer as a stream of progress events on request', (database) => {
  async function setUp() {
    const world = await makeWorld(database());
    const client = await startTestApp(database());
    const unit = await makeUnit(database().db);
    const row = (n: number, role = 'participant') => `ND-${n},${'Recruit '.repeat(8)}${n},Rct,${unit.name},${role}\n`;
    const importRoster = (csv: string, headers: Record<string, string>) => client.request({ method: 'POST', url: '/api/roster/import', as: world.sessions.admin, headers, payload: csv });
    const stored = async () => (await database().db.selectFrom('person').select('designation').where('designation', 'like', 'ND-%').execute()).length;
    return { world, client, row, importRoster, stored };
  }
  const header = 'designation,name,rank,unit,role\n';

  it('reports reading, then the summary, and writes the file', async () => {
    const { row, importRoster, stored } = await setUp();
    const response = await importRoster(header + row(1) + row(2), ndjson);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const stages = events(response.body);
    expect(stages.map((e) => e.stage)).toEqual(['checking', 'checking', 'read', 'done']);
    // The roster checks every row, then writes them all at the end.
    expect(stages[2]).toEqual({ stage: 'read', checked: 2, written: 0 });
    expect(stages.at(-1)).toEqual({ stage: 'done', summary: { created: 2, updated: 0, unchanged: 0 } });
    expect(await stored()).toBe(2);
  });

  it('counts a large file as it is read, characters and rows, then lists every bad row and writes nothing', async () => {
    const { row, importRoster, stored } = await setUp();
    const rows = Array.from({ length: 4000 }, (_, i) => row(i + 1));
    const csv = header + rows.join('') + row(4001, 'cook');
    const stages = events((await importRoster(csv, ndjson)).body);
    const checking = stages.flatMap((e) => (e.stage === 'checking' ? [e] : []));
    expect(checking.length).toBeGreaterThan(2);
    const reads = checking.map((e) => e.read);
    expect(reads).toEqual([...reads].sort((a, b) => a - b));
    expect(reads.at(-1)).toBe(csv.length);
    // Each line's rows checked are the whole rows in the characters read so far (no field here holds a line break).
    for (const { read, checked } of checking) expect(checked).toBe(Math.max(0, csv.slice(0, read).split('\n').length - 2));
    expect(stages.find((e) => e.stage === 'read')).toEqual({ stage: 'read', checked: 4001, written: 0 });
    const last = stages.at(-1);
    expect(last?.stage === 'failed' && last.status).toBe(400);
    expect(last?.stage === 'failed' && last.error.problems).toEqual([{ line: 4002, column: 'role', reason: expect.stringMatching(/cook/) }]);
    expect(await stored()).toBe(0);
  });

  it('keeps the JSON answer as the default, and refusals before the import stay plain errors', async () => {
    const { world, client, row, importRoster } = await setUp();
    const refused = await importRoster(header + row(1, 'cook'), { 'content-type': 'text/csv' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.problems).toEqual([{ line: 2, column: 'role', reason: expect.stringMatching(/cook/) }]);
    const forbidden = await client.request({ method: 'POST', url: '/api/roster/import', as: world.sessions.trainer, headers: ndjson, payload: header + row(1) });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
  });
});
