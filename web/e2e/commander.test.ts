import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('commander (investigator)', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('sees the cohort at a glance and drills down to a unit and a person with their chain of command', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('commander');
    await page.getByRole('heading', { name: 'Cohort at a glance' }).waitFor();
    await page.locator('.plot svg').first().waitFor();
    expect(await page.locator('.stats').textContent()).toContain('60 people on strength');
    await page.getByText('Table of the numbers').click();
    expect(await page.getByRole('region', { name: /Participants by unit and status: numbers/ }).textContent()).toContain('1 Platoon (demo)');
    await page.getByRole('region', { name: 'Training load this week' }).getByText(/ of 30$/).first().waitFor();
    await page.getByRole('region', { name: '1 Platoon (demo)' }).getByText(/ of 30 reported/).waitFor();
    await check('commander-home');

    await page.getByRole('link', { name: '1 Platoon (demo)' }).click();
    await page.getByRole('heading', { name: '1 Platoon (demo)', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'JB-001' }).waitFor();
    await check('commander-unit');

    await page.getByRole('link', { name: 'JB-001' }).click();
    await page.getByRole('heading', { name: 'Chain of command' }).waitFor();
    await page.getByText('Lt Daniel Reid').waitFor();
    const chain = await page.locator('.chain').textContent();
    expect(chain).toContain('trainer of 1 Platoon (demo)');
    expect(chain).toContain('Maj Catherine Hale');
    await page.getByRole('heading', { name: 'Unit history' }).waitFor();
    await page.getByRole('region', { name: 'Unit history table' }).locator('tbody tr').first().waitFor();
    await check('commander-person');
    expectNoConsoleErrors();
  });

  it('works at phone and tablet widths, with the menu behind a button on a phone', async () => {
    for (const size of ['phone', 'tablet'] as const) {
      const { page, check, signIn, expectNoConsoleErrors } = await visit(world, size);
      await signIn('commander');
      await page.locator('.plot svg').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${size}: the page scrolls sideways`).toBeLessThanOrEqual(0);
      if (size === 'phone') {
        await expect.poll(() => page.getByRole('link', { name: 'People' }).isVisible()).toBe(false);
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('link', { name: 'People' }).click();
        await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
        await page.getByRole('link', { name: 'JB-002' }).waitFor();
        await check('commander-people-phone');
      }
      await page.goto('/');
      await page.locator('.plot svg').first().waitFor();
      await check(`commander-home-${size}`);
      expectNoConsoleErrors();
    }
  });
});
