import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ruleFor, unitsAbove } from '../access/index.ts';
import { loadDemo } from '../demo/load.ts';
import type { Role } from '../shared/actor.ts';
import type { Db } from '../store/db.ts';
import { routePolicy } from './guard.ts';
import { describeEachDatabase } from './test-databases.ts';
import { makeWorld, sessionFor, startTestApp, type Session } from './testing.ts';
import { demoPathFiller } from './walk-testing.ts';

/** Keys of a bare reference to a person (a directory entry): naming someone is not reading their data. */
const identityKeys = new Set(['id', 'designation', 'name', 'rank', 'status', 'unit', 'roles']);

/**
 * The participants whose data an answer carries: an object about one of them (`personId`,
 * `person_id`, a nested `person`, or their designation beside more than who they are), or a
 * CSV text with their designation in a cell.
 */
function participantsIn(body: unknown, byId: Map<number, string>, byDesignation: Map<string, number>): Set<number> {
  const found = new Set<number>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.includes('\n')) return;
      for (const line of value.split('\n')) for (const cell of line.split(',')) {
        const id = byDesignation.get(cell.trim().replace(/^"|"$/g, ''));
        if (id !== undefined) found.add(id);
      }
      return;
    }
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    for (const key of ['personId', 'person_id']) if (typeof record[key] === 'number' && byId.has(record[key])) found.add(record[key]);
    const person = record.person as { id?: unknown } | null | undefined;
    if (person && typeof person.id === 'number' && byId.has(person.id)) found.add(person.id);
    const byName = typeof record.designation === 'string' ? byDesignation.get(record.designation) : undefined;
    if (byName !== undefined && Object.keys(record).some((k) => !identityKeys.has(k))) found.add(byName);
    Object.values(record).forEach(visit);
  };
  visit(body);
  return found;
}

const maxId = async (db: Db, table: 'access_log' | 'unit_access_log') => Number((await db.selectFrom(table).select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0);

describeEachDatabase('reads declared per route', (database) => {
  it('writes an access row for every GET route whose answer carries a participant’s data (demo cohort, a role that sees everyone)', async () => {
    const db = database().db;
    await loadDemo(db, { participants: 6 });
    const client = await startTestApp(database());
    const sessions = {} as Record<Role, Session>;
    for (const role of ['investigator', 'monitor', 'assessor', 'statistician', 'admin', 'participant'] as const) sessions[role] = await sessionFor(database(), [role]);

    const participants = await db.selectFrom('person').innerJoin('person_role', 'person_role.person_id', 'person.id').select(['person.id', 'person.designation']).where('person_role.role', '=', 'participant').execute();
    const byId = new Map(participants.map((p) => [p.id, p.designation]));
    const byDesignation = new Map(participants.map((p) => [p.designation, p.id]));

    // A saved data set (a copy of physique data) for GET /api/analysis/datasets/:id.
    const derived = (await client.request({ url: '/api/analysis/derived/physique-by-visit', as: sessions.investigator })).json();
    const saved = await client.request({ method: 'POST', url: '/api/analysis/datasets', payload: { name: 'physique copy', data: derived.data }, as: sessions.investigator });
    expect(saved.statusCode).toBe(201);

    const withSets = await db.selectFrom('training_set').select('person_id').orderBy('id').executeTakeFirstOrThrow();
    const fill = await demoPathFiller(client, db, { personId: withSets.person_id, datasetId: saved.json().id, feedOwner: sessions.investigator });

    const walked: string[] = [];
    for (const route of client.app.apiRoutes) {
      const [method, url] = route.split(' ');
      if (method !== 'GET' || url.startsWith('/api/docs')) continue;
      const rule = ruleFor(routePolicy, method, url);
      const allowed = (['investigator', 'monitor', 'assessor', 'statistician', 'admin', 'participant'] as const).filter(
        (r) => rule?.kind === 'public' || rule?.kind === 'signed-in' || (rule?.kind === 'roles' && rule.roles.includes(r)),
      );
      if (allowed.length === 0) continue;
      const path = fill(url);
      expect(path, `${route}: the test knows no value for its path parameters; add one`).not.toMatch(/:[a-zA-Z]+/);
      // The first allowed role the row rules admit: a blinded trial's data set answers the statistician alone.
      let role = allowed[0];
      let [personRows, unitRows] = [0, 0];
      let response;
      for (role of allowed) {
        [personRows, unitRows] = [await maxId(db, 'access_log'), await maxId(db, 'unit_access_log')];
        response = await client.request({ url: path, as: sessions[role] });
        if (response.statusCode !== 403) break;
      }
      expect(response!.statusCode, `${route} as ${role}: ${response!.body.slice(0, 200)}`).toBe(200);
      const body = String(response!.headers['content-type'] ?? '').includes('json') ? response!.json() : response!.body;
      const carried = participantsIn(body, byId, byDesignation);
      if (url.startsWith('/api/people/:id')) carried.add(withSets.person_id);
      carried.delete(sessions[role].personId);
      if (carried.size === 0) continue;

      const personRead = new Set((await db.selectFrom('access_log').select('person_id').where('id', '>', personRows).execute()).map((r) => r.person_id));
      const unitsRead = new Set((await db.selectFrom('unit_access_log').select('unit_id').where('id', '>', unitRows).execute()).map((r) => r.unit_id));
      for (const personId of carried) {
        const unit = await db.selectFrom('person_unit').select('unit_id').where('person_id', '=', personId).where('effective_to', 'is', null).executeTakeFirst();
        const covering = unit ? await unitsAbove(db, [unit.unit_id]) : [];
        const logged = personRead.has(personId) || covering.some((u) => unitsRead.has(u));
        expect(logged, `${route} as ${role} answered with ${byId.get(personId)}'s data and wrote no access row for them`).toBe(true);
      }
      walked.push(route);
    }
    // The walk reached the routes that read participants' data.
    for (const route of ['GET /api/people/:id', 'GET /api/training/sessions/:id', 'GET /api/analysis/datasets/:id', 'GET /api/units/:id/wellness', 'GET /api/wellness/export']) expect(walked).toContain(route);
  });

  it('answers a database failure with 500 and a request id, never 404', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const planned = await client.request({
      method: 'POST',
      url: '/api/training/sessions',
      payload: { unitId: world.platoon.id, title: 'Circuit', date: '2026-03-02', time: '07:00' },
      as: world.sessions.trainer,
    });
    expect(planned.statusCode).toBe(201);
    // The trainer's scope is read from unit_trainer: without it every scope check fails.
    await sql`drop table unit_trainer`.execute(database().db);
    for (const url of [`/api/training/sessions/${planned.json().id}`, `/api/people/${world.ownParticipantId}`, `/api/units/${world.platoon.id}/wellness`]) {
      const response = await client.request({ url, as: world.sessions.trainer });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(500);
      expect(response.json().error).toMatchObject({ code: 'internal', requestId: response.headers['x-request-id'] });
    }
  });
});
