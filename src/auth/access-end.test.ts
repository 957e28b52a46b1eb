import { expect, it } from 'vitest';
import { describeEachDatabase } from '../server/test-databases.ts';
import { sessionFor, startTestApp, type Client, type Session } from '../server/testing.ts';

async function token(client: Client, as: Session, expiresAt: string | null = null) {
  return client.request({ method: 'POST', url: '/api/auth/tokens', as, payload: { name: 'script', expiresAt } });
}
const me = (client: Client, as: Session) => client.request({ method: 'GET', url: '/api/me', as });
const meByToken = (client: Client, bearer: string) => client.request({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${bearer}` } });

// Issue 14: privilege, sessions and tokens.
describeEachDatabase('roles, sessions and tokens', (database) => {
  it('refuses anyone changing their own roles; a health-data role granted by another admin is audited and told to the investigators', async () => {
    const client = await startTestApp(database());
    const admin = await sessionFor(database(), ['admin']);
    const otherAdmin = await sessionFor(database(), ['admin']);
    const investigator = await sessionFor(database(), ['investigator']);

    const own = await client.request({ method: 'PATCH', url: `/api/people/${admin.personId}`, as: admin, payload: { roles: ['admin', 'investigator'] } });
    expect(own.statusCode, own.body).toBe(403);
    expect(own.json().error.message).toMatch(/own roles/);
    expect((await me(client, admin)).json().roles).toEqual(['admin']);
    // Their own name stays theirs to change.
    expect((await client.request({ method: 'PATCH', url: `/api/people/${admin.personId}`, as: admin, payload: { name: 'A. Admin' } })).statusCode).toBe(200);

    const granted = await client.request({ method: 'PATCH', url: `/api/people/${admin.personId}`, as: otherAdmin, payload: { roles: ['admin', 'investigator'] } });
    expect(granted.statusCode, granted.body).toBe(200);
    const events = await database().db.selectFrom('audit_event').select(['action', 'after_json']).where('action', '=', 'person.role.grant').where('entity_id', '=', String(admin.personId)).execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(String(events[0].after_json))).toMatchObject({ granted: ['investigator'] });
    const inbox = (await client.request({ method: 'GET', url: '/api/me/inbox', as: investigator })).json() as { messages: { kind: string; subject: string }[] };
    expect(inbox.messages.map((m) => m.kind)).toEqual(['role.grant']);
    expect(inbox.messages[0].subject).toMatch(/^[A-Z0-9-]+ was given the investigator role$/);

    // A new person with such a role, made by an admin, is a grant too.
    const created = await client.request({ method: 'POST', url: '/api/people', as: otherAdmin, payload: { designation: 'MON-9', name: 'New Monitor', rank: 'Capt', status: 'active', dateOfBirth: null, sex: null, roles: ['monitor'], unitId: null } });
    expect(created.statusCode, created.body).toBe(201);
    const after = (await client.request({ method: 'GET', url: '/api/me/inbox', as: investigator })).json() as { messages: { subject: string }[] };
    expect(after.messages.map((m) => m.subject)).toContain('MON-9 was given the monitor role');
  });

  it('ends the sessions and API tokens of a person whose roles change', async () => {
    const client = await startTestApp(database());
    const admin = await sessionFor(database(), ['admin']);
    const trainer = await sessionFor(database(), ['trainer']);
    const { token: bearer } = (await token(client, trainer)).json();
    expect((await meByToken(client, bearer)).statusCode).toBe(200);
    expect((await client.request({ method: 'PATCH', url: `/api/people/${trainer.personId}`, as: admin, payload: { roles: ['trainer', 'assessor'] } })).statusCode).toBe(200);
    expect((await me(client, trainer)).statusCode).toBe(401);
    expect((await meByToken(client, bearer)).statusCode).toBe(401);
    expect(await database().db.selectFrom('audit_event').select('action').where('action', '=', 'account.access_ended').execute()).toHaveLength(1);
  });

  it.each(['discharged', 'withdrawn'])('ends the sessions and API tokens of a person %s', async (status) => {
    const client = await startTestApp(database());
    const admin = await sessionFor(database(), ['admin']);
    const participant = await sessionFor(database(), ['participant']);
    const { token: bearer } = (await token(client, participant)).json();
    const changed = await client.request({ method: 'PATCH', url: `/api/people/${participant.personId}`, as: admin, payload: { status } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await me(client, participant)).statusCode).toBe(401);
    expect((await meByToken(client, bearer)).statusCode).toBe(401);
    expect(await database().db.selectFrom('auth_session').innerJoin('account', 'account.id', 'auth_session.account_id').where('account.person_id', '=', participant.personId).select('auth_session.id').execute()).toEqual([]);
  });

  it('refuses an API token that expires in the past', async () => {
    const client = await startTestApp(database());
    const monitor = await sessionFor(database(), ['monitor']);
    const past = await token(client, monitor, '2000-01-01T00:00:00Z');
    expect(past.statusCode, past.body).toBe(400);
    expect(past.json().error).toEqual({ code: 'bad_request', message: 'expiresAt: must be in the future', field: 'expiresAt' });
    expect((await token(client, monitor, new Date(Date.now() + 86_400_000).toISOString())).statusCode).toBe(201);
  });
});
