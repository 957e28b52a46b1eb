import { expect, it } from 'vitest';
import { describeEachDatabase } from '../server/test-databases.ts';
import { sessionFor, startTestApp, type Client } from '../server/testing.ts';
import { makePerson } from '../roster/testing.ts';

const cookieOf = (setCookie: string | string[] | undefined) => String([setCookie].flat()[0]).split(';')[0].split('=')[1];
const tokenOf = (path: string) => new URL(path, 'http://x').searchParams.get('token')!;

async function signIn(client: Client, username: string, password: string) {
  return client.request({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
}

// Issue 15: the admin gives and looks after logins in the datapad.
describeEachDatabase('logins an admin gives: set-up links, resets, unlocks', (database) => {
  it('gives a person imported without a login one, with roles, and a link they set their own password with, once', async () => {
    const client = await startTestApp(database());
    const admin = await sessionFor(database(), ['admin']);
    const investigator = await sessionFor(database(), ['investigator']);
    const person = await makePerson(database().db, { roles: ['participant'] });
    const account = () => client.request({ method: 'GET', url: `/api/people/${person.id}/account`, as: admin });
    expect((await account()).json()).toEqual({ account: null, email: null });

    const created = await client.request({ method: 'POST', url: `/api/people/${person.id}/account`, as: admin, payload: { username: 'New.Monitor', roles: ['monitor'] } });
    expect(created.statusCode, created.body).toBe(201);
    const { setupLink, username } = created.json();
    expect(username).toBe('new.monitor');
    expect(setupLink.path).toMatch(/^\/account-setup\?token=/);
    expect((await account()).json().account).toMatchObject({ username: 'new.monitor', hasPassword: false, lockedUntil: null, linkExpiresAt: setupLink.expiresAt });
    // The roles went through the roster's change: the health-data grant is told to the investigators.
    const inbox = (await client.request({ method: 'GET', url: '/api/me/inbox', as: investigator })).json() as { messages: { subject: string }[] };
    expect(inbox.messages.map((m) => m.subject)).toContain(`${person.designation} was given the monitor role`);

    const weak = await client.request({ method: 'POST', url: '/api/account-setup', payload: { token: tokenOf(setupLink.path), password: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.field).toBe('password');
    const set = await client.request({ method: 'POST', url: '/api/account-setup', payload: { token: tokenOf(setupLink.path), password: 'a long enough password' } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ username: 'new.monitor', roles: ['monitor'] });
    expect(cookieOf(set.headers['set-cookie'])).toBeTruthy();
    const again = await client.request({ method: 'POST', url: '/api/account-setup', payload: { token: tokenOf(setupLink.path), password: 'another long password' } });
    expect(again.statusCode).toBe(403);
    expect((await signIn(client, 'new.monitor', 'a long enough password')).statusCode).toBe(200);
    expect((await account()).json().account).toMatchObject({ hasPassword: true, linkExpiresAt: null });
  });

  it('refuses a second login, a taken username, and an admin giving themselves other roles with it, naming the field', async () => {
    const client = await startTestApp(database());
    const admin = await sessionFor(database(), ['admin']);
    const person = await makePerson(database().db);
    const own = await client.request({ method: 'POST', url: `/api/people/${admin.personId}/account`, as: admin, payload: { username: 'x', roles: ['admin', 'investigator'] } });
    expect(own.statusCode).toBe(403);
    const first = await client.request({ method: 'POST', url: `/api/people/${person.id}/account`, as: admin, payload: { username: 'taken' } });
    expect(first.statusCode).toBe(201);
    const second = await client.request({ method: 'POST', url: `/api/people/${person.id}/account`, as: admin, payload: { username: 'other' } });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.field).toBe('username');
    // Each refusal says which: this person's login exists, or another has the username.
    expect(second.json().error.message).toMatch(/already has a login \(taken\)/);
    const someoneElse = await makePerson(database().db);
    const taken = await client.request({ method: 'POST', url: `/api/people/${someoneElse.id}/account`, as: admin, payload: { username: 'Taken' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toMatch(/'taken' is taken/);
    // A username with a space or punctuation (the admin typed a name) is refused, naming the field.
    const spaced = await client.request({ method: 'POST', url: `/api/people/${someoneElse.id}/account`, as: admin, payload: { username: 'Bad Name!' } });
    expect(spaced.statusCode, spaced.body).toBe(400);
    expect(spaced.json().error.field).toBe('username');
    const blank = await client.request({ method: 'POST', url: `/api/people/${person.id}/account`, as: admin, payload: { username: '  ' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.field).toBe('username');
    const participant = await sessionFor(database(), ['participant']);
    expect((await client.request({ method: 'POST', url: `/api/people/${person.id}/account/reset`, as: participant })).statusCode).toBe(403);
    expect((await client.request({ method: 'GET', url: `/api/people/${person.id}/account`, as: participant })).statusCode).toBe(403);
  });

  it("resets a password: the old one stops working, the person's sessions end, the new link sets another; audited", async () => {
    const client = await startTestApp(database());
    const admin = await sessionFor(database(), ['admin']);
    const person = await makePerson(database().db);
    const { setupLink } = (await client.request({ method: 'POST', url: `/api/people/${person.id}/account`, as: admin, payload: { username: 'pat' } })).json();
    await client.request({ method: 'POST', url: '/api/account-setup', payload: { token: tokenOf(setupLink.path), password: 'first password 1' } });
    const session = cookieOf((await signIn(client, 'pat', 'first password 1')).headers['set-cookie']);
    const meWith = () => client.request({ method: 'GET', url: '/api/me', headers: { cookie: `muster_session=${session}` } });
    expect((await meWith()).statusCode).toBe(200);

    const reset = await client.request({ method: 'POST', url: `/api/people/${person.id}/account/reset`, as: admin });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await meWith()).statusCode).toBe(401);
    expect((await signIn(client, 'pat', 'first password 1')).statusCode).toBe(401);
    // Only the newest link works, and asking about a link says so before a password is typed.
    const status = async (path: string) => (await client.request({ method: 'GET', url: `/api/account-setup?token=${encodeURIComponent(tokenOf(path))}` })).json();
    expect(await status(setupLink.path)).toEqual({ valid: false, username: null });
    expect(await status(reset.json().setupLink.path)).toEqual({ valid: true, username: 'pat' });
    expect((await client.request({ method: 'POST', url: '/api/account-setup', payload: { token: tokenOf(setupLink.path), password: 'second password 2' } })).statusCode).toBe(403);
    expect((await client.request({ method: 'POST', url: '/api/account-setup', payload: { token: tokenOf(reset.json().setupLink.path), password: 'second password 2' } })).statusCode).toBe(200);
    expect((await signIn(client, 'pat', 'second password 2')).statusCode).toBe(200);
    expect(await status(reset.json().setupLink.path)).toEqual({ valid: false, username: null });
    const actions = (await database().db.selectFrom('audit_event').select('action').where('entity', '=', 'account').orderBy('seq').execute()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['account.password_reset', 'account.access_ended', 'setup_link.create', 'setup_link.use']));
  });

  it('unlocks an account locked after wrong passwords', async () => {
    const client = await startTestApp(database());
    const admin = await sessionFor(database(), ['admin']);
    const person = await makePerson(database().db);
    const { setupLink } = (await client.request({ method: 'POST', url: `/api/people/${person.id}/account`, as: admin, payload: { username: 'locky' } })).json();
    await client.request({ method: 'POST', url: '/api/account-setup', payload: { token: tokenOf(setupLink.path), password: 'right password 1' } });
    for (let i = 0; i < 5; i++) await signIn(client, 'locky', 'wrong password');
    expect((await signIn(client, 'locky', 'right password 1')).statusCode).toBe(401);
    expect((await client.request({ method: 'GET', url: `/api/people/${person.id}/account`, as: admin })).json().account.lockedUntil).not.toBeNull();
    const unlocked = await client.request({ method: 'POST', url: `/api/people/${person.id}/account/unlock`, as: admin });
    expect(unlocked.statusCode, unlocked.body).toBe(200);
    expect(unlocked.json().account.lockedUntil).toBeNull();
    expect((await signIn(client, 'locky', 'right password 1')).statusCode).toBe(200);
    const withoutLogin = await makePerson(database().db);
    expect((await client.request({ method: 'POST', url: `/api/people/${withoutLogin.id}/account/unlock`, as: admin })).statusCode).toBe(404);
  });
});

// Issue 15: the datapad's first question answers 200 signed out, so the sign-in page logs no failed request.
describeEachDatabase('GET /api/session', (database) => {
  it('answers signed out without a 401, and signed in with what GET /api/me answers, which keeps its 401', async () => {
    const client = await startTestApp(database());
    const anonymous = await client.request({ method: 'GET', url: '/api/session' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ signedIn: false });
    expect((await client.request({ method: 'GET', url: '/api/session', headers: { cookie: 'muster_session=stale' } })).json()).toEqual({ signedIn: false });
    expect((await client.request({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    const trainer = await sessionFor(database(), ['trainer']);
    const me = (await client.request({ method: 'GET', url: '/api/me', as: trainer })).json();
    expect((await client.request({ method: 'GET', url: '/api/session', as: trainer })).json()).toEqual({ signedIn: true, me });
  });
});

// Issue 15: the admin edits a person's designation and e-mail address too.
describeEachDatabase('PATCH /api/people/:id: designation and e-mail', (database) => {
  it('changes them, refuses a taken designation naming the field, and audits the reason', async () => {
    const client = await startTestApp(database());
    const admin = await sessionFor(database(), ['admin']);
    const person = await makePerson(database().db);
    const other = await makePerson(database().db);
    const patch = (payload: object) => client.request({ method: 'PATCH', url: `/api/people/${person.id}`, as: admin, payload });
    const changed = await patch({ designation: 'jb-777', email: 'pat@example.org', status: 'injured', reason: 'knee' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ designation: 'jb-777', status: 'injured' });
    expect((await client.request({ method: 'GET', url: `/api/people/${person.id}/account`, as: admin })).json().email).toBe('pat@example.org');
    const taken = await patch({ designation: other.designation.toLowerCase() });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.field).toBe('designation');
    const badEmail = await patch({ email: 'not an address' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().error.field).toBe('email');
    const update = await database().db.selectFrom('audit_event').select('reason').where('action', '=', 'person.update').where('entity_id', '=', String(person.id)).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(update.reason).toBe('knee');
  });
});
