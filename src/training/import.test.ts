import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { makeWorld, startTestApp, type Client, type Session } from '../server/testing.ts';
import type { Db } from '../store/db.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { write } from '../store/write.ts';
import { FirstLines, parseStrongDuration, runTrainingImport, setKeyHash } from './import.ts';
import { addSet, exerciseLookup } from './store.ts';

const header = 'designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes';
const setCount = async (db: Db) => Number((await db.selectFrom('training_set').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const post = (client: Client, as: Session, csv: string, query = '') =>
  client.request({ method: 'POST', url: `/api/training/import${query}`, as, headers: { 'content-type': 'text/csv' }, payload: csv });

describeEachDatabase('training import and export', (database) => {
  it('imports sets in local time, and importing the same file twice adds nothing', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const designation = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}`, as: world.sessions.admin })).json().designation;
    const csv = [
      header,
      `${designation},2026-07-10,23:00,Back Squat,1,5,100,kg,8,,,`,
      `${designation},2026-07-10,23:00,back squat,2,5,225,lb,8.5,,,"heavy, but clean"`,
      `${designation},2026-07-10,23:00,Run,1,,,,,600,2000,`,
      `${designation},2026-07-11,07:00,Squat (Barbell),1,3,110,KG,,,,`,
    ].join('\n');
    const first = await post(client, world.sessions.trainer, csv);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ format: 'muster', rows: 4, added: 4, alreadyStored: 0, sessionsCreated: 2, skipped: 0 });
    const again = await post(client, world.sessions.trainer, csv);
    expect(again.json()).toEqual({ format: 'muster', rows: 4, added: 0, alreadyStored: 4, sessionsCreated: 0, skipped: 0 });
    expect(await setCount(database().db)).toBe(4);

    const sets = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}/training/sets?from=2026-07-10&to=2026-07-11`, as: world.sessions.trainer })).json().sets;
    expect(sets[0].at).toMatchObject({ at: '2026-07-10T22:00:00.000Z', date: '2026-07-10', time: '23:00' });
    const lb = sets.find((s: { actual: { load: { enteredUnit: string } | null } }) => s.actual.load?.enteredUnit === 'lb');
    expect(lb.actual.load.kg).toBe(102.05828325);
    expect(lb.notes).toBe('heavy, but clean');
  });

  it('writes a set from the form and the same set from an import as identical rows with the same audit shape', async () => {
    const world = await makeWorld(database());
    const { db } = database();
    const designation = (await db.selectFrom('person').select('designation').where('id', '=', world.ownParticipantId).executeTakeFirstOrThrow()).designation;
    const imported = await runTrainingImport(db, systemActor('test'), [header, `${designation},2026-07-10,09:00,Back Squat,1,5,100,kg,8,,,"clean"`].join('\n'), { scope: { kind: 'all', selfId: null } });
    expect(imported.added).toBe(1);
    const fromImport = await db.selectFrom('training_set').selectAll().executeTakeFirstOrThrow();
    const exerciseId = (await exerciseLookup(db)).get('back squat')!;
    const noValues = { reps: null, load: null, rpe: null, rir: null, durationS: null, distanceM: null };
    const formId = await write(db, systemActor('form'), (w) =>
      addSet(w, { sessionId: fromImport.session_id, personId: world.otherParticipantId, exerciseId, setNumber: 1, loadUnit: 'kg', target: noValues, actual: { ...noValues, reps: 5, load: 100, rpe: 8 }, notes: 'clean' }, false),
    );
    const fromForm = await db.selectFrom('training_set').selectAll().where('id', '=', formId).executeTakeFirstOrThrow();
    const rowOf = ({ id: _i, person_id: _p, created_at: _c, updated_at: _u, ...rest }: typeof fromForm) => rest;
    expect(rowOf(fromForm)).toEqual(rowOf(fromImport));
    const attendance = await db.selectFrom('session_attendance').select(['person_id', 'status', 'rpe', 'minutes']).where('session_id', '=', fromImport.session_id).orderBy('person_id').execute();
    expect(attendance.map(({ person_id: _p, ...a }) => a)).toEqual([
      { status: 'present', rpe: null, minutes: null },
      { status: 'present', rpe: null, minutes: null },
    ]);
    const events = await db.selectFrom('audit_event').select(['action', 'entity', 'entity_id', 'before_json', 'after_json']).where('action', '=', 'training.set.create').orderBy('seq').execute();
    expect(events.map((e) => ({ ...e, after_json: JSON.parse(e.after_json!) }))).toEqual([
      { action: 'training.set.create', entity: 'training_set', entity_id: String(fromImport.id), before_json: null, after_json: { source: 'import', ids: [fromImport.id], self_reported: false } },
      { action: 'training.set.create', entity: 'training_set', entity_id: String(formId), before_json: null, after_json: { source: 'form', ids: [formId], self_reported: false } },
    ]);
  });

  it('reports every bad row with line, column and reason, and writes nothing', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const me = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}`, as: world.sessions.admin })).json().designation;
    const them = (await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}`, as: world.sessions.admin })).json().designation;
    const csv = [
      header,
      `${me},2026-07-10,09:00,Back Squat,1,5,100,kg,8,,,`,
      `NOBODY-1,2026-07-10,09:00,Back Squat,1,5,100,kg,8,,,`,
      `${them},2026-07-10,09:00,Back Squat,1,5,100,kg,8,,,`,
      `${me},2026-07-10,9am,Back Squat,2,5,100,kg,8,,,`,
      `${me},2026-07-10,09:00,Zumba,3,5,,,,,,`,
      `${me},2026-07-10,09:00,Back Squat,4,5,100,stone,8,,,`,
      `${me},2026-07-10,09:00,Back Squat,5,5,100,kg,11,,,`,
      `${me},2026-07-10,09:00,Back Squat,6,five,100.12345,kg,,,,`,
      `${me},2026-03-29,01:30,Back Squat,1,5,100,kg,,,,`,
      `${me},2026-07-10,09:00,Back Squat,1,5,100,kg,8,,,`,
      `${me},2026-07-10,09:00,Back Squat,7,,,,,,,`,
      `${me},2026-07-10,09:00,Back Squat,8,1,2500,lb,,,,`,
      `${me},2026-07-10,09:00,Back Squat,9,5,100,kg,8,,`,
      `${me},2026-07-10,09:00,Back Squat,10,5,100,st,8,,,`,
    ].join('\n');
    const response = await post(client, world.sessions.trainer, csv);
    expect(response.statusCode).toBe(400);
    const problems = response.json().error.problems as { line: number; column: string; reason: string }[];
    const at = (line: number) => problems.filter((p) => p.line === line).map((p) => `${p.column}: ${p.reason}`);
    expect(at(2)).toEqual([]);
    expect(at(3)).toEqual(['designation: nobody on the roster you may see is NOBODY-1']);
    // The trainer's scope is their platoon: someone elsewhere is as unknown to them.
    expect(at(4)).toEqual([`designation: nobody on the roster you may see is ${them}`]);
    expect(at(5)).toEqual(["time: '9am' is not a local time HH:MM (24-hour)"]);
    expect(at(6)[0]).toMatch(/^exercise: 'Zumba' is not in the exercise catalogue/);
    expect(at(7)).toEqual(["load_unit: 'stone' is not kg or lb"]);
    expect(at(8)).toEqual(['rpe: 11: RPE is 1 to 10']);
    expect(at(9)).toEqual(["reps: 'five' is not a number", 'load: 100.12345: at most three decimals']);
    expect(at(10)).toEqual(['time: 2026-03-29 01:30 does not exist in Europe/London (the clocks jump forward then)']);
    expect(at(11)).toEqual(['set: the same person, session, exercise and set as line 2']);
    expect(at(12)).toEqual(['reps: the row records nothing: give reps, a load, a duration or a distance']);
    expect(at(13)).toEqual(['load: 2500 lb: must be at most 1000 kg']);
    // A field short: one more bad row, and reading goes on to the next one.
    expect(at(14)).toEqual(['*: has 11 fields but the header has 12']);
    expect(at(15)).toEqual(["load_unit: 'st' is not kg or lb"]);
    expect(await setCount(database().db)).toBe(0);
    expect(Number((await database().db.selectFrom('training_session').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
  });

  it('rolls back batches already written when a later row is bad', async () => {
    const world = await makeWorld(database());
    const designation = (await database().db.selectFrom('person').select('designation').where('id', '=', world.ownParticipantId).executeTakeFirstOrThrow()).designation;
    // More rows than a batch, so some are written (on SQLite through the raw connection) before the bad one is read.
    const good = Array.from({ length: 1100 }, (_, i) => `${designation},2026-07-${10 + Math.floor(i / 100)},09:00,Back Squat,${(i % 100) + 1},5,100,kg,,,,`);
    const csv = [header, ...good, `${designation},2026-07-30,09:00,Back Squat,1,5,100,stone,,,,`].join('\n');
    await expect(runTrainingImport(database().db, systemActor('test'), csv, { scope: { kind: 'all', selfId: null } })).rejects.toMatchObject({ problems: [{ line: 1102, column: 'load_unit', reason: "'stone' is not kg or lb" }] });
    expect(await setCount(database().db)).toBe(0);
    expect(Number((await database().db.selectFrom('session_attendance').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
  });

  it('reads a file stream that a progress bar also listens to, in small chunks', async () => {
    const world = await makeWorld(database());
    const designation = (await database().db.selectFrom('person').select('designation').where('id', '=', world.ownParticipantId).executeTakeFirstOrThrow()).designation;
    const lines = Array.from({ length: 50 }, (_, i) => `${designation},2026-07-10,09:00,Back Squat,${i + 1},5,100,kg,,,,`);
    const text = [header, ...lines].join('\n');
    const stream = Readable.from(Array.from({ length: Math.ceil(text.length / 7) }, (_, i) => Buffer.from(text.slice(i * 7, i * 7 + 7))));
    let seen = 0;
    stream.on('data', (chunk: Buffer) => (seen += chunk.length));
    const summary = await runTrainingImport(database().db, systemActor('test'), stream, { scope: { kind: 'all', selfId: null } });
    expect(summary).toMatchObject({ rows: 50, added: 50 });
    expect(seen).toBe(Buffer.byteLength(text));
  });

  it('refuses a file whose header is not the training format', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const response = await post(client, world.sessions.trainer, 'designation,date,exercise\nX,2026-01-01,Run\n');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.problems).toEqual(expect.arrayContaining([{ line: 1, column: 'time', reason: 'required column is missing from the header' }]));
  });

  it("reads Strong's workout export for the person named in the request", async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const unit = await makeUnit(database().db, { timeZone: 'America/New_York' });
    const person = await makePerson(database().db, { unitId: unit.id });
    const strong = [
      'Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE',
      '2026-02-03 18:22:05,"Evening Workout",1h 5m,Squat (Barbell),1,135,5,0,0,,"felt good",',
      '2026-02-03 18:22:05,"Evening Workout",1h 5m,Squat (Barbell),2,185,5,0,0,,"felt good",8',
      '2026-02-03 18:22:05,"Evening Workout",1h 5m,Squat (Barbell),Rest Timer,0,0,0,90,,,',
      '2026-02-03 18:22:05,"Evening Workout",1h 5m,Running,1,0,0,5,1500,,,',
    ].join('\n');
    const refused = await post(client, world.sessions.admin, strong);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.problems[0]).toMatchObject({ column: 'designation' });

    const response = await post(client, world.sessions.admin, strong, `?designation=${person.designation}&loadUnit=lb`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ format: 'strong', rows: 3, added: 3, alreadyStored: 0, sessionsCreated: 1, skipped: 1 });
    const sets = (await client.request({ method: 'GET', url: `/api/people/${person.id}/training/sets?from=2026-02-03&to=2026-02-03`, as: world.sessions.admin })).json().sets;
    // 18:22 in New York in February is 23:22 UTC, still 3 February locally.
    expect(sets[0].at).toMatchObject({ at: '2026-02-03T23:22:00.000Z', date: '2026-02-03', time: '18:22', offset: '-05:00' });
    const run = sets.find((s: { exercise: { name: string } }) => s.exercise.name === 'Run');
    expect(run.actual).toMatchObject({ distanceM: 5000, durationS: 1500 });
    const heavy = sets.find((s: { setNumber: number; exercise: { name: string } }) => s.exercise.name === 'Back Squat' && s.setNumber === 2);
    expect(heavy.actual).toMatchObject({ reps: 5, rpe: 8, load: { kg: 83.91458845, enteredUnit: 'lb' } });
    const session = (await client.request({ method: 'GET', url: `/api/training/sessions/${heavy.sessionId}`, as: world.sessions.admin })).json();
    expect(session).toMatchObject({ title: 'Evening Workout', status: 'held', notes: 'felt good', actual: { minutes: 65 } });
  });

  it('exports every set with everything stored, as CSV and JSON, within the reader’s scope', async () => {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const me = (await client.request({ method: 'GET', url: `/api/people/${world.ownParticipantId}`, as: world.sessions.admin })).json().designation;
    const them = (await client.request({ method: 'GET', url: `/api/people/${world.otherParticipantId}`, as: world.sessions.admin })).json().designation;
    const csv = [header, `${me},2026-07-10,23:00,Back Squat,1,5,225,lb,8,,,"a ""quoted"" note"`, `${them},2026-07-10,09:00,Deadlift,1,3,180,kg,,,,`].join('\n');
    expect((await post(client, world.sessions.admin, csv)).statusCode).toBe(200);

    const json = await client.request({ method: 'GET', url: '/api/training/export?format=json', as: world.sessions.investigator });
    expect(json.statusCode).toBe(200);
    const rows = json.json() as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ designation: me, date: '2026-07-10', time: '23:00', utc_offset: '+01:00', starts_at: '2026-07-10T22:00:00.000Z', exercise: 'Back Squat', set: 1, reps: 5, load_kg: 102.05828325, load_unit: 'lb', load_as_entered: 225, rpe: 8, notes: 'a "quoted" note', attendance: 'present' });

    const text = (await client.request({ method: 'GET', url: '/api/training/export?format=csv', as: world.sessions.trainer })).body;
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^set_id,designation,person_id,unit,time_zone,session_id/);
    // The trainer's scope is their platoon: the other participant's set stays out.
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"a ""quoted"" note"');
    expect(lines[1]).toContain(',102.05828325,lb,225,');

    const own = (await client.request({ method: 'GET', url: '/api/training/export?format=json', as: world.sessions.participant })).json();
    expect(own.map((r: { designation: string }) => r.designation)).toEqual([me]);
  });
});

