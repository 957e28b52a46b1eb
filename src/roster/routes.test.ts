import { expect, it } from 'vitest';
import { makeWorld, startTestApp } from '../server/testing.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { makePerson, makeUnit } from './testing.ts';

describeEachDatabase('GET /api/people: pages and search', (database) => {
  async function setUp() {
    const world = await makeWorld(database());
    const client = await startTestApp(database());
    const { db } = database();
    const squad = await makeUnit(db, { parentId: world.platoon.id });
    const names = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov'];
    const people = [];
    for (const [i, name] of names.entries()) people.push(await makePerson(db, { designation: `PG-${i + 1}`, name, unitId: squad.id }));
    const list = async (query: string, as = world.sessions.admin) => {
      const response = await client.request({ method: 'GET', url: `/api/people?${query}`, as });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { people: { designation: string; name: string }[]; total: number };
    };
    return { world, client, squad, people, list };
  }

  it('pages in designation order with the total over all pages', async () => {
    const { squad, list } = await setUp();
    const first = await list(`unitId=${squad.id}&limit=2`);
    const second = await list(`unitId=${squad.id}&limit=2&offset=2`);
    const last = await list(`unitId=${squad.id}&limit=2&offset=4`);
    expect([first, second, last].map((page) => page.total)).toEqual([5, 5, 5]);
    expect([...first.people, ...second.people, ...last.people].map((p) => p.designation)).toEqual(['PG-1', 'PG-2', 'PG-3', 'PG-4', 'PG-5']);
    expect(last.people).toHaveLength(1);
  });

  it('without a limit answers everyone, as older clients expect', async () => {
    const { squad, list } = await setUp();
    const all = await list(`unitId=${squad.id}`);
    expect(all.people.map((p) => p.designation)).toEqual(['PG-1', 'PG-2', 'PG-3', 'PG-4', 'PG-5']);
    expect(all.total).toBe(5);
  });

  it('searches names in any case and designations, taking wildcards literally', async () => {
    const { squad, list } = await setUp();
    expect((await list(`unitId=${squad.id}&q=${encodeURIComponent('  GRACE ')}&limit=10`)).people.map((p) => p.name)).toEqual(['Grace Hopper']);
    expect((await list(`q=pg-4&limit=10`)).people.map((p) => p.name)).toEqual(['Edsger Dijkstra']);
    expect((await list(`unitId=${squad.id}&q=RA&limit=1`)).total).toBe(3);
    expect((await list(`unitId=${squad.id}&q=${encodeURIComponent('%')}&limit=10`)).total).toBe(0);
    expect((await list(`unitId=${squad.id}&q=_&limit=10`)).total).toBe(0);
  });

  it("keeps a trainer's page and total to their units", async () => {
    const { world, squad, list } = await setUp();
    const trainerPage = await list('limit=3', world.sessions.trainer);
    expect(trainerPage.total).toBe((await list(`unitId=${world.platoon.id}`)).total + 5);
    expect((await list(`unitId=${world.otherPlatoon.id}&limit=3`, world.sessions.trainer)).total).toBe(0);
    expect((await list(`unitId=${squad.id}&limit=3`, world.sessions.trainer)).total).toBe(5);
  });

  it('refuses a page size out of range, naming the field', async () => {
    const { world, client } = await setUp();
    const response = await client.request({ method: 'GET', url: '/api/people?limit=0', as: world.sessions.admin });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.field).toBe('limit');
  });
});

describeEachDatabase('the admin moves and edits people: dates that cannot be', (database) => {
  it('refuses a move dated in the future (the person would show in a unit they have not joined), naming the field, and moves from today', async () => {
    const world = await makeWorld(database());
    const client = await startTestApp(database());
    const person = await makePerson(database().db, { unitId: world.platoon.id });
    const move = (effectiveFrom?: string) =>
      client.request({ method: 'POST', url: `/api/people/${person.id}/move`, as: world.sessions.admin, payload: { unitId: world.otherPlatoon.id, ...(effectiveFrom && { effectiveFrom }) } });
    const ahead = await move(new Date(Date.now() + 7 * 86_400_000).toISOString());
    expect(ahead.statusCode, ahead.body).toBe(400);
    expect(ahead.json().error.field).toBe('effectiveFrom');
    expect(ahead.json().error.message).toMatch(/future/);
    const unitNow = await client.request({ method: 'GET', url: `/api/people/${person.id}`, as: world.sessions.admin });
    expect(unitNow.json().unit.id).toBe(world.platoon.id);
    const today = await move();
    expect(today.statusCode, today.body).toBe(200);
    expect(today.json().unit.id).toBe(world.otherPlatoon.id);
    // Before the current membership: the date in words an admin reads, not an ISO instant.
    const back = await client.request({ method: 'POST', url: `/api/people/${person.id}/move`, as: world.sessions.admin, payload: { unitId: world.platoon.id, effectiveFrom: '2020-01-01T00:00:00Z' } });
    expect(back.statusCode, back.body).toBe(400);
    expect(back.json().error.message).toMatch(/^effectiveFrom: must not be before \d{4}-\d\d-\d\d, when they joined their current unit$/);
  });

  it('refuses a date of birth in the future when a person is added or edited, naming the field', async () => {
    const world = await makeWorld(database());
    const client = await startTestApp(database());
    const person = await makePerson(database().db, { unitId: world.platoon.id });
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;
    const edited = await client.request({ method: 'PATCH', url: `/api/people/${person.id}`, as: world.sessions.admin, payload: { dateOfBirth: nextYear } });
    expect(edited.statusCode, edited.body).toBe(400);
    expect(edited.json().error.field).toBe('dateOfBirth');
    const added = await client.request({
      method: 'POST',
      url: '/api/people',
      as: world.sessions.admin,
      payload: { designation: 'DOB-1', name: 'Future Born', unitId: null, roles: ['participant'], dateOfBirth: nextYear },
    });
    expect(added.statusCode, added.body).toBe(400);
    expect(added.json().error.field).toBe('dateOfBirth');
    const past = await client.request({ method: 'PATCH', url: `/api/people/${person.id}`, as: world.sessions.admin, payload: { dateOfBirth: '2001-02-03' } });
    expect(past.statusCode, past.body).toBe(200);
  });
});
