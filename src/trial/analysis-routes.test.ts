import { expect, it } from 'vitest';
import { createAssessment } from '../assess/index.ts';
import { makePerson } from '../roster/testing.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { makeWorld, startTestApp } from '../server/testing.ts';
import { systemActor } from '../shared/actor.ts';
import { seededRandom } from '../shared/random.ts';
import { addDays } from '../shared/time.ts';
import { write } from '../store/write.ts';
import type { Db } from '../store/db.ts';
import { allocate, makeRecruitingTrial, setTrialStatus } from './conduct-testing.ts';
import { demoProtocol } from './demo.ts';
import { makeProtocol } from './testing.ts';
import type { TrialView } from './trials.ts';

const primary = makeProtocol().outcomes.primary;

/** 12 participants scanned at baseline and weeks 4, 8 and 12; whey gains 2 kg more lean mass by week 12. */
async function enrolWithScans(db: Db, trial: TrialView): Promise<void> {
  const random = seededRandom(3);
  for (let k = 0; k < 12; k++) {
    const person = await makePerson(db, { designation: `JB-3${String(k).padStart(2, '0')}` });
    const arm = k % 2 ? 'placebo' : 'whey';
    await allocate(db, trial, person.id, { arm, kitCode: `K-${k}`, randomisedAt: '2025-01-06T09:00:00.000Z' });
    const lean = 55 + 8 * random();
    for (const day of [0, 28, 56, 84]) {
      const mass = Math.round(((lean + (arm === 'whey' ? (2 * day) / 84 : 0) + (day / 84) * 0.5 + random() - 0.5) / 0.8) * 10) / 10;
      await write(db, systemActor('test'), (w) =>
        createAssessment(w, { personId: person.id, assessedAt: `${addDays('2025-01-06', day)}T08:00:00.000Z`, assessorId: null, method: 'dxa', device: 'DXA', fasted: true, notes: '', sites: { body_mass: [mass, mass], body_fat_percent: [20] } }),
      );
    }
  }
}

describeEachDatabase('trial analyses', (database) => {
  it('the statistician runs and stores the primary analysis; blinded readers get pooled means until unblinding', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const { estimand, sensitivityAnalyses } = demoProtocol;
    const trial = await makeRecruitingTrial(database().db, { outcomes: { primary: { ...primary, covariates: [] }, secondary: [] }, estimand, sensitivityAnalyses });
    await enrolWithScans(database().db, trial);
    const url = `/api/trials/${trial.code}/analyses`;

    const refused = await client.request({ method: 'POST', url, payload: { reason: 'interim' }, as: world.sessions.investigator });
    expect(refused.statusCode).toBe(403);
    const unreasoned = await client.request({ method: 'POST', url, payload: {}, as: world.sessions.statistician });
    expect(unreasoned.statusCode).toBe(400);
    expect(unreasoned.json().error.message).toMatch(/reason/);

    const run = await client.request({ method: 'POST', url, payload: { reason: 'primary analysis at database lock' }, as: world.sessions.statistician });
    expect(run.statusCode, run.body).toBe(201);
    const stored = run.json();
    expect(stored).toMatchObject({ blinded: false, protocolVersion: 1, protocolSha256: trial.sha256, command: { kind: 'mmrm', arm: 'arm', control: 'placebo' } });
    expect(stored.verdict).toMatchObject({ met: true, contrast: 'whey - placebo' });
    expect(stored.pooled).toMatchObject({ n_subjects: 12, visits: [{ visit: 'week 4', n: 12 }, { visit: 'week 8', n: 12 }, { visit: 'week 12', n: 12 }] });
    const audit = await database().db.selectFrom('audit_event').selectAll().where('action', '=', 'trial.analyse').execute();
    expect(audit).toHaveLength(1);

    for (const role of ['investigator', 'monitor'] as const) {
      const blinded = await client.request({ method: 'GET', url, as: world.sessions[role] });
      expect(blinded.statusCode).toBe(200);
      expect(blinded.body).not.toMatch(/whey|placebo/);
      const [analysis] = blinded.json().analyses;
      expect(analysis).toMatchObject({ id: stored.id, blinded: true, datasetSha256: stored.datasetSha256, pooled: stored.pooled });
      expect(analysis).not.toHaveProperty('analysis');
      expect(analysis).not.toHaveProperty('verdict');
    }
    const listed = (await client.request({ method: 'GET', url, as: world.sessions.statistician })).json().analyses[0];
    expect(listed).toMatchObject({ blinded: false, verdict: { met: true } });
    // The estimand and the sensitivity analyses are part of the answer (the response schema once dropped them).
    for (const answer of [stored, listed]) {
      expect(answer.estimand).toMatchObject({
        population: 'randomised participants who allow the use of their data',
        summary_measure: 'difference in means (whey - placebo)',
        intercurrent_events: expect.arrayContaining([{ event: 'withdrew', strategy: 'hypothetical', imputation: 'MAR', description: 'as if they had stayed on the supplement', participants: 0 }]),
        sentence: expect.stringMatching(/^Estimand: /),
      });
      expect(answer.sensitivity.map((s: { name: string; command: { kind: string } }) => [s.name, s.command.kind])).toEqual([['jump to reference', 'rbmi'], ['tipping point', 'rbmi']]);
      expect(answer.sensitivity[1].analysis).toMatchObject({ kind: 'rbmi', tipping_point: { contrast: 'whey - placebo', scan: expect.any(Array) } });
    }

    await setTrialStatus(database().db, trial, 'unblinded');
    const unblinded = await client.request({ method: 'GET', url, as: world.sessions.investigator });
    expect(unblinded.json().analyses[0]).toMatchObject({ blinded: false, verdict: { met: true, sentence: expect.stringMatching(/^Whey beats placebo/) } });
    await client.app.close();
  });
});