it('reads Strong durations', () => {
  expect(parseStrongDuration('1h 5m')).toBe(65);
  expect(parseStrongDuration('45m')).toBe(45);
  expect(parseStrongDuration('90s')).toBe(2);
  expect(parseStrongDuration('')).toBeNull();
  expect(parseStrongDuration('an hour')).toBeUndefined();
});

type SetKey = [personId: number, startsAtMs: number, exerciseId: number, setNumber: number];
// Hourly sessions from four days before 1970 on: instants on both sides of 0 ms.
const setKey = (i: number): SetKey => [1 + (i % 1000), Date.UTC(1969, 11, 28) + Math.floor(i / 1000) * 3_600_000, 1 + (i % 7), 1 + (i % 5)];

it('remembers the first line of each key through growth', () => {
  const lines = new FirstLines();
  const repeated = Array.from({ length: 200_000 }, (_, i) => lines.firstOr(...setKey(i), i + 2)).filter((first) => first !== undefined);
  expect(repeated).toEqual([]);
  expect(lines.firstOr(...setKey(0), 999)).toBe(2);
  expect(lines.firstOr(...setKey(199_999), 999)).toBe(200_001);
  const another: SetKey = [1, Date.UTC(1969, 11, 28), 1, 100];
  expect(lines.firstOr(...another, 5)).toBeUndefined();
  expect(lines.firstOr(...another, 6)).toBe(5);
});

