import { expect, it } from 'vitest';
import { makeWorld, sessionFor, startTestApp, type Client, type Session } from '../server/testing.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { simulatedTrialCsv } from './testing.ts';

const data = simulatedTrialCsv();
const mmrm = { model: 'mmrm', subject: 'subject', visit: 'visit', outcome: 'lean', arm: 'arm', control: 'placebo', baseline: 'lean_bl', covariance: 'ar1' };
const rule = { visit: 'week12', arm: 'protein', direction: 'higher', hypothesis: 'superiority', unit: 'kg' };

const datasetRows = async (db: Db) => db.selectFrom('analysis_dataset').select(['name', 'archived_at']).orderBy('id').execute();
const auditOf = async (db: Db) => (await db.selectFrom('audit_event').select(['action', 'actor_label']).where('entity', '=', 'analysis_dataset').orderBy('seq').execute());

async function save(client: Client, as: Session, payload: object) {
  return client.request({ method: 'POST', url: '/api/analysis/datasets', payload, as });
}

describeEachDatabase('stored data sets for analysis', (database) => {
  it('saves an upload, lists and opens it, and analyses it with the same result as the upload', async () => {
    let now = new Date('2026-05-04T09:00:00Z');
    const client = await startTestApp(database(), () => now);
    const { sessions } = await makeWorld(database());
    const saved = await save(client, sessions.statistician, { name: 'Protein pilot', description: 'week 4 to 12', data });
    expect(saved.statusCode, saved.body).toBe(201);
    const summary = saved.json();
    expect(summary).toMatchObject({ name: 'Protein pilot', description: 'week 4 to 12', columns: ['subject', 'arm', 'visit', 'lean_bl', 'lean'], rowCount: data.trim().split('\n').length - 1, createdAt: now.toISOString(), archivedAt: null });
    now = new Date('2026-05-04T10:00:00Z');
    await save(client, sessions.investigator, { name: 'Second', data: 'id,arm,y\n1,a,2\n' });

    const list = (await client.request({ url: '/api/analysis/datasets', as: sessions.investigator })).json().datasets;
    expect(list.map((d: { name: string; createdBy: string }) => d.name)).toEqual(['Second', 'Protein pilot']);
    expect(list[1].createdBy).toBe(summary.createdBy);
    expect(list[1]).not.toHaveProperty('data');
    const opened = (await client.request({ url: `/api/analysis/datasets/${summary.id}`, as: sessions.investigator })).json();
    expect(opened).toEqual({ ...summary, data });

    const fromUpload = await client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, data, rule }, as: sessions.statistician });
    const fromStore = await client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, datasetId: summary.id, rule }, as: sessions.investigator });
    expect(fromStore.statusCode, fromStore.body).toBe(200);
    // The same answer; each run is kept under its own id.
    const { runId: uploadRun, ...uploadAnswer } = fromUpload.json();
    const { runId: storeRun, ...storeAnswer } = fromStore.json();
    expect(storeAnswer).toEqual(uploadAnswer);
    expect(storeRun).not.toBe(uploadRun);
    // A stored data set's arm column is not a randomised arm: the rule's comparison comes as a description, never a verdict.
    expect(fromStore.json()).toMatchObject({ verdict: null, randomisedArm: false, description: expect.stringMatching(/not a randomised arm/) });
    expect(await auditOf(database().db)).toEqual([
      { action: 'analysis.dataset.create', actor_label: summary.createdBy },
      { action: 'analysis.dataset.create', actor_label: list[0].createdBy },
    ]);
  });

  it('refuses other roles, and writes nothing for them', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    for (const role of ['admin', 'trainer', 'assessor', 'monitor', 'participant'] as const) {
      expect((await save(client, sessions[role], { name: `by ${role}`, data })).statusCode, role).toBe(403);
      expect((await client.request({ url: '/api/analysis/datasets', as: sessions[role] })).statusCode, role).toBe(403);
    }
    expect(await datasetRows(database().db)).toEqual([]);
    // The derived data sets are for both analysing roles (issue 15: statisticians could not pick them), no other.
    expect((await client.request({ url: '/api/analysis/derived/physique-by-visit', as: sessions.statistician })).statusCode).toBe(200);
    for (const role of ['admin', 'trainer', 'assessor', 'monitor', 'participant'] as const) {
      expect((await client.request({ url: '/api/analysis/derived/physique-by-visit', as: sessions[role] })).statusCode, role).toBe(403);
    }
  });

  it('names the field at fault and stores nothing from bad input', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    const as = sessions.statistician;
    const errorOf = async (payload: object) => {
      const response = await save(client, as, payload);
      return { status: response.statusCode, ...response.json().error };
    };
    expect(await errorOf({ description: 'no name', data })).toMatchObject({ status: 400, field: 'name' });
    expect(await errorOf({ name: '   ', data })).toMatchObject({ status: 400, field: 'name' });
    expect(await errorOf({ name: 'Header only', data: 'subject,arm,visit\n' })).toMatchObject({ status: 400, field: 'data', message: expect.stringMatching(/no rows/) });
    expect(await errorOf({ name: 'Twice', data: 'a,b,a\n1,2,3\n' })).toMatchObject({ status: 400, field: 'data', message: expect.stringMatching(/"a" twice/) });
    expect(await errorOf({ name: 'Open quote', data: 'a,b\n"1,2\n' })).toMatchObject({ status: 400, field: 'data', message: expect.stringMatching(/line 2/) });
    expect(await datasetRows(database().db)).toEqual([]);

    expect((await save(client, as, { name: 'Trial', data })).statusCode).toBe(201);
    expect(await errorOf({ name: 'Trial', data })).toMatchObject({ status: 409, field: 'name', message: expect.stringMatching(/"Trial" exists/) });

    const analyse = async (payload: object) => (await client.request({ method: 'POST', url: '/api/analysis', payload: { ...mmrm, ...payload }, as })).json().error;
    expect(await analyse({})).toMatchObject({ field: 'data', message: expect.stringMatching(/one of the three/) });
    expect(await analyse({ data, datasetId: 1 })).toMatchObject({ field: 'data' });
    expect(await analyse({ datasetId: 999 })).toMatchObject({ code: 'not_found', message: expect.stringMatching(/data set 999/) });
  });

  it('archives: whoever saved it or an investigator; off the list, still readable', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    const colleague = await sessionFor(database(), ['statistician']);
    const mine = (await save(client, sessions.statistician, { name: 'Mine', data })).json();
    const other = (await save(client, sessions.statistician, { name: 'Other', data })).json();
    const archive = (id: number, as: Session) => client.request({ method: 'DELETE', url: `/api/analysis/datasets/${id}`, as });

    const refused = await archive(mine.id, colleague);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/whoever saved/);
    expect((await archive(mine.id, sessions.statistician)).statusCode).toBe(204);
    expect((await archive(other.id, sessions.investigator)).statusCode).toBe(204);
    expect((await archive(other.id, sessions.investigator)).statusCode).toBe(409);
    expect((await archive(999, sessions.investigator)).statusCode).toBe(404);

    expect((await client.request({ url: '/api/analysis/datasets', as: sessions.statistician })).json().datasets).toEqual([]);
    const opened = (await client.request({ url: `/api/analysis/datasets/${mine.id}`, as: colleague })).json();
    expect(opened.archivedAt).toEqual(expect.any(String));
    expect(opened.data).toBe(data);
    expect((await auditOf(database().db)).map((e) => e.action)).toEqual(['analysis.dataset.create', 'analysis.dataset.create', 'analysis.dataset.archive', 'analysis.dataset.archive']);
  });

  it("derives physique measurements by visit from every participant's visits, logging the read for each", async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const people = [world.ownParticipantId, world.otherParticipantId];
    const visit = (date: string, mass: number, fat: number) => ({ date, time: '07:30', method: 'bioimpedance', fasted: true, sites: { body_mass: [mass, mass], stature: [180, 180], body_fat_percent: [fat] } });
    // Entered out of time order: the data set numbers visits by time. The other participant's one
    // visit is a baseline without a later visit: no row.
    for (const [person, date, mass, fat] of [
      [people[0], '2026-05-10', 79, 19],
      [people[0], '2026-03-10', 80, 20],
      [people[0], '2026-01-10', 82, 22],
      [people[1], '2026-01-12', 70, 15],
    ] as const) {
      const recorded = await client.request({ method: 'POST', url: `/api/people/${person}/assessments`, payload: visit(date, mass, fat), as: world.sessions.assessor });
      expect(recorded.statusCode, recorded.body).toBe(201);
    }
    const inOtherPlatoon = await sessionFor(database(), ['participant'], world.otherPlatoon.id);
    const response = await client.request({ url: '/api/analysis/derived/physique-by-visit', as: world.sessions.investigator });
    expect(response.statusCode, response.body).toBe(200);
    const derived = response.json();
    const [header, ...rows] = derived.data.trim().split('\n');
    expect(header).toBe(derived.columns.join(','));
    expect(header).toBe('designation,unit,visit,date,body_mass_kg,bmi,body_fat_percent,lean_mass_kg,body_mass_kg_bl,body_fat_percent_bl,lean_mass_kg_bl');
    const person = (await client.request({ url: `/api/people/${people[0]}`, as: world.sessions.investigator })).json();
    // Baseline 82 kg at 22% fat: lean 63.96. 80 kg at 20%: lean 64, BMI 80 / 1.8² = 24.69; 79 kg at 19%: lean 63.99, BMI 24.38.
    expect(rows).toEqual([
      `${person.designation},${person.unit.name},2,2026-03-10,80,24.69,20,64,82,22,63.96`,
      `${person.designation},${person.unit.name},3,2026-05-10,79,24.38,19,63.99,82,22,63.96`,
    ]);
    expect(derived.rowCount).toBe(2);
    // Deliberate, and said where the data set is used: visit 1 is the baseline columns, not a row.
    expect(derived.description).toMatch(/first visit is their baseline: its values are the _bl columns of their later visits, not a row of its own/);
    // One cohort view: one access-log row for the company above both platoons, which each participant's log shows.
    const company = (await client.request({ url: `/api/units/${world.platoon.id}`, as: world.sessions.investigator })).json().parentId;
    const companyName = (await client.request({ url: `/api/units/${company}`, as: world.sessions.investigator })).json().name;
    expect(await database().db.selectFrom('unit_access_log').select(['unit_id', 'what']).execute()).toEqual([{ unit_id: company, what: 'physique measurements by visit (analysis)' }]);
    for (const session of [world.sessions.participant, inOtherPlatoon]) {
      const log = (await client.request({ url: '/api/me/access-log', as: session })).json().entries.flatMap((e: { reads: { what: string; count: number }[] }) => e.reads.map((r) => r.what));
      expect(log).toContain(`physique measurements by visit (analysis) of ${companyName}`);
    }
  });
});
