import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { getPerson } from '../roster/store.ts';
import { makeWorld, startTestApp, type Client, type Session } from '../server/testing.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { runWellnessImport } from './import.ts';

const header = 'designation,date,sleep_quality,fatigue,stress,soreness,hours_slept';
const now = new Date('2026-03-10T12:00:00Z');
const reportCount = async (db: Db) => Number((await db.selectFrom('wellness_report').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const importCsv = (client: Client, csv: string, as: Session) =>
  client.request({ method: 'POST', url: '/api/wellness/import', headers: { 'content-type': 'text/csv' }, payload: csv, as });

describeEachDatabase('wellness import and export', (database) => {
  async function setup() {
    const client = await startTestApp(database(), () => now);
    const world = await makeWorld(database());
    const who = (await getPerson(database().db, world.ownParticipantId)).designation;
    const other = (await getPerson(database().db, world.otherParticipantId)).designation;
    const file = [header, `${who},2026-03-08,6,2,3,4,7.5`, `${who},2026-03-09,5,3,3,4,6`, `${other.toLowerCase()},2026-03-09,7,1,1,1,9`, ''].join('\n');
    return { client, world, who, file };
  }

  it('imports reports, all or none; the same file twice adds nothing; a changed day is replaced', async () => {
    const { client, world, file, who } = await setup();
    expect((await importCsv(client, file, world.sessions.investigator)).json()).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect((await importCsv(client, file, world.sessions.investigator)).json()).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await reportCount(database().db)).toBe(3);
    const changed = file.replace(`${who},2026-03-09,5,3,3,4,6`, `${who},2026-03-09,5,3,3,4,6.5`);
    expect((await importCsv(client, changed, world.sessions.investigator)).json()).toEqual({ created: 0, updated: 1, unchanged: 2 });
    const audit = await database().db.selectFrom('audit_event').select(['action', 'before_json', 'after_json']).where('action', 'like', 'wellness.%').orderBy('seq').execute();
    // One event a batch and action, as the form writes them (docs/architecture.md, "Writes"), and the import's summary.
    expect(audit.map((a) => a.action)).toEqual(['wellness.create', 'wellness.import', 'wellness.update', 'wellness.import']);
    expect(JSON.parse(audit[0].after_json!)).toMatchObject({ source: 'import', ids: expect.any(Array) });
    expect(JSON.parse(audit[0].after_json!).ids).toHaveLength(3);
    expect(JSON.parse(audit[2].before_json!)).toMatchObject({ rows: [{ date: '2026-03-09', hoursSlept: 6 }] });
    expect(JSON.parse(audit[2].after_json!)).toMatchObject({ source: 'import', rows: [{ date: '2026-03-09', hoursSlept: 6.5 }] });
    expect(JSON.parse(audit[3].after_json!)).toEqual({ created: 0, updated: 1, unchanged: 2 });
  });

  it('stores each report’s flag, and refreshes a later one when an earlier day arrives', async () => {
    const { world, who } = await setup();
    const { db } = database();
    const day = (date: string, sleepQuality: number) => `${who},${date},${sleepQuality},2,3,4,7`;
    // Scores 20 21 _ 20 22 18 20 (sleep quality + 15), then 16 on the 10th: six days before it, too little history.
    const week = [day('2026-03-03', 5), day('2026-03-04', 6), day('2026-03-06', 5), day('2026-03-07', 7), day('2026-03-08', 3), day('2026-03-09', 5), day('2026-03-10', 1)];
    await runWellnessImport(db, systemActor('test'), [header, ...week].join('\n'), () => now);
    const stored = async () => (await db.selectFrom('wellness_report').select('flagged').where('person_id', '=', world.ownParticipantId).orderBy('local_date').execute()).map((r) => r.flagged);
    expect(await stored()).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // The missing day arrives (19): seven days, mean 20, SD 1.29, z -3.10.
    await runWellnessImport(db, systemActor('test'), [header, day('2026-03-05', 4)].join('\n'), () => now);
    expect(await stored()).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('reports every bad row with line, column and reason, and writes nothing', async () => {
    const { client, world, who } = await setup();
    const bad = [
      header,
      `${who},2026-03-08,6,2,3,4,7.5`,
      `${who},2026-03-08,6,2,3,4,8`, // line 3: the same day twice
      `${who},2026-03-11,6,2,3,4,7.5`, // line 4: tomorrow in London
      `NOBODY-9,2026-03-08,6,2,3,4,7.5`, // line 5
      `${who},08/03/2026,0,2,3,4,`, // line 6: three problems
    ].join('\n');
    const response = await importCsv(client, bad, world.sessions.investigator);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.problems).toEqual([
      { line: 3, column: 'date', reason: `${who} already has a report for 2026-03-08 in this file (line 2)` },
      { line: 4, column: 'date', reason: '2026-03-11 is after today (2026-03-10 in Europe/London)' },
      { line: 5, column: 'designation', reason: 'nobody on the roster is NOBODY-9' },
      { line: 6, column: 'date', reason: "'08/03/2026' is not a date YYYY-MM-DD" },
      { line: 6, column: 'sleep_quality', reason: "'0' is not a whole number from 1 to 7" },
      { line: 6, column: 'hours_slept', reason: "'' is not a number of hours from 0 to 24" },
    ]);
    expect(await reportCount(database().db)).toBe(0);
  });

  it('finds a day repeated in a later batch of a large file', async () => {
    const { who } = await setup();
    const rows = Array.from({ length: 1100 }, (_, i) => `${who},${new Date(Date.UTC(2023, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},5,3,3,4,7`);
    const csv = [header, ...rows, rows[0]].join('\n');
    const attempt = runWellnessImport(database().db, systemActor('test'), csv, () => now);
    await expect(attempt).rejects.toMatchObject({ details: [{ line: 1102, column: 'date', reason: `${who} already has a report for 2023-01-01 in this file (line 2)` }] });
    expect(await reportCount(database().db)).toBe(0);
    expect(await runWellnessImport(database().db, systemActor('test'), [header, ...rows].join('\n'), () => now)).toEqual({ created: 1100, updated: 0, unchanged: 0 });
  });

  it('exports everything stored: CSV re-imports unchanged; JSON; both land in the access log', async () => {
    const { client, world, file } = await setup();
    await importCsv(client, file, world.sessions.investigator);
    const csv = await client.request({ method: 'GET', url: '/api/wellness/export?format=csv', as: world.sessions.monitor });
    const rows = csv.body.trim().split('\n');
    expect(rows[0]).toBe(`${header},score,flag,reported_at`);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatch(/,2026-03-08,6,2,3,4,7.5,21,too-little-history,2026-03-10T12:00:00.000Z$/);
    expect((await importCsv(client, csv.body, world.sessions.investigator)).json()).toEqual({ created: 0, updated: 0, unchanged: 3 });
    const json = (await client.request({ method: 'GET', url: '/api/wellness/export', as: world.sessions.investigator })).json();
    expect(json[0]).toMatchObject({ date: '2026-03-08', sleepQuality: 6, fatigue: 2, stress: 3, soreness: 4, hoursSlept: 7.5, score: 21, createdAt: '2026-03-10T12:00:00.000Z' });
    const log = (await client.request({ method: 'GET', url: '/api/me/access-log', as: world.sessions.participant })).json().entries;
    // Both exports by the investigator today: one entry, two reads.
    const exports = log.flatMap((e: { reads: { what: string; count: number }[] }) => e.reads.filter((r) => r.what === 'wellness export'));
    expect(exports.reduce((sum: number, r: { count: number }) => sum + r.count, 0)).toBe(2);
  });
});
