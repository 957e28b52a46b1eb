import { expect, it } from 'vitest';
import { makePerson, makeUnit } from '../roster/testing.ts';
import { makeWorld, startTestApp, type Client, type Session } from '../server/testing.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { parseAppDateTime, setKindOf } from './import.ts';
import { exactProduct } from './model.ts';

// Files as the apps write them: Strong's comma export (its header and "1h 5m" durations, 0 for
// what was not recorded, Rest Timer rows), Strong's semicolon export (every field quoted, units
// in the column names, a decimal comma where that is the phone's locale) and Hevy's workout CSV.
const strongComma = [
  'Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE',
  '2026-02-03 18:22:05,"Legs, heavy",1h 5m,Squat (Barbell),W,60,10,0,0,,"Knee ""felt"" fine,',
  'then tight",',
  '2026-02-03 18:22:05,"Legs, heavy",1h 5m,Squat (Barbell),1,100,5,0,0,"paused, 2 s","Knee ""felt"" fine,',
  'then tight",8',
  '2026-02-03 18:22:05,"Legs, heavy",1h 5m,Squat (Barbell),Rest Timer,0,0,0,120,,,',
  '2026-02-03 18:22:05,"Legs, heavy",1h 5m,Squat (Barbell),2,100,4,0,0,,,',
  '2026-02-03 18:22:05,"Legs, heavy",1h 5m,Squat (Barbell),D,70,8,0,0,,,',
  '2026-02-03 18:22:05,"Legs, heavy",1h 5m,Squat (Barbell),F,60,6,0,0,,,10',
  '2026-02-03 18:22:05,"Legs, heavy",1h 5m,Plank,1,0,0,0,60,,,',
  '2026-02-05 07:01:44,"Morning run",32m,Running,1,0,0,5.25,1920,,,',
].join('\n');

const strongSemicolon = [
  '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";"Weight (lbs)";"Reps";"RPE";"Distance (miles)";"Seconds";"Notes";"Workout Notes"',
  '"7";"2026-03-10 06:30:00";"Push";"3930";"Bench Press (Barbell)";"W";"95";"10";"";"";"";"";"short; sharp"',
  '"7";"2026-03-10 06:30:00";"Push";"3930";"Bench Press (Barbell)";"1";"225";"5";"8.5";"";"";"";"short; sharp"',
  '"7";"2026-03-10 06:30:00";"Push";"3930";"Bench Press (Barbell)";"2";"225";"4";"";"";"";"";"short; sharp"',
  '"8";"2026-03-11 06:30:00";"Run";"1800";"Running";"1";"0";"0";"";"3.1";"1800";"";""',
].join('\r\n');

const strongSemicolonKg = [
  '\uFEFF"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";"Weight (kg)";"Reps";"RPE";"Distance (km)";"Seconds";"Notes";"Workout Notes"',
  '"1";"2026-03-12 18:00:00";"Legs";"2700";"Squat (Barbell)";"1";"62,5";"5";"";"";"";"";""',
  '"1";"2026-03-12 18:00:00";"Legs";"2700";"Running";"1";"";"";"";"1,2";"300";"";""',
].join('\n');

const hevyKg = [
  '"title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","weight_kg","reps","distance_km","duration_seconds","rpe"',
  '"Lower A","26 Apr 2024, 06:30","26 Apr 2024, 07:42","Slept badly, ""ok"" session","Squat (Barbell)",,"",0,"warmup",40,10,,,',
  '"Lower A","26 Apr 2024, 06:30","26 Apr 2024, 07:42","Slept badly, ""ok"" session","Squat (Barbell)",,"belt on",1,"normal",102.0583,5,,,8',
  '"Lower A","26 Apr 2024, 06:30","26 Apr 2024, 07:42","Slept badly, ""ok"" session","Squat (Barbell)",,"",2,"dropset",80,8,,,',
  '"Lower A","26 Apr 2024, 06:30","26 Apr 2024, 07:42","Slept badly, ""ok"" session","Squat (Barbell)",,"",3,"failure",70,7,,,',
  '"Lower A","26 Apr 2024, 06:30","26 Apr 2024, 07:42","Slept badly, ""ok"" session","Plank",,"",0,"normal",,,,90,',
  '"Easy run","27 Apr 2024, 18:05","27 Apr 2024, 18:40","","Running",,"",0,"normal",,,5.5,2100,',
].join('\n');

