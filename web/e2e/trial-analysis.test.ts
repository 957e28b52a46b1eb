import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

const CODE = 'WHEY-01';

/**
 * The trial's stored analysis shows what it estimates (ICH E9(R1)) and how far the verdict depends
 * on data never observed: the estimand, the primary analysis, each sensitivity analysis's result and
 * the tipping-point plot.
 */
describe('the trial analysis page', { timeout: 180_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`statistician (${viewport}): the estimand, the primary analysis, the sensitivity analyses and the tipping point`, async () => {
      const { page, check, signIn, expectNoConsoleErrors } = await visit(world, viewport);
      await signIn('statistician');
      await page.goto(`/trials/${CODE}/analysis/run`);
      await page.getByLabel('Why run it now (kept in the audit trail)').fill(`the estimand's analyses (${viewport})`);
      await page.getByRole('button', { name: 'Run the analysis' }).click();
      await expect.poll(() => page.locator('.success').textContent(), { timeout: 90_000 }).toMatch(/^Analysis \d+ stored: /);
      await page.getByRole('link', { name: `Stored analyses of ${CODE}` }).click();

      const estimand = page.getByRole('region', { name: 'Estimand' });
      await estimand.waitFor();
      const estimandText = await estimand.textContent();
      expect(estimandText).toContain('randomised participants who allow the use of their data');
      expect(estimandText).toContain('lean mass (kg, DXA) at week 12');
      expect(estimandText).toContain('difference in means (whey - placebo)');
      const events = estimand.getByRole('region', { name: 'Intercurrent events and their strategies' });
      expect(await events.locator('tbody tr').allTextContents()).toEqual([
        expect.stringMatching(/^Withdrawalhypothetical: as if they had stayed on the supplementMAR\d+$/),
        expect.stringMatching(/^Loss to follow-uphypothetical/),
        expect.stringMatching(/^Discontinuation of the supplementhypothetical/),
      ]);

      await page.getByRole('heading', { name: 'Primary analysis' }).waitFor();
      await page.getByRole('heading', { name: /^Verdict: superiority/ }).waitFor();

      const jumpToReference = await page.getByRole('region', { name: 'jump to reference' }).textContent();
      expect(jumpToReference).toMatch(/Methodreference-based imputation, JRResultwhey - placebo at week 12: -?\d+\.\d+ \(95% CI -?\d+\.\d+ to -?\d+\.\d+\), p /);
      expect(jumpToReference).toMatch(/Verdict.*Sensitivity analysis: jump to reference\.$/);
      expect(await page.getByRole('region', { name: 'tipping point', exact: true }).textContent()).toMatch(/^tipping pointMethodreference-based imputation, MAR, tipping pointResultwhey - placebo at week 12: /);
      const tipping = page.getByRole('figure', { name: /^Tipping point/ });
      await tipping.locator('svg').first().waitFor();
      expect(await tipping.textContent()).toMatch(/whey - placebo at week 12 is (not )?significant at the 5% level/);
      expect(await tipping.locator('svg').first().textContent()).toContain('Delta added to');
      await check(`trial-analysis-estimand-${viewport}`);
      expectNoConsoleErrors();
    });
  }
});
