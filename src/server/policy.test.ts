import fc from 'fast-check';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { loadDemo } from '../demo/load.ts';
import { setLeaderboardOptOut } from '../drills/store.ts';
import { roles, systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { ruleFor } from '../access/index.ts';
import { routePolicy } from './guard.ts';
import type { Db, DialectName } from '../store/db.ts';
import { fitting, operationsOf } from './request-testing.ts';
import { describeEachDatabase } from './test-databases.ts';
import { makeWorld, sessionFor, startTestApp } from './testing.ts';
import { demoSession } from './walk-testing.ts';

const auditLength = async (db: Db) => (await db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq;

describeEachDatabase('every route with every role', (database) => {
  it('answers as the policy says, and a refused request writes nothing', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const routes = client.app.apiRoutes;
    expect(routes.length).toBeGreaterThan(15);
    const csvToo = new Set(operationsOf(client.app.swagger()).filter((o) => o.parameters.some((p) => p.in === 'query' && p.name === 'format')).map((o) => o.route));

    const checked: string[] = [];
    for (const route of routes) {
      const [method, url] = route.split(' ');
      const rule = ruleFor(routePolicy, method, url);
      expect(rule, `${route} has no policy entry`).toBeDefined();
      if (!rule) continue;
      // A password reset ends its person's sessions: it is aimed at someone whose session the loop does not use.
      const personId = route === 'POST /api/people/:id/account/reset' ? world.otherParticipantId : world.ownParticipantId;
      const path = url.replace(/:id\b/g, String(personId)).replace(/:[a-zA-Z]+/g, '1').replace(/\*$/, 'index.html');
      const payload = method === 'GET' || method === 'DELETE' ? undefined : {};
      // Exports and reports answer in each of their formats: the CSV download is walked too.
      const variants = csvToo.has(route) ? [path, `${path}?format=csv`] : [path];

      for (const [who, variant] of (['anonymous', ...roles] as const).flatMap((w) => variants.map((v) => [w, v] as const))) {
        const before = await auditLength(database().db);
        // Signing out ends the session, so that route gets a session of its own.
        const session = who === 'anonymous' ? undefined : route === 'POST /api/auth/logout' ? await sessionFor(database(), [who]) : world.sessions[who];
        const response = await client.request({ method: method as 'GET', url: variant, payload, as: session });
        // No role passes a kiosk route: only a kiosk's token does (src/schedule/kiosk.test.ts).
        const allowed = rule.kind === 'public' || (who !== 'anonymous' && (rule.kind === 'signed-in' || (rule.kind === 'roles' && rule.roles.includes(who))));
        const label = `${method} ${variant} as ${who} -> ${response.statusCode} ${response.body.slice(0, 120)}`;
        if (allowed) {
          expect([401, 403], label).not.toContain(response.statusCode);
        } else {
          expect(response.statusCode, label).toBe(who === 'anonymous' ? 401 : 403);
          expect(await auditLength(database().db), `${label} wrote to the audit trail`).toBe(before);
        }
        checked.push(label);
      }
    }
    expect(checked.length).toBe((routes.length + csvToo.size) * (roles.length + 1));
    for (const route of ['GET /api/training/export', 'GET /api/wellness/export', 'GET /api/assessments/export']) expect(csvToo).toContain(route);
  }, 120_000);

  it('has no policy entry for a route that does not exist', async () => {
    const client = await startTestApp(database());
    const registered = new Set(client.app.apiRoutes);
    const stale = Object.keys(routePolicy).filter((key) => !registered.has(key));
    expect(stale).toEqual([]);
  });
});

/** A participant's data that others must not reach: who they are, and the ids of their rows. */
async function otherParticipant(db: Db, me: number) {
  const myUnit = await db.selectFrom('person_unit').select('unit_id').where('person_id', '=', me).where('effective_to', 'is', null).executeTakeFirstOrThrow();
  // The other participant with the most training sets, from my own unit if there is one: the nearest neighbour.
  const candidates = await db
    .selectFrom('person_role')
    .innerJoin('person_unit', (join) => join.onRef('person_unit.person_id', '=', 'person_role.person_id').on('person_unit.effective_to', 'is', null))
    .leftJoin('training_set', 'training_set.person_id', 'person_role.person_id')
    .select(['person_role.person_id', 'person_unit.unit_id', (eb) => eb.fn.count('training_set.id').as('sets')])
    .where('person_role.role', '=', 'participant')
    .where('person_role.person_id', '!=', me)
    .groupBy(['person_role.person_id', 'person_unit.unit_id'])
    .execute();
  candidates.sort((a, b) => Number(a.unit_id !== myUnit.unit_id) - Number(b.unit_id !== myUnit.unit_id) || Number(b.sets) - Number(a.sets));
  const { person_id: id, unit_id: unitId } = candidates[0];
  const person = await db.selectFrom('person').select(['designation', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
  const first = async (table: 'training_set' | 'assessment' | 'appointment' | 'notification' | 'session_attendance' | 'drill_attempt' | 'wellness_report', column: 'id' | 'session_id' | 'drill_id' = 'id') =>
    (await db.selectFrom(table).select(column).where('person_id', '=', id).orderBy(column).executeTakeFirst())?.[column as 'id'];
  const trial = await db.selectFrom('trial_allocation').innerJoin('trial', 'trial.id', 'trial_allocation.trial_id').select('trial.code').where('trial_allocation.person_id', '=', id).executeTakeFirst();
  return {
    id,
    unitId,
    ...person,
    setId: await first('training_set'),
    assessmentId: await first('assessment'),
    appointmentId: await first('appointment'),
    notificationId: await first('notification'),
    sessionId: await first('session_attendance', 'session_id'),
    drillId: await first('drill_attempt', 'drill_id'),
    trialCode: trial?.code ?? (await db.selectFrom('trial').select('code').orderBy('id').executeTakeFirstOrThrow()).code,
  };
}

/** The rows about one person in every table that has a person_id: a write on their behalf changes the count. */
async function rowsAbout(db: Db, dialect: DialectName, personId: number): Promise<() => Promise<number>> {
  const schema = dialect === 'postgres' ? (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0].name : undefined;
  const tables = (await db.introspection.getTables()).filter((t) => !t.isView && t.schema === schema && t.columns.some((c) => c.name === 'person_id')).map((t) => t.name);
  const query = sql<{ n: number | string }>`select ${sql.join(tables.map((t) => sql`(select count(*) from ${sql.table(t)} where person_id = ${personId})`), sql` + `)} as n`;
  return async () => Number((await query.execute(db)).rows[0].n);
}

describeEachDatabase('a participant and another participant’s data', (database) => {
  it('never reaches it by any id, parameter, body or export: every route refuses or answers nothing of theirs, and writes nothing about them', async () => {
    const db = database().db;
    await loadDemo(db, { participants: 6 });
    const still = new Date();
    const client = await startTestApp(database(), () => new Date(still));
    const me = await demoSession(db, 'participant');
    const other = await otherParticipant(db, me.personId);
    // A unit's leaderboards show the participants who take part: this one has opted out, so none may show them.
    await write(db, systemActor('test'), (w) => setLeaderboardOptOut(w, other.id, true));
    const feed = new URL((await client.request({ method: 'POST', url: '/api/me/calendar-feed', as: me })).json().url);
    // The schedule's work that fell due by now (reminders, missed visits) is done on the first read of
    // appointments, whoever reads: do it before counting, so the walk's first read does not count it.
    expect((await client.request({ method: 'GET', url: '/api/appointments', as: me })).statusCode).toBe(200);
    const aboutThem = await rowsAbout(db, database().dialect, other.id);
    const operations = new Map(operationsOf(client.app.swagger()).map((o) => [o.route, o]));

    // Their ids in every id-like path parameter, by what the path names.
    const idFor = (url: string) =>
      [
        ['/api/training/sets/', other.setId],
        ['/api/training/sessions/', other.sessionId],
        ['/api/assessments/', other.assessmentId],
        ['/api/appointments/', other.appointmentId],
        ['/api/me/inbox/', other.notificationId],
        ['/api/units/', other.unitId],
      ].find(([prefix]) => url.startsWith(String(prefix)))?.[1] ?? other.id;
    const pathFor = (url: string) =>
      url
        .replace(/:id\b/, String(idFor(url)))
        .replace(/:personId\b/, String(other.id))
        .replace(/:drillId\b/, String(other.drillId ?? 1))
        .replace(/:code\b/, other.trialCode)
        .replace(/:date\b/, still.toISOString().slice(0, 10))
        // A feed's token is a secret of its own, not an id: the participant's own feed.
        .replace(/:token\b/, feed.pathname.split('/').at(-1)!);
    const queryValues: Record<string, string> = { personId: String(other.id), unitId: String(other.unitId), people: String(other.id), designation: other.designation, entity: 'person', entityId: String(other.id), format: 'csv' };
    const trainingRow = `designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes\n${other.designation},2026-03-02,09:00,Back Squat,1,5,100,kg,8,,,\n`;
    const leaks = (text: string) => [other.designation, other.name].filter((s) => text.toLowerCase().includes(s.toLowerCase()));

    const problems: string[] = [];
    let walked = 0;
    for (const route of client.app.apiRoutes) {
      const [method, url] = route.split(' ');
      if (url.startsWith('/api/docs') || route === 'POST /api/auth/logout') continue;
      const operation = operations.get(route);
      const query = (operation?.parameters ?? []).filter((p) => p.in === 'query' && queryValues[p.name]).map((p) => `${p.name}=${encodeURIComponent(queryValues[p.name])}`);
      const path = pathFor(url) + (query.length ? `?${query.join('&')}` : '');
      // A body that names them wherever a field could: every person-like field, and a CSV file of their rows.
      const bodies: { payload?: string; type?: string }[] =
        operation?.body?.contentType === 'text/csv'
          ? [{ payload: trainingRow, type: 'text/csv' }, { payload: `designation,date\n${other.designation},2026-03-02\n`, type: 'text/csv' }]
          : operation?.body
            ? fc.sample(fitting(operation.body.schema), { seed: 14, numRuns: 3 }).map((value) => ({ payload: JSON.stringify(aimedAt(value, other)), type: 'application/json' }))
            : [{}];
      for (const body of bodies) {
        const before = await aboutThem();
        const response = await client.request({ method: method as 'GET', url: path, as: me, ...(body.payload !== undefined && { payload: body.payload, headers: { 'content-type': body.type! } }) });
        walked += 1;
        const label = `${method} ${path} as a participant -> ${response.statusCode} ${response.body.slice(0, 160)}`;
        if (response.statusCode >= 500) problems.push(label);
        const shown = leaks(response.body);
        if (shown.length) problems.push(`answered with ${shown.join(', ')}: ${label}`);
        if (response.statusCode < 400 && String(response.headers['content-type'] ?? '').includes('json')) {
          const ids = personIdsIn(response.json());
          if (ids.has(other.id)) problems.push(`answered with data of person ${other.id}: ${label}`);
        }
        if ((await aboutThem()) !== before) problems.push(`wrote rows about them: ${label}`);
      }
    }
    console.log(`[${database().dialect}] ${walked} requests as a participant with another participant's ids, over ${client.app.apiRoutes.length} routes`);
    expect(problems).toEqual([]);
  }, 180_000);
});

/** The value with every person-like field aimed at `other`: their id, designation and name. */
function aimedAt(value: unknown, other: { id: number; designation: string; name: string }): unknown {
  if (Array.isArray(value)) return value.map((v) => aimedAt(v, other));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      if (/^(personId|participantId|person|people|personIds)$/.test(key)) return [key, Array.isArray(v) ? [other.id] : other.id];
      if (key === 'designation') return [key, other.designation];
      return [key, aimedAt(v, other)];
    }),
  );
}

/** The person ids an answer carries data of: `personId`, `person_id`, or a nested `person`'s id. */
function personIdsIn(body: unknown): Set<number> {
  const found = new Set<number>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    for (const key of ['personId', 'person_id']) if (typeof record[key] === 'number') found.add(record[key]);
    const person = record.person as { id?: unknown } | null | undefined;
    if (person && typeof person.id === 'number') found.add(person.id);
    Object.values(record).forEach(visit);
  };
  visit(body);
  return found;
}
