import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('trainer', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('sees the units they train and their people, and no one else', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'tablet');
    await signIn('trainer1');
    await page.getByRole('heading', { name: 'Units you train' }).waitFor();
    const wellness = page.getByRole('region', { name: '1 Platoon (demo)', exact: true });
    await wellness.getByText(/ of 30 reported/).waitFor();
    await wellness.getByText(/^Not reported today \(\d+\)$/).click();
    // Their platoon's flags today: wellness and load ratio, counted per unit.
    const flags = page.getByRole('region', { name: 'Flags in 1 Platoon (demo)' });
    const flagCells = await flags.getByRole('region', { name: 'Flags per unit' }).getByRole('row', { name: /1 Platoon \(demo\)/ }).getByRole('cell').allTextContents();
    expect(flagCells).toHaveLength(5);
    expect(Number(flagCells[1])).toBe(Number((await wellness.getByText(/ of 30 reported/).textContent())!.match(/(\d+) of 30 reported/)![1]));
    await check('trainer-home');

    await page.getByRole('link', { name: 'People of 1 Platoon (demo)' }).click();
    await page.getByRole('link', { name: 'JB-001' }).waitFor();
    const designations = (await page.locator('tbody tr td:first-child').allTextContents()).filter((d) => d.startsWith('JB-'));
    expect(designations).toHaveLength(30);
    expect(designations.every((d) => Number(d.slice(3)) % 2 === 1)).toBe(true);

    await page.getByLabel('Name or designation').fill('JB-003');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await check('trainer-people');
    expectNoConsoleErrors();
  });

  it('logs a session in the grid, and nothing is lost when the connection drops', async () => {
    const { page, context, check, signIn, expectNoConsoleErrors, expectConsoleError } = await visit(world, 'tablet');
    await signIn('trainer1');
    await page.getByRole('link', { name: 'Log a session' }).click();
    const startNow = async () => {
      const started = page.waitForResponse((r) => r.url().endsWith('/api/training/sessions/start'));
      await page.getByRole('button', { name: 'Start a session now' }).click();
      return (await (await started).json()) as { id: number; created: boolean; planned: { minutes: number } };
    };
    const first = await startNow();
    expect(first).toMatchObject({ created: true, planned: { minutes: 60 } });
    const sessionId = first.id;
    await expect.poll(() => page.getByRole('combobox', { name: /^Session/ }).inputValue()).toBe(String(sessionId));
    // A second tap answers the session just started: no second session.
    expect(await startNow()).toMatchObject({ id: sessionId, created: false });
    // Not the first exercise in the list: it stays chosen after saving.
    await page.getByRole('combobox', { name: /^Exercise/ }).selectOption({ label: 'Back Squat' });
    await page.getByLabel('JB-001 set 1 reps').waitFor();

    expectConsoleError(/ERR_INTERNET_DISCONNECTED/);
    await context.setOffline(true);
    // Keyboard entry along the row: reps, load, reps, load.
    await page.getByLabel('JB-001 set 1 reps').fill('5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('60');
    await page.keyboard.press('Tab');
    await page.keyboard.type('5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('62.5');
    await page.getByLabel('JB-003 set 1 reps').fill('8');
    await page.getByLabel('JB-003 set 1 load (kg)').fill('50');
    await page.getByRole('button', { name: 'Save the sets' }).click();
    await page.getByText(/^3 sets are saved on this device/).waitFor();
    // What was logged is shown, and the exercise is still the one chosen.
    expect(await page.getByRole('combobox', { name: /^Exercise/ }).locator('option:checked').textContent()).toBe('Back Squat');
    const logged = page.getByRole('region', { name: 'Logged sets of Back Squat' });
    await expect.poll(async () => (await logged.getByRole('row').allTextContents()).slice(1)).toEqual([
      expect.stringMatching(/JB-001\s*1\s*5\s*60 kg\s*on this device/),
      expect.stringMatching(/JB-001\s*2\s*5\s*62.5 kg\s*on this device/),
      expect.stringMatching(/JB-003\s*1\s*8\s*50 kg\s*on this device/),
    ]);
    await check('trainer-log-offline');

    // Still offline, away from the screen and back: the sets are still waiting on the device.
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByRole('link', { name: 'Log a session' }).click();
    await page.getByText(/^3 sets are saved on this device/).waitFor();

    await context.setOffline(false);
    // The outbox may be waiting on a send it gives up on after 8 s, then retries within 3 s
    // (web/src/app/outbox.ts): on a loaded machine that is longer than the default 10 s wait.
    await page.getByText('All logged sets are saved on the server.').waitFor({ timeout: 20_000 });
    // Back on the log, it opens on the session in progress: the one just started.
    await expect.poll(() => page.getByRole('combobox', { name: /^Session/ }).inputValue()).toBe(String(sessionId));
    await expect.poll(async () => (await page.getByRole('region', { name: 'Logged sets of Back Squat' }).getByRole('row').allTextContents()).filter((r) => r.includes('saved')).length).toBe(3);
    const people = (await (await page.request.get('/api/people?unitId=2')).json()).people as { id: number; designation: string }[];
    const jb001 = people.find((p) => p.designation === 'JB-001')!;
    const sets = (await (await page.request.get(`/api/people/${jb001.id}/training/sets`)).json()).sets as { sessionId: number; setNumber: number; actual: { reps: number; load: { value: number } | null } }[];
    expect(sets.filter((s) => s.sessionId === sessionId).map((s) => [s.setNumber, s.actual.reps, s.actual.load?.value])).toEqual([
      [1, 5, 60],
      [2, 5, 62.5],
    ]);
    await check('trainer-log-synced');
    expectNoConsoleErrors();
  });

  it('plans a session in the unit’s time zone, marks attendance, logs its sets from the plan, and marks it held', async () => {
    // The platoon keeps London time. "Start a session now" above took the current minute, so plan away from it.
    const [hour, minute] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date()).split(':').map(Number);
    const start = Math.abs(hour * 60 + minute - (5 * 60 + 47)) < 60 ? '03:47' : '05:47';
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('trainer1');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Plan sessions' }).click();
    await page.getByText(/^Date and time are local to 1 Platoon \(demo\): /).waitFor();
    // It opens on the trainer's own unit.
    const me = await (await page.request.get('/api/me')).json();
    expect(await page.getByRole('combobox', { name: 'Unit' }).locator('option:checked').textContent()).toBe(me.unit.name);
    // The unit's whole history is in the export, a link away from the plan.
    await page.getByRole('group', { name: 'Export training sets' }).getByRole('link', { name: 'Export training sets (CSV)' }).waitFor();
    await page.getByLabel('Title').fill('Pre-dawn run');
    await page.getByLabel(/^Start time/).fill(start);
    await page.getByLabel('Minutes').fill('40');
    const planned = page.waitForResponse((r) => r.url().endsWith('/api/training/sessions') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Plan the session' }).click();
    const session = await (await planned).json();
    expect(session).toMatchObject({ title: 'Pre-dawn run', status: 'planned', planned: { time: start, minutes: 40 } });
    await page.getByText(new RegExp(`^Planned: Pre-dawn run on \\d{4}-\\d\\d-\\d\\d at ${start}`)).waitFor();
    await page.getByRole('region', { name: 'Upcoming sessions' }).getByRole('link', { name: 'Pre-dawn run', exact: true }).waitFor();
    // On a phone each session is a block of its values, its status and buttons in view without scrolling sideways.
    for (const name of ['Upcoming sessions', 'Past and cancelled sessions'])
      expect(await page.getByRole('region', { name }).evaluate((region) => region.scrollWidth - region.clientWidth), name).toBeLessThanOrEqual(0);
    await check('trainer-sessions');

    await page.getByRole('region', { name: 'Upcoming sessions' }).getByRole('link', { name: 'Pre-dawn run', exact: true }).click();
    await page.getByRole('heading', { name: 'Attendance', exact: true }).waitFor();
    await page.getByLabel('JB-001 attendance').selectOption('present');
    await page.getByLabel('JB-001 session RPE').fill('7');
    await page.getByLabel('JB-003 attendance').selectOption('absent');
    await page.getByRole('button', { name: 'Save attendance' }).click();
    await page.getByText('Attendance saved for 2 participants.').waitFor();
    // "All present" marks everyone else; JB-003 stays absent.
    await page.getByRole('button', { name: 'All present' }).click();
    await page.getByText(/^\d+ marked present\.$/).waitFor();
    const stored = await (await page.request.get(`/api/training/sessions/${session.id}`)).json();
    const statusOf = (designation: string) => stored.attendance.find((a: { person: { designation: string } }) => a.person.designation === designation);
    expect(statusOf('JB-001')).toMatchObject({ status: 'present', rpe: 7, load: null, loadMissing: 'the session is not marked held with its minutes yet' });
    expect(statusOf('JB-003')).toMatchObject({ status: 'absent' });
    expect(statusOf('JB-005')).toMatchObject({ status: 'present', rpe: null, loadMissing: 'no session RPE recorded' });
    await expect.poll(() => page.getByLabel('JB-005 attendance').inputValue()).toBe('present');
    // The load is shown as missing with its reason, never as 0.
    await page.getByRole('row', { name: /JB-001/ }).getByText('Load missing: the session is not marked held with its minutes yet').waitFor();
    // On a phone the whole grid fits: RPE and minutes are in view without scrolling it sideways.
    const grid = page.getByRole('region', { name: 'Attendance by participant' });
    expect(await grid.evaluate((region) => region.scrollWidth - region.clientWidth)).toBeLessThanOrEqual(0);
    await check('trainer-attendance');

    // Sets are recorded on the same page.
    await page.getByRole('combobox', { name: /^Exercise/ }).selectOption({ label: 'Push-up' });
    await page.getByLabel('JB-001 set 1 reps').fill('20');
    await page.getByRole('button', { name: 'Save the sets' }).click();
    // On a phone each logged set is a block of labelled values: matched by its text.
    await page.getByRole('region', { name: 'Logged sets of Push-up' }).locator('tr', { hasText: 'JB-001' }).filter({ hasText: 'saved' }).waitFor();
    expect(await page.getByRole('combobox', { name: /^Exercise/ }).locator('option:checked').textContent()).toBe('Push-up');
    await check('trainer-session-page-phone');

    await page.goto('/training/sessions');
    await page.getByRole('button', { name: `Mark Pre-dawn run on ${session.planned.date} held` }).click();
    const past = page.getByRole('region', { name: 'Past and cancelled sessions' });
    await past.getByRole('row', { name: /Pre-dawn run .* held/ }).waitFor();
    expect((await (await page.request.get(`/api/training/sessions/${session.id}`)).json()).actual).toMatchObject({ time: start, minutes: 40 });
    // Held with its 40 minutes: JB-001's load is RPE 7 x 40 = 280.
    await page.goto(`/training/sessions/${session.id}`);
    await page.getByRole('row', { name: /JB-001/ }).getByText('Load: 280', { exact: true }).waitFor();

    // The home lists today's sessions (London's day), a step from the grid of sets.
    const todayInLondon = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    expect(session.planned.date).toBe(todayInLondon);
    await page.goto('/');
    const todays = page.getByRole('region', { name: 'Sessions today by unit' });
    const row = todays.getByRole('row', { name: /Pre-dawn run/ });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual([start, '1 Platoon (demo)', 'Pre-dawn run', 'held', 'Attendance Log sets']);
    expect(await todays.evaluate((region) => region.scrollWidth - region.clientWidth)).toBeLessThanOrEqual(0);
    await check('trainer-home-today-phone');
    await row.getByRole('link', { name: 'Log sets' }).click();
    await expect.poll(() => page.getByRole('combobox', { name: /^Session/ }).inputValue()).toBe(String(session.id));
    expectNoConsoleErrors();
  });

  it('a person’s weekly load runs from their first week of training to the current week, and one value is said in words', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'desktop');
    await signIn('trainer1');
    const people = (await (await page.request.get('/api/people?unitId=2')).json()).people as { id: number; designation: string }[];
    const jb001 = people.find((p) => p.designation === 'JB-001')!;
    await page.goto(`/people/${jb001.id}`);
    const figure = page.locator('figure', { hasText: 'Weekly training load' });
    await figure.locator('svg').first().waitFor();
    const rows = await figure.locator('table tbody tr').allTextContents();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    const monday = new Date(`${today}T00:00:00Z`);
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    expect(rows.length).toBeGreaterThan(1);
    // The last week is the current one (so far); the first is not an empty week before any training.
    expect(rows.at(-1)).toContain(monday.toISOString().slice(0, 10));
    expect(Number(rows[0].replace(/^\d{4}-\d\d-\d\d/, ''))).toBeGreaterThan(0);
    // Chart text is at least 12 px.
    const sizes = await figure.locator('svg text').evaluateAll((texts) => texts.map((t) => parseFloat(getComputedStyle(t).fontSize)));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    await check('trainer-person-weekly-load-desktop');

    // The session page at desktop width: times, attendance with loads, and the sets grid on one page.
    await page.getByRole('link', { name: 'Log a session' }).click();
    await page.getByRole('button', { name: 'Start a session now' }).click();
    await page.getByRole('heading', { name: 'Attendance', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Save the sets' }).waitFor();
    await check('trainer-session-desktop');
    expectNoConsoleErrors();
  });
});
