import { expect, it } from 'vitest';
import { getPerson } from '../roster/store.ts';
import { makeWorld, startTestApp, type Client, type Session } from '../server/testing.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from '../server/test-databases.ts';

const header = 'designation,date,time,method,device,fasted,assessor,site,trial_1,trial_2,trial_3';
const counts = async (db: Db) => ({
  visits: Number((await db.selectFrom('assessment').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  sites: Number((await db.selectFrom('assessment_site').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
});

const importCsv = (client: Client, csv: string, as: Session) =>
  client.request({ method: 'POST', url: '/api/assessments/import', headers: { 'content-type': 'text/csv' }, payload: csv, as });

describeEachDatabase('measurements import and export', (database) => {
  async function setup() {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const who = (await getPerson(database().db, world.ownParticipantId)).designation;
    const assessor = (await getPerson(database().db, world.sessions.assessor.personId)).designation;
    const file = [
      header,
      `${who},2026-03-10,07:30,skinfold_jp3,Harpenden,yes,${assessor},body_mass,80,80.2,`,
      `${who},2026-03-10,07:30,skinfold_jp3,Harpenden,yes,${assessor},stature,180,180.4,`,
      `${who},2026-03-10,07:30,skinfold_jp3,Harpenden,yes,${assessor},skinfold_chest,15,15.4,`,
      `${who},2026-03-10,07:30,skinfold_jp3,Harpenden,yes,${assessor},skinfold_abdominal,25,24.6,`,
      `${who},2026-03-10,07:30,skinfold_jp3,Harpenden,yes,${assessor},skinfold_thigh,20,21.2,20.4`,
      `${who},2026-04-21,08:00,dxa,Lunar iDXA,no,${assessor},body_fat_percent,16.9,,`,
      `${who},2026-04-21,08:00,dxa,Lunar iDXA,no,${assessor},body_mass,81,81,`,
      '',
    ].join('\n');
    return { client, world, who, assessor, file };
  }

  it('imports visits, all or none; the same file twice adds nothing; a changed trial updates the visit', async () => {
    const { client, world, file } = await setup();
    const first = await importCsv(client, file, world.sessions.assessor);
    expect(first.json()).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(await counts(database().db)).toEqual({ visits: 2, sites: 7 });
    expect((await importCsv(client, file, world.sessions.assessor)).json()).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(await counts(database().db)).toEqual({ visits: 2, sites: 7 });
    const changed = file.replace('body_mass,81,81,', 'body_mass,81.5,81.5,');
    expect((await importCsv(client, changed, world.sessions.assessor)).json()).toEqual({ created: 0, updated: 1, unchanged: 1 });
    const visits = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/assessments`, as: world.sessions.assessor })).json().assessments;
    expect(visits[0].derived.bodyFatPercent.value).toBeCloseTo(17.6023, 3);
    expect(visits[1]).toMatchObject({ method: 'dxa', device: 'Lunar iDXA', fasted: false });
    // 21 April is British summer time: 08:00 local is 07:00 UTC, shown back as 08:00 local
    expect(visits[1].assessedAt).toBe('2026-04-21T07:00:00.000Z');
    expect(visits[1].local.time).toBe('08:00');
  });

  it('reports every bad row with line, column and reason, and writes nothing', async () => {
    const { client, world, who, assessor } = await setup();
    const bad = [
      header,
      `${who},2026-03-10,07:30,skinfold_jp3,Harpenden,yes,${assessor},skinfold_chest,15,16.2,`, // line 2: needs a third trial
      `${who},2026-03-10,07:30,skinfold_jp7,Harpenden,yes,${assessor},skinfold_thigh,20,20,`, // line 3: method differs within the visit
      `${who},2026-03-10,07:30,skinfold_jp3,Harpenden,yes,${assessor},skinfold_nose,20,20,`, // line 4: unknown site
      `NOBODY-1,2026-03-11,07:30,,,no,,body_mass,80,abc,`, // line 5: trial_2 not a number
      `NOBODY-1,2026-03-12,07:30,,,maybe,,body_mass,80,80,`, // line 6: fasted
      `NOBODY-2,2026-03-12,07:30,,,no,,body_mass,80,80,`, // line 7: nobody on the roster
      `${who},2026-03-29,01:30,,,no,,body_mass,80,80,`, // line 8: the DST gap
      `${who},2026-03-30,07:30,skinfold_jp3,,no,,body_mass,80,80,`, // line 9: missing skinfolds
    ].join('\n');
    const response = await importCsv(client, bad, world.sessions.assessor);
    expect(response.statusCode).toBe(400);
    const problems = response.json().error.problems;
    expect(problems).toEqual([
      { line: 2, column: 'trial_3', reason: 'Chest skinfold: trials 15 and 16.2 differ by 7.7% (more than 5%): take a third' },
      { line: 3, column: 'method', reason: "'skinfold_jp7' differs from line 2 of the same visit ('skinfold_jp3')" },
      { line: 4, column: 'site', reason: "'skinfold_nose' is not a known site (docs/assessments.md lists them)" },
      { line: 5, column: 'trial_2', reason: "'abc' is not a number" },
      { line: 6, column: 'fasted', reason: "'maybe' is not yes or no" },
      { line: 7, column: 'designation', reason: 'nobody on the roster is NOBODY-2' },
      { line: 8, column: 'time', reason: '2026-03-29 01:30 does not exist in Europe/London (the clocks jump forward then)' },
      { line: 9, column: 'site', reason: 'Skinfolds, Jackson-Pollock 3-site (male) needs Chest skinfold, Abdominal skinfold and Thigh skinfold' },
    ]);
    expect(response.json().error.message).toMatch(/^8 problems, nothing imported:\nline 2, column trial_3: /);
    expect(await counts(database().db)).toEqual({ visits: 0, sites: 0 });
  });

  it('refuses a file whose visit rows are split up, or whose header is wrong', async () => {
    const { client, world, file } = await setup();
    const lines = file.trim().split('\n');
    // The thigh row of the first visit comes after the second visit.
    const split = [lines[0], lines[1], lines[2], lines[3], lines[4], lines[6], lines[7], lines[5]].join('\n');
    const response = await importCsv(client, split, world.sessions.assessor);
    expect(response.json().error.problems).toContainEqual({ line: 8, column: 'time', reason: 'this visit already appeared on line 2: keep the rows of a visit together' });
    const noHeader = await importCsv(client, file.replace('trial_3', 'trial_4'), world.sessions.assessor);
    expect(noHeader.json().error.problems).toEqual([
      { line: 1, column: 'trial_3', reason: 'required column is missing from the header' },
      { line: 1, column: 'trial_4', reason: expect.stringMatching(/^unknown column/) },
    ]);
    expect(await counts(database().db)).toEqual({ visits: 0, sites: 0 });
  });

  it('exports everything stored: CSV re-imports unchanged, JSON carries the derived values; both land in the access log', async () => {
    const { client, world, file } = await setup();
    await importCsv(client, file, world.sessions.assessor);
    const csv = await client.request({ method: 'GET', url: '/api/assessments/export?format=csv', as: world.sessions.monitor });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = csv.body.trim().split('\n');
    expect(rows[0]).toBe(`${header},notes,time_zone,unit,value,rule,age,bmi,body_fat_percent,body_fat_equation,lean_mass`);
    expect(rows).toHaveLength(8);
    expect(rows.find((r) => r.includes('skinfold_thigh'))).toMatch(
      /,skinfold_thigh,20,21.2,20.4,,Europe\/London,mm,20.4,median of three,26,24.67,17.6,"Jackson-Pollock 3-site density, Siri %fat \(male\)",66$/,
    );
    expect((await importCsv(client, csv.body, world.sessions.assessor)).json()).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const json = (await client.request({ method: 'GET', url: '/api/assessments/export', as: world.sessions.investigator })).json();
    expect(json).toHaveLength(2);
    expect(json[0].derived.bmi.equation).toBe('body mass (kg) / stature (m)²');
    expect(json[0].sites).toHaveLength(5);
    const log = (await client.request({ method: 'GET', url: '/api/me/access-log', as: world.sessions.participant })).json().entries;
    // Both exports are in the log (one entry per viewer and day, with a count).
    const exports = log.flatMap((e: { reads: { what: string; count: number }[] }) => e.reads.filter((r) => r.what === 'physique export'));
    expect(exports.reduce((sum: number, r: { count: number }) => sum + r.count, 0)).toBe(2);
  });
});
