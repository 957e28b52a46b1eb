import { expect, it } from 'vitest';
import { simulatedTrialCsv } from '../analysis/testing.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { makeWorld, startTestApp } from '../server/testing.ts';
import { analysableTrials } from './analysis-store.ts';
import { makeRecruitingTrial } from './conduct-testing.ts';
import { makeProtocol } from './testing.ts';

const rule = { visit: 'week12', arm: 'protein', direction: 'higher', hypothesis: 'superiority', unit: 'kg' };
const upload = { model: 'mmrm', data: simulatedTrialCsv(), subject: 'subject', visit: 'visit', outcome: 'lean', arm: 'arm', control: 'placebo', baseline: 'lean_bl', rule };

describeEachDatabase('the analysis screen and trial data sets', (database) => {
  it("judges a rule only on a trial's randomised arm: an uploaded file's comparison is a description", async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const uploaded = await client.request({ method: 'POST', url: '/api/analysis', payload: upload, as: world.sessions.statistician });
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    expect(uploaded.json()).toMatchObject({ verdict: null, randomisedArm: false, description: expect.stringMatching(/^protein vs placebo on lean at week12: difference .* not a randomised arm/) });
    expect(uploaded.body).not.toMatch(/superiority (not )?shown/);
    await client.app.close();
  });

  it("offers a blinded trial's own data set to the statistician alone", async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    await makeRecruitingTrial(database().db, { outcomes: { primary: { ...makeProtocol().outcomes.primary, covariates: [] }, secondary: [] } });
    const listed = async (role: 'statistician' | 'investigator') => (await client.request({ method: 'GET', url: '/api/analysis/datasets', as: world.sessions[role] })).json().trials;
    expect(await listed('statistician')).toEqual([{ code: 'WHEY-01', title: 'Whey protein vs placebo on lean mass' }]);
    expect(await listed('investigator')).toEqual([]);
    const trialSource = { model: 'mmrm', trial: 'WHEY-01', subject: 'participant', visit: 'visit', outcome: 'lean_mass_kg', arm: 'arm', control: 'placebo', baseline: 'baseline' };
    const blinded = await client.request({ method: 'POST', url: '/api/analysis', payload: trialSource, as: world.sessions.investigator });
    expect(blinded.statusCode).toBe(403);
    // The screen reads the data set's columns first: the same rule, the randomised arm named.
    const text = async (role: 'statistician' | 'investigator') => client.request({ method: 'GET', url: '/api/analysis/trials/WHEY-01', as: world.sessions[role] });
    expect((await text('investigator')).statusCode).toBe(403);
    const shown = await text('statistician');
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ name: 'WHEY-01 primary analysis data set', randomisedArm: 'arm', data: expect.stringMatching(/^participant,/) });
    // No one randomised yet: the statistician reaches the data set, which has nothing to analyse.
    const empty = await client.request({ method: 'POST', url: '/api/analysis', payload: trialSource, as: world.sessions.statistician });
    expect(empty.statusCode).toBe(400);
    expect(await analysableTrials(database().db, { accountId: null, personId: null, label: 'x', roles: ['monitor'] })).toEqual([]);
    await client.app.close();
  });
});
