import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { updatePerson } from '../roster/store.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { makeWorld, startTestApp, type Client, type World } from '../server/testing.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from '../server/test-databases.ts';

/** A Jackson-Pollock 3-site visit of a man born 2000-01-01 (age 26 on 2026-03-10). */
const visit = {
  date: '2026-03-10',
  time: '07:30',
  method: 'skinfold_jp3',
  device: 'Harpenden caliper',
  fasted: true,
  sites: {
    body_mass: [80, 80.2],
    stature: [180, 180.4],
    skinfold_chest: [15, 15.4],
    skinfold_abdominal: [25, 24.6],
    // 20 and 21.2 differ by 5.8%: a third trial was taken; the median is 20.4
    skinfold_thigh: [20, 21.2, 20.4],
    girth_waist: [82, 82.4],
    girth_arm_flexed_left: [35, 35.2],
  },
};

const visitCount = async (db: Db) => Number((await db.selectFrom('assessment').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function recordVisit(client: Client, world: World, body: object = visit) {
  return client.request({ method: 'POST', url: `/api/people/${world.ownParticipantId}/assessments`, payload: body, as: world.sessions.assessor });
}

describeEachDatabase('physique assessments', (database) => {
  it('records a visit and derives BMI, body fat and lean mass, each naming its equation', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const response = await recordVisit(client, world);
    expect(response.statusCode).toBe(201);
    const a = response.json();
    // British winter time: 07:30 local is 07:30 UTC
    expect(a).toMatchObject({ assessedAt: '2026-03-10T07:30:00.000Z', local: { date: '2026-03-10', time: '07:30', timeZone: 'Europe/London' }, age: 26, fasted: true });
    expect(a.assessor.id).toBe(world.sessions.assessor.personId);
    expect(a.sites.find((s: { site: string }) => s.site === 'skinfold_thigh')).toMatchObject({ value: 20.4, rule: 'median of three', unit: 'mm' });
    expect(a.sites.find((s: { site: string }) => s.site === 'body_mass')).toMatchObject({ value: 80.1, rule: 'mean of two' });
    // mass 80.1, stature 180.2: BMI = 80.1 / 3.247204 = 24.6674
    expect(a.derived.bmi.value).toBeCloseTo(24.6674, 4);
    // S = 15.2 + 24.8 + 20.4 = 60.4, age 26: D = 1.10938 − 0.0008267·60.4 + 0.0000016·3648.16 − 0.0002574·26
    //   = 1.10938 − 0.04993268 + 0.00583706 − 0.0066924 = 1.05859198; %fat = 495 / D − 450 = 17.6023
    expect(a.derived.bodyFatPercent.value).toBeCloseTo(17.6023, 3);
    expect(a.derived.bodyFatPercent.equation).toBe('Jackson-Pollock 3-site density, Siri %fat (male)');
    // lean = 80.1 × (1 − 0.176023) = 66.0006
    expect(a.derived.leanMass.value).toBeCloseTo(66.0006, 3);
  });

  it('recomputes derived values when a trial or the roster changes: never stale', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const { id } = (await recordVisit(client, world)).json();
    const corrected = await client.request({
      method: 'PUT',
      url: `/api/assessments/${id}`,
      payload: { ...visit, sites: { ...visit.sites, skinfold_chest: [20, 20.4] }, reason: 'chest misread' },
      as: world.sessions.assessor,
    });
    expect(corrected.statusCode).toBe(200);
    // S = 20.2 + 24.8 + 20.4 = 65.4: D = 1.10938 − 0.05406618 + 0.00684346 − 0.0066924 = 1.05546488; %fat = 18.9877
    expect(corrected.json().derived.bodyFatPercent.value).toBeCloseTo(18.9877, 3);
    expect(corrected.json().assessor.id).toBe(world.sessions.assessor.personId);
    const audit = await database().db.selectFrom('audit_event').select(['action', 'reason']).where('entity', '=', 'assessment').orderBy('seq').execute();
    expect(audit).toEqual([
      { action: 'assessment.create', reason: null },
      { action: 'assessment.update', reason: 'chest misread' },
    ]);
    // A later date of birth on the roster makes the person younger at the visit: the value follows.
    await write(database().db, systemActor('test'), (w) => updatePerson(w, world.ownParticipantId, { dateOfBirth: '2005-06-01' }));
    const reread = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/assessments`, as: world.sessions.assessor })).json().assessments[0];
    expect(reread.age).toBe(20);
    // age 20: D = 1.05546488 + 0.0002574·6 = 1.05700928; %fat = 18.3024
    expect(reread.derived.bodyFatPercent.value).toBeCloseTo(18.3024, 3);
  });

  it('refuses visits that break the protocol, naming the field', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const cases: [object, string, RegExp][] = [
      [{ ...visit, sites: { ...visit.sites, skinfold_chest: [10, 10.6] } }, 'skinfold_chest', /differ by 5.8% \(more than 5%\): take a third/],
      [{ ...visit, sites: { ...visit.sites, girth_waist: [80, 81] } }, 'girth_waist', /more than 1%/],
      [{ ...visit, sites: { body_mass: [80, 80] } }, 'sites', /^Skinfolds, Jackson-Pollock 3-site \(male\) needs Chest skinfold, Abdominal skinfold and Thigh skinfold$/],
      [{ ...visit, method: 'dxa' }, 'body_fat_percent', /^Body fat percent: is required with the method DXA scan$/],
      [{ ...visit, sites: { ...visit.sites, stature: [18, 18] } }, 'stature', /outside 100-250 cm/],
      [{ ...visit, sites: { ...visit.sites, skinfold_nose: [1, 1] } }, 'sites.skinfold_nose', /./],
      [{ ...visit, time: '7.30' }, 'time', /HH:MM/],
      [{ ...visit, weather: 'rain' }, 'weather', /not a known field/],
      [{ ...visit, assessorId: world.sessions.trainer.personId }, 'assessorId', /is not an assessor/],
    ];
    for (const [payload, field, message] of cases) {
      const response = await recordVisit(client, world, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.field, JSON.stringify(response.json())).toBe(field);
      expect(response.json().error.message).toMatch(message);
    }
    expect(await visitCount(database().db)).toBe(0);
    expect((await recordVisit(client, world)).statusCode).toBe(201);
    const twice = await recordVisit(client, world);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.field).toBe('time');
  });

  it('refuses a local time that does not exist (the DST gap)', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const response = await recordVisit(client, world, { ...visit, date: '2026-03-29', time: '01:30' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/does not exist in Europe\/London/);
    // Summer time: 07:30 BST is 06:30 UTC
    expect((await recordVisit(client, world, { ...visit, date: '2026-03-30' })).json().assessedAt).toBe('2026-03-30T06:30:00.000Z');
  });

  it('keeps a visit on its local date in a unit far from UTC, and counts age on that date', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const atoll = await makeUnit(database().db, { timeZone: 'Pacific/Kiritimati' });
    const person = await makePerson(database().db, { unitId: atoll.id });
    await write(database().db, systemActor('test'), (w) => updatePerson(w, person.id, { dateOfBirth: '2000-03-11' }));
    const response = await client.request({
      method: 'POST',
      url: `/api/people/${person.id}/assessments`,
      payload: { ...visit, date: '2026-03-11', time: '00:30' },
      as: world.sessions.assessor,
    });
    // 00:30 on the 11th at UTC+14 is 10:30 on the 10th in UTC; the birthday is the local 11th
    expect(response.json()).toMatchObject({ assessedAt: '2026-03-10T10:30:00.000Z', local: { date: '2026-03-11', time: '00:30', timeZone: 'Pacific/Kiritimati' }, age: 26 });
  });

  it('shows physique data to the participant, assessors, investigators and monitors; to a trainer only with consent', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    await recordVisit(client, world);
    const read = (who: keyof World['sessions'], personId = world.ownParticipantId) =>
      client.request({ method: 'GET', url: `/api/people/${personId}/assessments`, as: world.sessions[who] });
    for (const who of ['participant', 'assessor', 'investigator', 'monitor'] as const) {
      expect((await read(who)).json().assessments, who).toHaveLength(1);
    }
    const refused = await read('trainer');
    expect(refused.statusCode).toBe(404);
    expect(refused.body).not.toMatch(/skinfold|body_mass/);
    expect((await read('admin')).statusCode).toBe(403);
    expect((await read('participant', world.otherParticipantId)).statusCode).toBe(404);

    const consent = await client.request({ method: 'PUT', url: '/api/me/physique-consent', payload: { trainersMaySee: true }, as: world.sessions.participant });
    expect(consent.json()).toEqual({ trainersMaySee: true });
    expect((await client.request({ method: 'GET', url: '/api/me/physique-consent', as: world.sessions.participant })).json()).toEqual({ trainersMaySee: true });
    expect((await read('trainer')).json().assessments).toHaveLength(1);
    await client.request({ method: 'PUT', url: '/api/me/physique-consent', payload: { trainersMaySee: false }, as: world.sessions.participant });
    expect((await read('trainer')).statusCode).toBe(404);
    const audit = await database().db.selectFrom('audit_event').select(['after_json']).where('action', '=', 'physique.consent').orderBy('seq').execute();
    expect(audit.map((e) => JSON.parse(e.after_json!))).toEqual([{ trainersMaySee: true }, { trainersMaySee: false }]);

    const log = (await client.request({ method: 'GET', url: '/api/me/access-log', as: world.sessions.participant })).json().entries;
    expect(log.filter((e: { reads: { what: string; count: number }[] }) => e.reads.some((r) => r.what === 'physique assessments')).map((e: { viewer: string }) => e.viewer).sort()).toHaveLength(4);
  });

  it('does not let a trainer see a consenting person outside their units', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    await write(database().db, systemActor('test'), async (w) => {
      await w.db.insertInto('physique_consent').values({ person_id: world.otherParticipantId, trainers_may_see: 1, updated_at: w.now.toISOString() }).execute();
    });
    const response = await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}/assessments`, as: world.sessions.trainer });
    expect(response.statusCode).toBe(404);
  });
});
