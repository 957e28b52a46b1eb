import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedOutStart, startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('first admin from the set-up link', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ empty: true });
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  async function fillIn(page: Awaited<ReturnType<typeof visit>>['page'], password: string, again = password) {
    await page.getByLabel('Your name').fill('Morgan Quartermaster');
    await page.getByLabel('Username').fill('quartermaster');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Password again').fill(again);
    await page.getByRole('button', { name: 'Create the administrator' }).click();
  }

  it('refuses a wrong token, then the printed link creates the admin and signs them in, once', async () => {
    const { page, check, expectNoConsoleErrors, expectConsoleError } = await visit(world, 'phone');
    expectConsoleError(signedOutStart);

    await page.goto('/setup');
    await page.getByText(/This page needs the one-time link/).waitFor();
    await check('setup-no-token');

    expectConsoleError(/status of 403 .*\/api\/setup/);
    await page.goto('/setup?token=not-the-token');
    await fillIn(page, 'a long enough password');
    await page.getByRole('alert').getByText(/not valid or was already used/).waitFor();
    await check('setup-wrong-token');

    await page.goto(`/setup?token=${world.setupToken}`);
    await page.getByRole('heading', { name: 'Set up Muster' }).waitFor();
    await fillIn(page, 'a long enough password', 'a different password');
    await page.getByRole('alert').getByText(/The two passwords differ/).waitFor();
    await check('setup-form');

    await fillIn(page, 'a long enough password');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByText('Morgan Quartermaster').first().textContent()).toContain('(admin)');
    await check('setup-signed-in');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.goto(`/setup?token=${world.setupToken}`);
    await fillIn(page, 'another long password');
    await page.getByRole('alert').getByText(/not valid or was already used/).waitFor();
    expectNoConsoleErrors();
  });

  it('signs in with the new account afterwards', async () => {
    const { page, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('quartermaster', 'a long enough password');
    await page.getByRole('link', { name: 'Import roster' }).waitFor();
    expectNoConsoleErrors();
  });
});
