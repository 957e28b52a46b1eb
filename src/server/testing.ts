import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { roles, type Role } from '../shared/actor.ts';
import { createAccount, createSession } from '../auth/store.ts';
import { write } from '../store/write.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { setUnitStaff } from '../roster/store.ts';
import type { Clock } from '../shared/clock.ts';
import type { TestDatabase } from './test-databases.ts';
import { systemActor } from '../shared/actor.ts';
import { buildApp } from './app.ts';

export interface Session {
  cookie: string;
  csrfToken: string;
  personId: number;
}

export interface Client {
  app: FastifyInstance;
  request(options: InjectOptions & { as?: Session }): Promise<LightMyRequestResponse>;
}

export async function startTestApp(database: TestDatabase, clock?: Clock): Promise<Client> {
  const app = await buildApp({ database, clock });
  await app.ready();
  return {
    app,
    request: ({ as, headers, ...options }) =>
      app.inject({
        ...options,
        headers: { ...headers, ...(as && { cookie: `muster_session=${as.cookie}`, 'x-csrf-token': as.csrfToken }) },
      }),
  };
}

/** A signed-in session for a new person holding `personRoles`, without the cost of a password hash. */
export async function sessionFor(database: TestDatabase, personRoles: Role[], unitId: number | null = null): Promise<Session> {
  const person = await makePerson(database.db, { roles: personRoles, unitId });
  return write(database.db, systemActor('test'), async (w) => {
    const account = await createAccount(w, { username: `user-${person.designation.toLowerCase()}`, password: null, personId: person.id });
    const session = await createSession(w, account.id);
    return { cookie: session.token, csrfToken: session.csrfToken, personId: person.id };
  });
}

export interface World {
  platoon: { id: number };
  otherPlatoon: { id: number };
  sessions: Record<Role, Session>;
  /** A participant in the trainer's platoon and one outside it. */
  ownParticipantId: number;
  otherParticipantId: number;
}

/** One session per role; the trainer trains `platoon`, the participant belongs to it. */
export async function makeWorld(database: TestDatabase): Promise<World> {
  const company = await makeUnit(database.db, { kind: 'company' });
  const platoon = await makeUnit(database.db, { parentId: company.id, kind: 'platoon' });
  const otherPlatoon = await makeUnit(database.db, { parentId: company.id, kind: 'platoon' });
  const sessions = {} as Record<Role, Session>;
  for (const role of roles) sessions[role] = await sessionFor(database, [role], role === 'participant' || role === 'trainer' ? platoon.id : null);
  await write(database.db, systemActor('test'), (w) => setUnitStaff(w, platoon.id, { trainerIds: [sessions.trainer.personId] }));
  const other = await makePerson(database.db, { unitId: otherPlatoon.id });
  return { platoon, otherPlatoon, sessions, ownParticipantId: sessions.participant.personId, otherParticipantId: other.id };
}

