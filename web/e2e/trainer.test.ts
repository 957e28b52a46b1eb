import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, visit, type World } from './harness.ts';

describe('trainer', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
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
});