const hevyLbs = [
  '"title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","weight_lbs","reps","distance_miles","duration_seconds","rpe"',
  '"Push","1 May 2024, 17:00","1 May 2024, 18:00","","Bench Press (Barbell)",0,"",0,"normal",225,5,,,',
  '"Push","1 May 2024, 17:00","1 May 2024, 18:00","","Running",,"",0,"normal",,,3.1,1800,',
].join('\n');

interface SetJson {
  setNumber: number;
  kind: string;
  sessionId: number;
  exercise: { name: string };
  actual: { reps: number | null; load: { kg: number; enteredUnit: string } | null; rpe: number | null; durationS: number | null; distanceM: number | null };
  notes: string;
}

const post = (client: Client, as: Session, csv: string, query: string) => client.request({ method: 'POST', url: `/api/training/import${query}`, as, headers: { 'content-type': 'text/csv' }, payload: csv });

describeEachDatabase('imports of other apps’ exports', (database) => {
  async function setUp() {
    const client = await startTestApp(database());
    const world = await makeWorld(database());
    const unit = await makeUnit(database().db, { timeZone: 'Europe/London' });
    const person = await makePerson(database().db, { unitId: unit.id });
    const setsOf = async (from: string, to: string) => (await client.request({ method: 'GET', url: `/api/people/${person.id}/training/sets?from=${from}&to=${to}`, as: world.sessions.admin })).json().sets as SetJson[];
    const sessionOf = async (id: number) => (await client.request({ method: 'GET', url: `/api/training/sessions/${id}`, as: world.sessions.admin })).json();
    return { client, admin: world.sessions.admin, person, setsOf, sessionOf };
  }

  it("reads Strong's warm-up, drop and failure sets, keeps the workout's notes, and stores a run's and a plank's reps and load as empty", async () => {
    const { client, admin, person, setsOf, sessionOf } = await setUp();
    const response = await post(client, admin, strongComma, `?designation=${person.designation}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ format: 'strong', rows: 7, added: 7, alreadyStored: 0, sessionsCreated: 2, skipped: 1 });
    const sets = await setsOf('2026-02-03', '2026-02-05');
    const squats = sets.filter((s) => s.exercise.name === 'Back Squat').sort((a, b) => a.setNumber - b.setNumber);
    expect(squats.map((s) => [s.setNumber, s.kind, s.actual.load?.kg, s.actual.reps, s.actual.rpe])).toEqual([
      [1, 'warmup', 60, 10, null],
      [2, 'normal', 100, 5, 8],
      [3, 'normal', 100, 4, null],
      [4, 'drop', 70, 8, null],
      [5, 'failure', 60, 6, 10],
    ]);
    expect(squats[1].notes).toBe('paused, 2 s');
    const plank = sets.find((s) => s.exercise.name === 'Plank')!;
    expect(plank.actual).toMatchObject({ reps: null, load: null, durationS: 60, distanceM: null });
    const run = sets.find((s) => s.exercise.name === 'Run')!;
    expect(run.actual).toMatchObject({ reps: null, load: null, durationS: 1920, distanceM: 5250 });
    expect(await sessionOf(squats[0].sessionId)).toMatchObject({ title: 'Legs, heavy', notes: 'Knee "felt" fine,\nthen tight', status: 'held', actual: { minutes: 65 } });
    expect(await sessionOf(run.sessionId)).toMatchObject({ title: 'Morning run', actual: { minutes: 32 } });

    // The same file again adds nothing: sets are numbered by their place in the workout.
    expect((await post(client, admin, strongComma, `?designation=${person.designation}`)).json()).toMatchObject({ added: 0, alreadyStored: 7 });

    // Personal bests leave the warm-up out unless asked: here the warm-up's 10 reps are the most.
    const bests = async (query: string) => ((await client.request({ method: 'GET', url: `/api/people/${person.id}/training/bests${query}`, as: admin })).json().bests as { exercise: { name: string }; mostReps: { reps: number } }[]).find((b) => b.exercise.name === 'Back Squat')!;
    expect((await bests('')).mostReps.reps).toBe(8);
    expect((await bests('?warmups=include')).mostReps.reps).toBe(10);
  });

  it("reads Strong's semicolon export, taking pounds and miles from the column names and converting them exactly", async () => {
    const { client, admin, person, setsOf, sessionOf } = await setUp();
    const response = await post(client, admin, strongSemicolon, `?designation=${person.designation}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ format: 'strong', rows: 4, added: 4, sessionsCreated: 2 });
    const sets = await setsOf('2026-03-10', '2026-03-11');
    const bench = sets.filter((s) => s.exercise.name === 'Bench Press').sort((a, b) => a.setNumber - b.setNumber);
    expect(bench.map((s) => [s.kind, s.actual.load?.kg, s.actual.load?.enteredUnit, s.actual.rpe])).toEqual([
      ['warmup', 43.09127515, 'lb', null],
      ['normal', 102.05828325, 'lb', 8.5],
      ['normal', 102.05828325, 'lb', null],
    ]);
    const run = sets.find((s) => s.exercise.name === 'Run')!;
    // 3.1 miles is 4988.9664 m exactly.
    expect(run.actual).toMatchObject({ reps: null, load: null, distanceM: 4988.9664, durationS: 1800 });
    expect(await sessionOf(bench[0].sessionId)).toMatchObject({ title: 'Push', notes: 'short; sharp', actual: { minutes: 66 } });

    const kg = await post(client, admin, strongSemicolonKg, `?designation=${person.designation}`);
    expect(kg.statusCode, kg.body).toBe(200);
    const legs = await setsOf('2026-03-12', '2026-03-12');
    expect(legs.find((s) => s.exercise.name === 'Back Squat')!.actual.load).toMatchObject({ kg: 62.5, enteredUnit: 'kg' });
    expect(legs.find((s) => s.exercise.name === 'Run')!.actual).toMatchObject({ distanceM: 1200, durationS: 300, load: null, reps: null });
  });

  it("reads Hevy's workout export: set types, its dates, kilograms or pounds, kilometres or miles", async () => {
    const { client, admin, person, setsOf, sessionOf } = await setUp();
    const refused = await post(client, admin, hevyKg, '');
    expect(refused.json().error.problems[0]).toMatchObject({ line: 1, column: 'designation' });
    const response = await post(client, admin, hevyKg, `?designation=${person.designation}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ format: 'hevy', rows: 6, added: 6, alreadyStored: 0, sessionsCreated: 2, skipped: 0 });
    const sets = await setsOf('2024-04-26', '2024-04-27');
    const squats = sets.filter((s) => s.exercise.name === 'Back Squat').sort((a, b) => a.setNumber - b.setNumber);
    expect(squats.map((s) => [s.setNumber, s.kind, s.actual.load?.kg, s.actual.reps, s.notes])).toEqual([
      [1, 'warmup', 40, 10, ''],
      [2, 'normal', 102.058, 5, 'belt on'],
      [3, 'drop', 80, 8, ''],
      [4, 'failure', 70, 7, ''],
    ]);
    expect(sets.find((s) => s.exercise.name === 'Plank')!.actual).toMatchObject({ reps: null, load: null, durationS: 90 });
    expect(sets.find((s) => s.exercise.name === 'Run')!.actual).toMatchObject({ reps: null, load: null, distanceM: 5500, durationS: 2100 });
    // 06:30 in London in April is 05:30 UTC; the session lasted from 06:30 to 07:42.
    expect(await sessionOf(squats[0].sessionId)).toMatchObject({ title: 'Lower A', notes: 'Slept badly, "ok" session', planned: { at: '2024-04-26T05:30:00.000Z', time: '06:30' }, actual: { minutes: 72 } });

    const lbs = await post(client, admin, hevyLbs, `?designation=${person.designation}`);
    expect(lbs.statusCode, lbs.body).toBe(200);
    const may = await setsOf('2024-05-01', '2024-05-01');
    expect(may.find((s) => s.exercise.name === 'Bench Press')!.actual.load).toMatchObject({ kg: 102.05828325, enteredUnit: 'lb' });
    expect(may.find((s) => s.exercise.name === 'Run')!.actual.distanceM).toBe(4988.9664);
  });

  it('reports a bad set type, date or number at its line and column, and writes nothing', async () => {
    const { client, admin, person } = await setUp();
    const bad = [strongComma.split('\n')[0], '2026-02-03 18:22:05,Legs,1h,Squat (Barbell),X,60,10,0,0,,,', 'yesterday,Legs,1h,Squat (Barbell),1,sixty,10,0,0,,,'].join('\n');
    const response = await post(client, admin, bad, `?designation=${person.designation}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.problems).toEqual([
      { line: 2, column: 'set order', reason: "'X' is not a set number, or W, D or F (warm-up, drop, failure)" },
      { line: 3, column: 'date', reason: "'yesterday' is not a date and time such as 2026-02-03 18:22:05" },
      { line: 3, column: 'weight', reason: "'sixty' is not a number" },
    ]);
    const hevyBad = [hevyKg.split('\n')[0], '"A","26 Apr 2024, 06:30","26 Apr 2024, 07:00","","Squat (Barbell)",,"",0,"superset",40,10,,,'].join('\n');
    expect((await post(client, admin, hevyBad, `?designation=${person.designation}`)).json().error.problems).toEqual([{ line: 2, column: 'set_type', reason: "'superset' is not normal, warmup, dropset or failure" }]);
    const noUnit = '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";"Weight";"Reps"\n"1";"2026-03-12 18:00:00";"Legs";"60";"Squat (Barbell)";"1";"60";"5"';
    expect((await post(client, admin, noUnit, `?designation=${person.designation}`)).json().error.problems[0]).toMatchObject({ line: 1, column: 'weight' });
    expect((await client.request({ method: 'GET', url: `/api/people/${person.id}/training/sets?from=2024-01-01&to=2026-12-31`, as: admin })).json().sets).toEqual([]);
  });
});

it('reads the apps’ dates and set kinds, and multiplies decimals exactly', () => {
  expect(parseAppDateTime('2026-02-03 18:22:05')).toEqual({ date: '2026-02-03', time: '18:22' });
  expect(parseAppDateTime('2026-02-03 6:22:05\u202fPM')).toEqual({ date: '2026-02-03', time: '18:22' });
  expect(parseAppDateTime('26 Apr 2024, 06:30')).toEqual({ date: '2024-04-26', time: '06:30' });
  expect(parseAppDateTime('1 May 2024, 12:05 AM')).toEqual({ date: '2024-05-01', time: '00:05' });
  expect(parseAppDateTime('26 Foo 2024, 06:30')).toBeUndefined();
  expect(['3', 'W', 'd', 'F', 'warmup', 'dropset', 'failure', 'normal', 'X'].map(setKindOf)).toEqual(['normal', 'warmup', 'drop', 'failure', 'warmup', 'drop', 'failure', 'normal', undefined]);
  expect(exactProduct('3.1', '1609.344')).toBe(4988.9664);
  expect(exactProduct('0.1', '0.2')).toBe(0.02);
  expect(exactProduct('225', '0.45359237')).toBe(102.05828325);
});
