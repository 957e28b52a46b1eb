import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
}, WORLD_START_TIMEOUT);
afterAll(() => world?.close());

/** A day three days ago (UTC), so the rows are in the past in the demo units' zone. */
const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);

it('a trainer adds a coach’s spelling to an exercise and a new exercise, and an import then matches both', { timeout: 90_000 }, async () => {
  const { page, check, signIn, expectNoConsoleErrors, expectConsoleError } = await visit(world);
  await signIn('trainer');
  await page.getByRole('link', { name: 'Exercises' }).click();
  await page.getByRole('heading', { name: 'Exercises', level: 1 }).waitFor();
  const names = page.getByRole('form', { name: 'Add other names to an exercise' });
  await names.getByLabel('Exercise').selectOption({ label: 'Back Squat' });
  await names.getByLabel('Other names (comma-separated)').fill('Back Sqat, BSQ');
  await names.getByRole('button', { name: 'Add the names' }).click();
  await names.getByText(/^Back Squat is also matched as: .*back sqat, bsq/).waitFor();
  const adding = page.getByRole('form', { name: 'Add an exercise' });
  await adding.getByLabel('Name', { exact: true }).fill('Ammo Can Lift');
  await adding.getByLabel('Other names (comma-separated, optional)').fill('ACL');
  await adding.getByRole('button', { name: 'Add the exercise' }).click();
  await adding.getByText('Added Ammo Can Lift.').waitFor();
  await page.getByRole('row', { name: 'Ammo Can Lift strength acl' }).waitFor();
  await check('trainer-exercises');
  // A name the catalogue already uses is refused with the server's reason, naming it.
  expectConsoleError(/status of 409 \(Conflict\)/);
  await names.getByLabel('Other names (comma-separated)').fill('Deadlift');
  await names.getByRole('button', { name: 'Add the names' }).click();
  await names.getByRole('alert').getByText(/already called 'deadlift'/).waitFor();

  // The coach's sheet now imports: both rows match.
  await page.getByRole('link', { name: 'Import training' }).click();
  const csv = `designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes\nJB-001,${day},07:00,back sqat,1,5,100,kg,,,,\nJB-001,${day},07:00,ACL,1,10,20,kg,,,,\n`;
  await page.getByLabel('Training CSV file').setInputFiles({ name: 'sheet.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'Imported' }).waitFor();
  expect(await page.locator('.outcome').textContent()).toMatch(/Rows\s*2.*Sets added\s*2/);
  // Strong's semicolon export, as Strong writes it: a warm-up set, pounds, and a workout with only a run in miles.
  await page.reload();
  const strong = [
    '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";"Weight (lbs)";"Reps";"RPE";"Distance (miles)";"Seconds";"Notes";"Workout Notes"',
    `"1";"${day} 18:00:00";"Push";"3600";"Bench Press (Barbell)";"W";"95";"10";"";"";"";"";"easy; ""short"""`,
    `"1";"${day} 18:00:00";"Push";"3600";"Bench Press (Barbell)";"1";"225";"5";"8";"";"";"";"easy; ""short"""`,
    `"2";"${day} 19:30:00";"Run";"1800";"Running";"1";"0";"0";"";"3.1";"1800";"";""`,
  ].join('\n');
  await page.getByLabel('Designation (Strong and Hevy exports only)').fill('JB-001');
  await page.getByLabel('Training CSV file').setInputFiles({ name: 'strong.csv', mimeType: 'text/csv', buffer: Buffer.from(strong) });
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'Imported' }).waitFor();
  expect(await page.locator('.outcome').textContent()).toMatch(/Rows\s*3.*Sets added\s*3.*Sessions created\s*2/);
  await check('trainer-import-strong-semicolon');
  const people = (await (await page.request.get('/api/people?q=JB-001')).json()).people as { id: number; designation: string }[];
  const jb001 = people.find((p) => p.designation === 'JB-001')!;
  const sets = (await (await page.request.get(`/api/people/${jb001.id}/training/sets?from=${day}&to=${day}`)).json()).sets as { kind: string; exercise: { name: string }; actual: { reps: number | null; load: { kg: number } | null; distanceM: number | null } }[];
  const bench = sets.filter((s) => s.exercise.name === 'Bench Press');
  expect(bench.map((s) => [s.kind, s.actual.load?.kg])).toEqual([
    ['warmup', 43.09127515],
    ['normal', 102.05828325],
  ]);
  expect(sets.find((s) => s.exercise.name === 'Run')!.actual).toMatchObject({ reps: null, load: null, distanceM: 4988.9664 });
  expectNoConsoleErrors();
});