it('tells apart keys that share a hash, field by field', () => {
  // Every key in one slot: only the exact comparison separates them.
  const lines = new FirstLines(() => 7);
  const [person, at, exercise, set] = setKey(0);
  const keys: SetKey[] = [setKey(0), [person + 1, at, exercise, set], [person, at + 1, exercise, set], [person, at, exercise + 1, set], [person, at, exercise, set + 1]];
  // -1 ms and 2^32 - 1 ms share their low 32 bits.
  keys.push([person, -1, exercise, set], [person, 2 ** 32 - 1, exercise, set]);
  for (let i = 0; i < 40; i++) keys.push([1000 + i, at, exercise, set]);
  keys.forEach((key, i) => expect(lines.firstOr(...key, i + 2)).toBeUndefined());
  keys.forEach((key, i) => expect(lines.firstOr(...key, 1)).toBe(i + 2));
});

it('tells apart two keys of a realistic file whose real hashes are equal', () => {
  const byHash = new Map<number, number>();
  let pair: [SetKey, SetKey] | undefined;
  for (let i = 0; !pair; i++) {
    const hash = setKeyHash(...setKey(i));
    const earlier = byHash.get(hash);
    if (earlier === undefined) byHash.set(hash, i);
    else pair = [setKey(earlier), setKey(i)];
  }
  const [a, b] = pair;
  expect(setKeyHash(...a)).toBe(setKeyHash(...b));
  expect(a).not.toEqual(b);
  const lines = new FirstLines();
  expect(lines.firstOr(...a, 2)).toBeUndefined();
  expect(lines.firstOr(...b, 3)).toBeUndefined();
  expect(lines.firstOr(...b, 4)).toBe(3);
});
