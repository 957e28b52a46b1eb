import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('assessor', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('follows the physique protocol step by step, is prompted for a third trial, and sees the derived values as they are computed', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'tablet');
    await signIn('assessor');
    await page.goto('/people?unitId=2');
    await page.getByRole('link', { name: 'JB-001' }).click();
    await page.getByRole('link', { name: 'New physique assessment' }).click();
    await page.getByRole('heading', { name: 'Step 1 of 5: Visit' }).waitFor();
    await page.getByRole('combobox', { name: /^Body fat method/ }).selectOption('skinfold_jp3');
    await page.getByRole('button', { name: 'Next' }).click();

    const mass = page.getByRole('group', { name: 'Body mass (kg)' });
    await mass.getByLabel('Trial 1').fill('70.0');
    await mass.getByLabel('Trial 2').fill('70.2');
    const stature = page.getByRole('group', { name: 'Stature (cm)' });
    await stature.getByLabel('Trial 1').fill('170.0');
    await stature.getByLabel('Trial 2').fill('170.2');
    // BMI appears as soon as both sites are complete: 70.1 / 1.701².
    await page.getByText('24.2 kg/m²').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    // JB-001 is female: Jackson-Pollock 3-site takes triceps, suprailiac and thigh.
    await page.getByRole('heading', { name: 'Step 3 of 5: Body fat' }).waitFor();
    const triceps = page.getByRole('group', { name: 'Triceps skinfold (mm)' });
    await triceps.getByLabel('Trial 1').fill('12');
    await triceps.getByLabel('Trial 2').fill('14');
    await triceps.getByText(/differ by 15\.4% \(more than 5%\): take a third/).waitFor();
    await check('assessor-third-trial');
    await triceps.getByLabel('Trial 3').fill('13');
    for (const [site, a, b] of [['Suprailiac skinfold (mm)', '15', '15.4'], ['Thigh skinfold (mm)', '22', '22.5']] as const) {
      const group = page.getByRole('group', { name: site });
      await group.getByLabel('Trial 1').fill(a);
      await group.getByLabel('Trial 2').fill(b);
    }
    const derived = page.getByRole('region', { name: 'Derived values' });
    await derived.getByText(/Jackson-Pollock/).waitFor();
    const preview = await derived.textContent();
    const bodyFat = /Body fat(\d+\.\d) %/.exec(preview ?? '')?.[1];
    expect(bodyFat, preview ?? '').toBeDefined();
    await check('assessor-body-fat');

    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Step 5 of 5: Review' }).waitFor();
    await page.getByRole('button', { name: 'Save the assessment' }).click();
    await page.getByRole('heading', { name: 'Assessment saved' }).waitFor();
    // The server computed the same body fat from the same rules.
    expect(await page.locator('main').textContent()).toContain(`${bodyFat} %`);
    await check('assessor-saved');
    expectNoConsoleErrors();
  });
});
