import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('participant', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('sees their record and chain of command, and who viewed their data', async () => {
    // A trainer opens JB-001's record first, so the access log has an entry.
    const trainer = await visit(world);
    await trainer.signIn('trainer1');
    await trainer.page.goto('/people?unitId=2');
    await trainer.page.getByRole('link', { name: 'JB-001' }).click();
    await trainer.page.getByRole('heading', { name: 'Record' }).waitFor();
    trainer.expectNoConsoleErrors();

    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('jb-001');
    await page.getByRole('heading', { name: 'Recently viewed your data' }).waitFor();
    // One line per viewer and day lists what they read, the record among it.
    await page.getByText(/Cpl Megan Doyle \(trainer\): .*roster record/).first().waitFor();
    await check('participant-home');

    await page.getByRole('link', { name: 'My record and chain of command' }).click();
    await page.getByRole('heading', { name: 'My record', level: 1 }).waitFor();
    await page.getByText('Cpl Megan Doyle').waitFor();
    expect(await page.getByRole('heading', { name: 'Unit history' }).count()).toBe(0);
    await check('participant-record');

    await page.goto('/me/access-log');
    await page.getByRole('region', { name: 'Who viewed my data' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    // Viewers by rank, name and role, as the participant knows them.
    await page.getByRole('cell', { name: 'Cpl Megan Doyle (trainer)' }).first().waitFor();
    // On a phone each entry is a block of its values: who and what are in view without scrolling sideways.
    expect(await page.getByRole('region', { name: 'Who viewed my data' }).evaluate((region) => region.scrollWidth - region.clientWidth)).toBeLessThanOrEqual(0);
    await check('participant-access-log');
    expectNoConsoleErrors();
  });

  it('sends today’s wellness report and sees it in their history; sees their body measurements', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('jb-001');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'My wellness' }).click();
    await page.getByRole('heading', { name: 'How are you today?' }).waitFor();
    const { personId } = (await (await page.request.get('/api/me')).json()) as { personId: number };
    const today = async () => {
      const history = (await (await page.request.get(`/api/people/${personId}/wellness`)).json()) as { today: string; reports: { date: string; score: number; reportedAt: string }[] };
      return { date: history.today, report: history.reports.find((report) => report.date === history.today) };
    };
    // The demo may have JB-001 reported already today: start from a day not yet reported.
    await world.database.db.deleteFrom('wellness_report').where('person_id', '=', personId).where('local_date', '=', (await today()).date).execute();
    await page.reload();
    await page.getByRole('heading', { name: 'How are you today?' }).waitFor();
    // The form starts empty, so no default can be sent unread: sending it as it is sends nothing.
    expect(await page.getByRole('radio', { checked: true }).count()).toBe(0);
    expect(await page.getByLabel('Hours slept last night').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Send today’s report' }).click();
    expect((await today()).report).toBeUndefined();
    // Keyboard: arrow keys move within a radio row.
    await page.getByRole('group', { name: /^Sleep quality/ }).getByRole('radio', { name: '4' }).check();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('group', { name: /^Sleep quality/ }).getByRole('radio', { name: '6' }).isChecked()).toBe(true);
    await page.getByRole('group', { name: /^Fatigue/ }).getByText('2', { exact: true }).click();
    await page.getByRole('group', { name: /^Stress/ }).getByText('4', { exact: true }).click();
    await page.getByRole('group', { name: /^Muscle soreness/ }).getByText('4', { exact: true }).click();
    await page.getByLabel('Hours slept last night').fill('8.5');
    await page.getByRole('button', { name: 'Send today’s report' }).click();
    // Sleep 6, fatigue 2 -> 6, stress 4 -> 4, soreness 4 -> 4: score 20.
    const confirmation = page.getByText(/^Saved for \d{4}-\d\d-\d\d: wellness score 20 of 28\.$/);
    await confirmation.waitFor();
    // On a phone the confirmation is in view, not below the fold.
    const box = (await confirmation.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(page.viewportSize()!.height);
    expect((await today()).report?.score).toBe(20);
    const chart = page.getByRole('figure', { name: /Wellness over time/ });
    await chart.locator('svg').first().waitFor();
    await chart.getByText('Table of the numbers').click();
    expect(await chart.locator('tbody tr').first().textContent()).toMatch(/^\d{4}-\d\d-\d\d206\d?2448\.5$/);
    await check('participant-wellness');

    // The home tells them it is sent, with the last seven days' load as the API's daily loads add up.
    const me = (await (await page.request.get('/api/me')).json()) as { personId: number };
    const days = ((await (await page.request.get(`/api/people/${me.personId}/training/load`)).json()) as { days: { load: number }[] }).days;
    await page.goto('/');
    const week = page.getByRole('region', { name: 'Today and this week' });
    await week.getByText(/^Wellness reported today: score 20, (within your usual range|(well|far) (below|above) your usual \(about \d+\)|not enough history)/).waitFor();
    const lastSeven = Math.round(days.slice(-7).reduce((sum, d) => sum + d.load, 0));
    expect(await week.getByText(/^Training load in the last 7 days/).textContent()).toContain(`last 7 days: ${lastSeven} AU`);
    await week.getByText(/^Newest personal best: /).waitFor();
    await check('participant-home-phone');

    // Back on the form: it shows what was sent, and sending again says it replaces it.
    await page.goto('/me/wellness');
    await page.getByText(/^You sent today’s report at .* \(score 20 of 28\)\. Sending the form again replaces it\.$/).waitFor();
    expect(await page.getByRole('group', { name: /^Sleep quality/ }).getByRole('radio', { name: '6' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Hours slept last night').inputValue()).toBe('8.5');
    // Sent again as it is: nothing changes, and it does not say "Changed".
    const sentAt = (await today()).report?.reportedAt;
    await page.getByRole('button', { name: 'Change today’s report' }).click();
    await page.getByText('Nothing changed: today’s report stays as sent (score 20 of 28).').waitFor();
    expect((await today()).report?.reportedAt).toBe(sentAt);
    await page.getByRole('group', { name: /^Muscle soreness/ }).getByText('3', { exact: true }).click();
    await page.getByRole('button', { name: 'Change today’s report' }).click();
    await page.getByText(/^Changed for \d{4}-\d\d-\d\d: wellness score 21 of 28\.$/).waitFor();
    expect((await today()).report?.score).toBe(21);

    await page.goto('/me/measurements');
    const mass = page.getByRole('figure', { name: /Body mass/ });
    await mass.locator('svg').first().waitFor();
    expect(await mass.textContent()).toContain('Body mass (kg)');
    await check('participant-measurements');
    expectNoConsoleErrors();
  });

  it("cannot open another participant's page", async () => {
    const { page, check, signIn, expectNoConsoleErrors, expectConsoleError } = await visit(world);
    await signIn('jb-001');
    const me = await (await page.request.get('/api/me')).json();
    const otherId = me.personId + 1;
    expectConsoleError(new RegExp(`status of 404 .*/api/people/${otherId}`));
    await page.goto(`/people/${otherId}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Not found, or not yours to see.');
    expect(await page.getByRole('heading', { name: 'Record' }).count()).toBe(0);
    expect((await page.request.get(`/api/people/${otherId}`)).status()).toBe(404);
    await check('participant-other-refused');
    expectNoConsoleErrors();
  });

  it('logs a set themselves in pounds, sees it marked as theirs, with load over time and bests', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('jb-001');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'My training' }).click();
    await page.getByLabel('Show loads in').selectOption('lb');
    await page.getByLabel('Load (lb)').waitFor();
    const form = page.getByRole('form', { name: 'Log a set yourself' });
    await form.getByLabel('Exercise').selectOption({ label: 'Back Squat' });
    await form.getByLabel('Set number').fill('9');
    await form.getByLabel('Reps').fill('5');
    await form.getByLabel('Load (lb)').fill('135');
    await form.getByLabel('RPE (1–10)').fill('7.5');
    const logged = page.waitForResponse((r) => r.url().endsWith('/api/training/sets') && r.request().method() === 'POST');
    await form.getByRole('button', { name: 'Log the set' }).click();
    const set = await (await logged).json();
    // 135 lb x 0.45359237 = 61.2349699500 kg, stored exactly, shown as typed.
    expect(set).toMatchObject({ selfReported: true, setNumber: 9, actual: { reps: 5, rpe: 7.5, load: { value: 135, unit: 'lb', kg: 61.23496995, enteredUnit: 'lb' } } });
    await page.getByText('Logged: Back Squat set 9, 5 reps at 135 lb.').waitFor();
    const mine = page.getByRole('region', { name: 'My sets' });
    await mine.getByRole('row', { name: /Back Squat 9 5 135 lb/ }).getByText('you').waitFor();
    const chart = page.getByRole('figure', { name: /heaviest set per day/ });
    await chart.locator('svg').first().waitFor();
    expect(await chart.textContent()).toContain('Load (lb)');
    await page.getByText(/^Estimated 1RM by Epley \(1985\)/).waitFor();
    // Every set of theirs to take away, and nobody else's: the set just logged is in it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('group', { name: 'Export my training sets' }).getByRole('link', { name: /\(CSV\)$/ }).click()]);
    const rows = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\n');
    const designations = new Set(rows.slice(1).map((row) => row.split(',')[rows[0].split(',').indexOf('designation')]));
    expect([...designations]).toEqual(['JB-001']);
    await check('participant-training');
    expectNoConsoleErrors();
  });
});
