import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, viewports, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('signing in and out', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('refuses a wrong password, signs in with the keyboard, shows the role home, and signs out', async () => {
    const { page, check, expectNoConsoleErrors, expectConsoleError } = await visit(world);
    await page.goto('/');
    await page.getByLabel('Username').waitFor();
    await check('sign-in');
    // Issue 15: a signed-out start asks GET /api/session, answered 200, so no failed request is logged.
    expectNoConsoleErrors();

    expectConsoleError(/status of 401/);
    await page.getByLabel('Username').fill('commander');
    await page.getByLabel('Password').fill('wrong password');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/wrong username or password/);
    await check('sign-in-refused');

    await page.getByLabel('Password').fill('demo-password');
    await page.keyboard.press('Enter');
    // The commander's home (its content is the commander's screens' to test).
    await page.getByRole('heading', { name: 'Good to see you, Maj Catherine Hale', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    // The session is gone on the server too: a reload asks for a sign-in again.
    await page.reload();
    await page.getByLabel('Username').waitFor();
    expectNoConsoleErrors();
  });

  it('keeps the address of a screen across a reload (the server answers it with the app)', async () => {
    const { page, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('admin');
    await page.goto('/units');
    await page.getByRole('heading', { name: 'Units', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Units', level: 1 }).waitFor();
    const apiMiss = await page.request.get('/api/no-such-thing');
    expect(apiMiss.status()).toBe(404);
    expect((await apiMiss.json()).error.code).toBe('not_found');
    expectNoConsoleErrors();
  });

  it('opens signed out on a phone with no console error, and answers /api/me 401 as before for tools', async () => {
    const { page, check, expectNoConsoleErrors } = await visit(world, 'phone');
    const asked: string[] = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(asked).toContain('/api/session');
    expect(asked).not.toContain('/api/me');
    expect((await page.request.get('/api/me')).status()).toBe(401);
    await check('sign-in-phone');
    expect(page.viewportSize()).toEqual(viewports.phone);
    expectNoConsoleErrors();
  });
});
