import { createSession } from '../auth/store.ts';
import { systemActor, type Role } from '../shared/actor.ts';
import type { Db } from '../store/db.ts';
import { write } from '../store/write.ts';
import type { Client, Session } from './testing.ts';

/** A signed-in session for the demo's first account holding `role`. */
export async function demoSession(db: Db, role: Role): Promise<Session> {
  const account = await db
    .selectFrom('account')
    .innerJoin('person_role', 'person_role.person_id', 'account.person_id')
    .select(['account.id', 'account.person_id'])
    .where('person_role.role', '=', role)
    .orderBy('account.id')
    .executeTakeFirstOrThrow();
  const session = await write(db, systemActor('test'), (w) => createSession(w, account.id));
  return { cookie: session.token, csrfToken: session.csrfToken, personId: account.person_id! };
}

/**
 * For the tests that walk every GET route on the demo (the access log's, the blinding's): a value for
 * each path parameter, so a new route with a new parameter fails the walk until it is given one here.
 */
export async function demoPathFiller(client: Client, db: Db, options: { personId: number; datasetId: number; feedOwner: Session }): Promise<(url: string) => string> {
  const topUnit = await db.selectFrom('unit').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirstOrThrow();
  const attended = await db.selectFrom('session_attendance').select('session_id').orderBy('session_id').executeTakeFirstOrThrow();
  const drill = await db.selectFrom('drill_attempt').select('drill_id').orderBy('id').executeTakeFirstOrThrow();
  const trial = await db.selectFrom('trial').select('code').orderBy('id').executeTakeFirstOrThrow();
  const appointment = await db.selectFrom('appointment').select('id').orderBy('id').executeTakeFirstOrThrow();
  const feed = new URL((await client.request({ method: 'POST', url: '/api/me/calendar-feed', as: options.feedOwner })).json().url);
  // A past analysis (GET /api/analysis/runs/:id): an ANCOVA on a small upload, as the feed's owner (an analysing role).
  const ancova = { model: 'ancova', data: 'id,arm,y\n1,a,1\n2,a,2\n3,b,4\n4,b,6\n', outcome: 'y', arm: 'arm', control: 'a' };
  const run = (await client.request({ method: 'POST', url: '/api/analysis', payload: ancova, as: options.feedOwner })).json() as { runId: number };
  return (url) =>
    url
      .replace(/^\/api\/people\/:id/, `/api/people/${options.personId}`)
      .replace(/^\/api\/units\/:id/, `/api/units/${topUnit.id}`)
      .replace(/^\/api\/training\/sessions\/:id/, `/api/training/sessions/${attended.session_id}`)
      .replace(/^\/api\/analysis\/datasets\/:id/, `/api/analysis/datasets/${options.datasetId}`)
      .replace(/^\/api\/analysis\/runs\/:id/, `/api/analysis/runs/${run.runId}`)
      .replace(/^\/api\/appointments\/:id/, `/api/appointments/${appointment.id}`)
      .replace(/^\/api\/calendar\/:token/, feed.pathname)
      // Its token is a query parameter: an unknown one answers that the link is not valid.
      .replace(/^\/api\/account-setup$/, '/api/account-setup?token=not-a-set-up-link')
      .replace(/:drillId/, String(drill.drill_id))
      .replace(/:code/, trial.code)
      .replace(/\/participants\/:id/, `/participants/${options.personId}`)
      .replace(/:date/, new Date().toISOString().slice(0, 10));
}
