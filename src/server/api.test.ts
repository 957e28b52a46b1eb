import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { createAccount } from '../auth/store.ts';
import { write } from '../store/write.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from './test-databases.ts';
import { makeWorld, startTestApp } from './testing.ts';

const peopleCount = async (db: Db) => Number((await db.selectFrom('person').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describeEachDatabase('API', (database) => {
  it('answers health with the database kind and version', async () => {
    const client = await startTestApp(database());
    const response = await client.request({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', db: database().dialect, version: expect.any(String) });
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const client = await startTestApp(database());
    const doc = (await client.request({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/people');
    expect(doc.paths['/api/people'].post.requestBody).toBeDefined();
    expect((await client.request({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
  });

  it('signs in with a password, uses the cookie with the CSRF token, and signs out', async () => {
    const client = await startTestApp(database());
    const person = await makePerson(database().db, { roles: ['investigator'] });
    await write(database().db, systemActor('test'), (w) => createAccount(w, { username: 'Cmdr', password: 'a long enough password', personId: person.id }));

    const wrong = await client.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'cmdr', password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe('wrong username or password (after 5 wrong passwords an account is locked for 15 minutes)');

    const login = await client.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'cmdr', password: 'a long enough password' } });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0];
    const { csrfToken, roles } = login.json();
    expect(roles).toEqual(['investigator']);

    expect((await client.request({ method: 'GET', url: '/api/me', headers: { cookie } })).json().username).toBe('cmdr');
    // An unsafe request without the CSRF token is refused, as a cross-site form post would be.
    const noCsrf = await client.request({ method: 'POST', url: '/api/auth/tokens', headers: { cookie }, payload: { name: 'x' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.message).toMatch(/csrf/i);

    const logout = await client.request({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(logout.statusCode).toBe(204);
    expect((await client.request({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('locks an account after repeated failures, answering exactly as an unknown username does', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const client = await startTestApp(database(), () => now);
    const person = await makePerson(database().db, { roles: ['trainer'] });
    await write(database().db, systemActor('test'), (w) => createAccount(w, { username: 'pti', password: 'correct horse battery', personId: person.id }));
    for (let i = 0; i < 5; i++) await client.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'pti', password: 'wrong password' } });
    for (let i = 0; i < 5; i++) await client.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong password' } });
    const locked = await client.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'pti', password: 'correct horse battery' } });
    const unknown = await client.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'correct horse battery' } });
    // Issue 14: a 423 for a real name and a 401 for an unknown one told who has an account.
    expect(locked.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(locked.json().error).toEqual(unknown.json().error);
    expect(locked.json().error.message).toMatch(/locked for 15 minutes/);
    now = new Date('2026-03-01T10:16:00Z');
    expect((await client.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'pti', password: 'correct horse battery' } })).statusCode).toBe(200);
  });

  it('ends a session when it expires', async () => {
    let now = new Date('2026-03-01T08:00:00Z');
    const client = await startTestApp(database(), () => now);
    const person = await makePerson(database().db, { roles: ['monitor'] });
    await write(database().db, systemActor('test'), (w) => createAccount(w, { username: 'mon', password: 'monitor password', personId: person.id }));
    const login = await client.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'mon', password: 'monitor password' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    now = new Date('2026-03-01T19:59:00Z');
    expect((await client.request({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
    now = new Date('2026-03-01T20:00:01Z');
    expect((await client.request({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('issues API tokens shown once, accepts them as Bearer, and revokes them', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    const created = await client.request({ method: 'POST', url: '/api/auth/tokens', as: sessions.admin, payload: { name: 'nightly export' } });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^mst_/);
    const listed = (await client.request({ method: 'GET', url: '/api/auth/tokens', as: sessions.admin })).json().tokens;
    expect(JSON.stringify(listed)).not.toContain(token);
    const auth = { authorization: `Bearer ${token}` };
    expect((await client.request({ method: 'GET', url: '/api/people', headers: auth })).statusCode).toBe(200);
    // Tokens need no CSRF header: no browser sends them on its own.
    expect((await client.request({ method: 'POST', url: '/api/units', headers: auth, payload: { name: 'Via token', kind: 'squad', timeZone: 'UTC' } })).statusCode).toBe(201);
    expect((await client.request({ method: 'DELETE', url: `/api/auth/tokens/${id}`, as: sessions.admin })).statusCode).toBe(204);
    expect((await client.request({ method: 'GET', url: '/api/people', headers: auth })).statusCode).toBe(401);
  });

  it('refuses bad input with a message naming the field, and writes nothing', async () => {
    const client = await startTestApp(database());
    const { sessions, platoon } = await makeWorld(database());
    const admin = sessions.admin;
    const before = await peopleCount(database().db);
    const post = (payload: unknown, headers: Record<string, string> = {}) => client.request({ method: 'POST', url: '/api/people', as: admin, payload: payload as string, headers });

    const malformed = await post('{"designation": ', { 'content-type': 'application/json' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toMatchObject({ code: 'bad_request', field: 'body' });

    const wrongType = await post({ designation: 'JB-100', name: 42, unitId: platoon.id, roles: ['participant'] });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.field).toBe('name');
    expect(wrongType.json().error.message).toMatch(/^name: /);

    const unknownField = await post({ designation: 'JB-100', name: 'A', unitId: platoon.id, roles: ['participant'], shoeSize: 9 });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error).toMatchObject({ field: 'shoeSize', message: 'shoeSize: is not a known field' });

    const badDesignation = await post({ designation: 'JB 100!', name: 'A', unitId: platoon.id, roles: ['participant'] });
    expect(badDesignation.json().error.field).toBe('designation');

    const oversize = await post({ designation: 'JB-100', name: 'x'.repeat(1_100_000), unitId: platoon.id, roles: ['participant'] });
    expect(oversize.statusCode).toBe(413);
    expect(oversize.json().error.code).toBe('payload_too_large');

    const ok = await post({ designation: 'JB-100', name: 'A Recruit', unitId: platoon.id, roles: ['participant'] });
    expect(ok.statusCode).toBe(201);
    const duplicate = await post({ designation: 'jb-100', name: 'Another', unitId: platoon.id, roles: ['participant'] });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({ code: 'conflict', field: 'designation', message: 'designation JB-100 is already taken' });
    expect(await peopleCount(database().db)).toBe(before + 1);

    for (const r of [malformed, wrongType, unknownField, oversize, duplicate]) expect(r.body).not.toMatch(/at \w+ \(|SQLITE|select |insert /i);
  });

  it('imports a roster CSV all or nothing, reporting every bad row, and a second import changes nothing', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    await makeUnit(database().db, { name: '3 Section' });
    const before = await peopleCount(database().db);
    const importCsv = (csv: string) => client.request({ method: 'POST', url: '/api/roster/import', as: sessions.admin, payload: csv, headers: { 'content-type': 'text/csv' } });

    const bad = await importCsv('designation,name,rank,unit,role\nJB-201,Ann Lee,Rct,3 Section,participant\nJB 202,Bob,Rct,3 Section,recruit\nJB-203,,Rct,Nowhere,participant\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems).toEqual([
      { line: 3, column: 'designation', reason: expect.stringMatching(/letters, digits and dashes/) },
      { line: 3, column: 'role', reason: expect.stringMatching(/unknown role 'recruit'/) },
      { line: 4, column: 'name', reason: 'is required' },
      { line: 4, column: 'unit', reason: "unit 'Nowhere' does not exist" },
    ]);
    expect(await peopleCount(database().db)).toBe(before);

    // A row with a field too many is one more bad row: reading goes on and every other bad row is named too.
    // So is a row whose unit does not exist, named beside the rows that failed their own checks (above, beside the row's own problem).
    const ragged = await importCsv('designation,name,rank,unit,role\nJB-201,Ann Lee,Rct,3 Section,participant,extra\nJB-203,,Rct,3 Section,participant\nJB-204,Cy Poe,Rct,Nowhere,participant\n');
    expect(ragged.json().error.problems).toEqual([
      { line: 2, column: '*', reason: 'has 6 fields but the header has 5' },
      { line: 3, column: 'name', reason: 'is required' },
      { line: 4, column: 'unit', reason: "unit 'Nowhere' does not exist" },
    ]);

    const unknownUnit = await importCsv('designation,name,rank,unit,role\nJB-201,Ann Lee,Rct,Nowhere,participant\n');
    expect(unknownUnit.json().error.problems).toEqual([{ line: 2, column: 'unit', reason: "unit 'Nowhere' does not exist" }]);

    const good = 'designation,name,rank,unit,role,sex\nJB-201,Ann Lee,Rct,3 Section,participant,F\nJB-202,Bob Ray,Rct,3 Section,participant;trainer,m\n';
    expect((await importCsv(good)).json()).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const auditAfterFirst = (await database().db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq;
    expect((await importCsv(good)).json()).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect((await database().db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq).toBe(auditAfterFirst);
    expect(await peopleCount(database().db)).toBe(before + 2);
  });

  it('scopes the roster: a trainer sees their units, a participant only themselves', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const trainerView = (await client.request({ method: 'GET', url: '/api/people', as: world.sessions.trainer })).json().people.map((p: { id: number }) => p.id);
    expect(trainerView).toContain(world.ownParticipantId);
    expect(trainerView).not.toContain(world.otherParticipantId);
    expect((await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}`, as: world.sessions.trainer })).statusCode).toBe(404);
    expect((await client.request({ method: 'GET', url: '/api/people', as: world.sessions.participant })).statusCode).toBe(403);
    expect((await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}`, as: world.sessions.participant })).statusCode).toBe(200);
    // Another participant's page does not exist as far as a participant can tell.
    const other = await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}`, as: world.sessions.participant });
    expect(other.statusCode).toBe(404);
    expect((await client.request({ method: 'GET', url: '/api/people', as: world.sessions.investigator })).json().people.map((p: { id: number }) => p.id)).toContain(world.otherParticipantId);
  });

  it('records every read of a participant record in their access log', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}`, as: world.sessions.trainer });
    await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}`, as: world.sessions.monitor });
    await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}`, as: world.sessions.participant });
    const log = (await client.request({ method: 'GET', url: '/api/me/access-log', as: world.sessions.participant })).json().entries;
    // One entry per viewer and day; the participant's own read is not in it.
    expect(log).toHaveLength(2);
    expect(log.map((e: { reads: unknown }) => e.reads)).toEqual([[{ what: 'roster record', count: 1 }], [{ what: 'roster record', count: 1 }]]);
    // Named as the participant knows them (rank, name, role), not by username.
    const viewers = log.map((e: { viewer: string }) => e.viewer);
    expect(viewers).toEqual(expect.arrayContaining([expect.stringMatching(/^\S.* \(trainer\)$/), expect.stringMatching(/^\S.* \(monitor\)$/)]));
    expect(viewers.some((v: string) => v.startsWith('user-'))).toBe(false);
  });

  it('lists and verifies the audit trail for admins', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const events = (await client.request({ method: 'GET', url: '/api/audit?entity=person&limit=5', as: world.sessions.admin })).json().events;
    expect(events).toHaveLength(5);
    expect(events[0].seq).toBeGreaterThan(events[4].seq);
    // Physique values stay out of the admin's audit list; the event itself is listed.
    await write(database().db, systemActor('test'), (w) => w.record({ action: 'assessment.create', entity: 'assessment', entityId: 1, after: { bodyMassKg: 81.4 } }));
    const physique = (await client.request({ method: 'GET', url: '/api/audit?entity=assessment', as: world.sessions.admin })).json().events;
    expect(physique).toHaveLength(1);
    expect(JSON.stringify(physique[0])).not.toContain('81.4');
    expect(physique[0].after.redacted).toMatch(/not shown/);
    const verify = (await client.request({ method: 'GET', url: '/api/audit/verify', as: world.sessions.admin })).json();
    expect(verify.ok).toBe(true);
    expect(verify.verified).toBeGreaterThan(10);
  });
});
