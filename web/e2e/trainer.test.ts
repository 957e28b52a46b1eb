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
    const wellness = page.getByRole('region', { name: '1 Platoon (demo)' });
    await wellness.getByText(/ of 30 reported/).waitFor();
    await wellness.getByText(/^Not reported today \(\d+\)$/).click();
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
    const started = page.waitForResponse((r) => r.url().endsWith('/api/training/sessions') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Start a session now' }).click();
    const sessionId = (await (await started).json()).id as number;
    await expect.poll(() => page.getByRole('combobox', { name: /^Session/ }).inputValue()).toBe(String(sessionId));
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
    await check('trainer-log-offline');

    // Still offline, away from the screen and back: the sets are still waiting on the device.
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByRole('link', { name: 'Log a session' }).click();
    await page.getByText(/^3 sets are saved on this device/).waitFor();

    await context.setOffline(false);
    await page.getByText('All logged sets are saved on the server.').waitFor();
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
});
