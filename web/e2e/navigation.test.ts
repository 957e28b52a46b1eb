import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

/**
 * Every role's menu, every screen in it: the screen loads without a refusal or a console error,
 * passes the accessibility check and is saved as a screenshot. The menu is the datapad's promise
 * of what a role may do, and the server's policy (src/auth/policy.ts) decides; this keeps the two
 * in step (an administrator was once offered a cohort the policy does not let them read).
 */
const logins = ['admin', 'commander', 'trainer', 'assessor', 'monitor', 'statistician', 'jb-001'];

describe('every role’s menu', { timeout: 120_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it.each(logins)('%s: every screen in the menu opens with its data', async (login) => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn(login);
    const menu = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    const screens = await menu.evaluateAll((links) => links.map((link) => ({ label: link.textContent ?? '', path: new URL((link as HTMLAnchorElement).href).pathname })));
    expect(screens.length).toBeGreaterThan(1);
    for (const screen of screens) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen.label, exact: true }).click();
      await page.waitForURL((url) => url.pathname === screen.path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
      expect(await page.getByText(/your role does not allow this|not found/i).count(), `${login} ${screen.label}`).toBe(0);
      await check(`menu-${login}-${screen.path.replace(/\W+/g, '-').replace(/^-|-$/g, '') || 'home'}`);
    }
    expectNoConsoleErrors();
  });
});
