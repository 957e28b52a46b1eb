import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedTrialCsv } from '../../src/analysis/testing.ts';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

/**
 * Each analysis chart's width and the text in it: smallest rendered font size (px, after any scaling
 * of the SVG), text outside the SVG, and pairs of text boxes that overlap.
 */
async function chartReadability(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.results figure.figure')].map((figure) => {
      const svg = [...figure.querySelectorAll<SVGSVGElement>('.plot svg')].find((element) => element.querySelector('text')) as SVGSVGElement;
      const box = svg.getBoundingClientRect();
      const scale = box.width / svg.width.baseVal.value;
      const texts = [...svg.querySelectorAll('text')].filter((text) => text.textContent?.trim());
      const rects = texts.map((text) => ({ text: text.textContent ?? '', rect: text.getBoundingClientRect() }));
      const overlaps: string[] = [];
      rects.forEach((a, i) =>
        rects.slice(i + 1).forEach((b) => {
          const x = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
          const y = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
          if (x > 1 && y > 1) overlaps.push(`"${a.text}" / "${b.text}"`);
        }),
      );
      return {
        title: figure.querySelector('figcaption strong')?.textContent ?? '',
        width: box.width,
        smallestFont: Math.min(...texts.map((text) => parseFloat(getComputedStyle(text).fontSize) * scale)),
        outside: rects.filter(({ rect }) => rect.left < box.left - 1 || rect.right > box.right + 1 || rect.top < box.top - 1 || rect.bottom > box.bottom + 1).map(({ text }) => text),
        overlaps,
      };
    }),
  );
}

/** Whether a table's column headings are within the part of its scroll region that shows. */
async function headingsInView(page: Page, region: string, headings: string[]) {
  return page.locator(`.table-scroll[aria-label="${region}"]`).evaluate((scroll, names) => {
    const view = scroll.getBoundingClientRect();
    const shown = (th: Element) => th.getBoundingClientRect().right <= view.right + 1;
    return Object.fromEntries(names.map((name) => [name, [...scroll.querySelectorAll('th')].some((th) => th.textContent === name && shown(th))]));
  }, headings);
}

describe('statistician', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('uploads a long-format CSV, fits an MMRM and reads the LS means, the forest plot, the numbers and the verdict', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('statistician');
    await page.getByRole('link', { name: 'Analysis', exact: true }).click();
    await page.getByRole('heading', { name: 'Analysis', level: 1 }).waitFor();
    await page.getByLabel(/^Upload a long-format CSV/).setInputFiles({ name: 'trial.csv', mimeType: 'text/csv', buffer: Buffer.from(simulatedTrialCsv()) });

    // The columns are guessed from their names; each guess is a choice the statistician can change.
    expect(await page.getByRole('combobox', { name: /^Subject/ }).inputValue()).toBe('subject');
    expect(await page.getByRole('combobox', { name: /^Visit/ }).inputValue()).toBe('visit');
    expect(await page.getByRole('combobox', { name: /^Outcome/ }).inputValue()).toBe('lean');
    expect(await page.getByRole('combobox', { name: /^Control arm/ }).inputValue()).toBe('placebo');
    expect(await page.getByRole('combobox', { name: /^Baseline/ }).inputValue()).toBe('lean_bl');
    await page.getByRole('combobox', { name: /^Covariance structure/ }).selectOption('ar1');
    await page.getByLabel(/Outcome unit/).fill('kg');
    expect(await page.getByRole('combobox', { name: /^At visit/ }).inputValue()).toBe('week12');
    await check('analysis-form');

    await page.getByRole('button', { name: 'Run the analysis' }).click();
    // An uploaded arm column is not a randomised arm: the rule's comparison is described, never judged.
    const description = page.getByRole('region', { name: /^Comparison \(no verdict/ }).locator('.description');
    await description.waitFor();
    expect(await description.textContent()).toMatch(/^protein vs placebo on lean at week12: difference \d+\.\d\d kg \(95% CI -?\d+\.\d\d to \d+\.\d\d\)\. "arm" is not a randomised arm, so this describes the groups and judges no rule\.$/);
    expect(await page.getByText(/(superiority|non-inferiority) (not )?shown/).count()).toBe(0);

    const lsmeans = page.getByRole('figure', { name: /LS means by arm/ });
    await lsmeans.locator('svg').first().waitFor();
    expect(await lsmeans.locator('svg[aria-label="LS means by arm"]').count()).toBe(1);
    const axisText = await lsmeans.textContent();
    expect(axisText).toContain('lean, LS mean (kg)');
    expect(axisText).toContain('Visit (3 visits)');
    await lsmeans.getByText('Table of the numbers').click();
    expect(await lsmeans.locator('tbody tr').count()).toBe(6);

    const forest = page.getByRole('figure', { name: /Treatment differences/ });
    expect(await forest.textContent()).toContain('Difference in lean (kg), 95% CI');
    // One comparison: the axis names the visits, so its labels fit a narrow panel.
    expect(await forest.locator('svg').first().textContent()).not.toContain('placebo at');
    await forest.getByText('Table of the numbers').click();
    expect(await forest.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^protein - placebo at week4/),
      expect.stringMatching(/^protein - placebo at week8/),
      expect.stringMatching(/^protein - placebo at week12/),
    ]);
    const trajectories = page.getByRole('figure', { name: /Individual trajectories/ });
    expect(await trajectories.textContent()).toContain('40 subjects, observed values');
    expect(await trajectories.textContent()).toContain('lean, observed (kg)');
    await page.getByRole('heading', { name: 'Estimated covariance between visits' }).waitFor();
    await check('analysis-mmrm-result');
    expectNoConsoleErrors();
  });

  it('shows the engine’s refusal, naming the column at fault', async () => {
    const { page, check, signIn, expectNoConsoleErrors, expectConsoleError } = await visit(world, 'phone');
    await signIn('statistician');
    await page.goto('/analysis');
    const csv = simulatedTrialCsv({ subjects: 12 }).replace(/\nS3,placebo,week4,([\d.]+),[\d.]+/, '\nS3,placebo,week4,$1,n/a');
    await page.getByLabel(/^Upload a long-format CSV/).setInputFiles({ name: 'trial.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('combobox', { name: /^Outcome/ }).selectOption('lean');
    expectConsoleError(/status of 400 .*\/api\/analysis/);
    await page.getByRole('button', { name: 'Run the analysis' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/--outcome: column "lean" has non-numeric values \(line \d+: "n\/a"\)/);
    await check('analysis-refused-phone');
    expectNoConsoleErrors();
  });

  it('saves an upload as a data set, picks it after a reload and gets the verdict from it', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('statistician');
    await page.goto('/analysis');
    await page.getByLabel(/^Upload a long-format CSV/).setInputFiles({ name: 'protein-pilot.csv', mimeType: 'text/csv', buffer: Buffer.from(simulatedTrialCsv({ seed: 5 })) });
    const save = page.getByRole('form', { name: 'Save this data set' });
    expect(await save.getByLabel('Name').inputValue()).toBe('protein-pilot');
    await save.getByLabel(/^Description/).fill('pilot, weeks 4 to 12');
    await check('analysis-save-phone');
    await save.getByRole('button', { name: 'Save this data set' }).click();
    await page.getByRole('status').getByText('protein-pilot').waitFor();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('(stored)');

    await page.reload();
    const stored = page.getByRole('region', { name: 'Stored data sets' });
    const row = stored.getByRole('row', { name: /protein-pilot/ });
    expect(await row.textContent()).toMatch(/protein-pilot.*pilot, weeks 4 to 12.*120/);
    await check('analysis-stored-list-phone');
    await row.getByRole('button', { name: 'Use protein-pilot' }).click();
    await page.getByRole('status').getByText('protein-pilot').waitFor();
    // The upload's save form does not appear for a stored data set.
    expect(await page.getByRole('form', { name: 'Save this data set' }).count()).toBe(0);
    expect(await page.getByRole('combobox', { name: /^Outcome/ }).inputValue()).toBe('lean');
    await page.getByLabel(/Outcome unit/).fill('kg');

    const sent = page.waitForRequest((request) => request.url().endsWith('/api/analysis') && request.method() === 'POST');
    await page.getByRole('button', { name: 'Run the analysis' }).click();
    // The analysis names the stored data set; the file is not sent again.
    const body = (await sent).postDataJSON() as { datasetId?: number; data?: string };
    expect(body.datasetId).toEqual(expect.any(Number));
    expect(body.data).toBeUndefined();
    const description = page.getByRole('region', { name: /^Comparison \(no verdict/ }).locator('.description');
    await description.waitFor();
    expect(await description.textContent()).toMatch(/^protein vs placebo on lean at week12: difference \d+\.\d\d kg/);
    expect(await page.getByRole('figure', { name: /Individual trajectories/ }).textContent()).toContain('40 subjects, observed values');
    await check('analysis-stored-result-phone');

    // Archived after a confirmation: off the list.
    page.once('dialog', (dialog) => void dialog.accept());
    await stored.getByRole('button', { name: 'Archive protein-pilot' }).click();
    await expect.poll(() => stored.getByRole('row', { name: /protein-pilot/ }).count()).toBe(0);
    expectNoConsoleErrors();
  });

  it("analyses a trial's own data set by its randomised arm, and the rule is judged", async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('statistician');
    await page.goto('/analysis');
    await page.getByRole('button', { name: 'Use WHEY-01' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Using WHEY-01 primary analysis data set; its arm column is the randomised arm\./);
    // The form starts from the trial's columns: the randomised arm, the placebo as control.
    expect(await page.getByRole('combobox', { name: /^Subject/ }).inputValue()).toBe('participant');
    expect(await page.getByRole('combobox', { name: /^Arm/ }).inputValue()).toBe('arm');
    expect(await page.getByRole('combobox', { name: /^Control arm/ }).inputValue()).toBe('placebo');
    expect(await page.getByRole('combobox', { name: /^Treatment arm/ }).inputValue()).toBe('whey');
    expect(await page.getByText(/is not a trial’s randomised arm/).count()).toBe(0);
    // Nothing to save: the trial's data set is built from the record each time.
    expect(await page.getByRole('form', { name: 'Save this data set' }).count()).toBe(0);
    await page.getByRole('combobox', { name: /^Outcome/ }).selectOption('lean_mass_kg');
    await page.getByRole('combobox', { name: /^Baseline/ }).selectOption('baseline');
    await page.getByRole('combobox', { name: /^At visit/ }).selectOption('week 12');
    await page.getByLabel(/Outcome unit/).fill('kg');
    await check('analysis-trial-form');
    const sent = page.waitForRequest((request) => request.url().endsWith('/api/analysis') && request.method() === 'POST');
    await page.getByRole('button', { name: 'Run the analysis' }).click();
    const body = (await sent).postDataJSON() as { trial?: string; data?: string; datasetId?: number };
    expect(body).toMatchObject({ trial: 'WHEY-01', arm: 'arm' });
    expect(body.data).toBeUndefined();
    expect(body.datasetId).toBeUndefined();
    await page.getByRole('heading', { name: /^Verdict: superiority (not )?shown/ }).waitFor();
    expect(await page.locator('.verdict .sentence').textContent()).toMatch(/^whey .* placebo on lean_mass_kg at week 12/i);
    expect(await page.getByRole('region', { name: /^Comparison \(no verdict/ }).count()).toBe(0);
    await check('analysis-trial-verdict');
    expectNoConsoleErrors();
  });

  it("analyses the cohort's physique measurements by visit without a file (investigator)", async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'tablet');
    await signIn('commander');
    await page.goto('/analysis');
    await page.getByRole('button', { name: 'Use physique measurements by visit' }).click();
    await page.getByRole('status').getByText('Physique measurements by visit').waitFor();
    // Visit 1 is no row of its own: the screen says it is each person's baseline, and a saved copy keeps the note.
    await page.getByRole('status').getByText(/^Each person's first visit is their baseline: its values are the _bl columns/).waitFor();
    expect(await page.getByLabel('Description (optional)').inputValue()).toMatch(/^Each person's first visit is their baseline/);
    expect(await page.getByRole('combobox', { name: /^Visit/ }).inputValue()).toBe('visit');
    expect(await page.getByRole('combobox', { name: /^Subject/ }).inputValue()).toBe('designation');
    expect(await page.getByRole('combobox', { name: /^Arm/ }).inputValue()).toBe('unit');
    expect(await page.getByRole('combobox', { name: /^Outcome/ }).inputValue()).toBe('lean_mass_kg');
    expect(await page.getByRole('combobox', { name: /^Baseline/ }).inputValue()).toBe('lean_mass_kg_bl');
    await page.getByLabel(/Outcome unit/).fill('kg');
    await check('analysis-derived-form');
    // Units were not randomised: no verdict, the comparison told as a description.
    expect(await page.getByText(/is not a trial’s randomised arm: the rule’s comparison is described/).count()).toBe(1);
    await page.getByRole('button', { name: 'Run the analysis' }).click();
    const description = page.getByRole('region', { name: /^Comparison \(no verdict/ }).locator('.description');
    await description.waitFor();
    expect(await description.textContent()).toMatch(/^2 Platoon \(demo\) vs 1 Platoon \(demo\) on lean_mass_kg at \d+: difference -?\d+\.\d\d kg .*"unit" is not a randomised arm, so this describes the groups and judges no rule\.$/);
    expect(await page.getByRole('heading', { name: /^Verdict/ }).count()).toBe(0);
    // The trial's own data set is for those who see its arms: this investigator is blinded to WHEY-01.
    expect(await page.getByRole('button', { name: 'Use WHEY-01' }).count()).toBe(0);
    const forest = page.getByRole('figure', { name: /Treatment differences/ });
    await forest.getByText('Table of the numbers').click();
    // One comparison of the two units per visit after the baseline (the demo's trial adds visits).
    const contrasts = await forest.locator('tbody tr').allTextContents();
    expect(contrasts.length).toBeGreaterThan(1);
    for (const contrast of contrasts) expect(contrast).toMatch(/^2 Platoon \(demo\) - 1 Platoon \(demo\) at \d+/);
    await check('analysis-derived-result');
    expectNoConsoleErrors();
  });

  it('runs reference-based imputation (jump to reference) with an events file and draws the tipping point', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('statistician');
    await page.goto('/analysis');
    const reference = new URL('../../../shared/reference/', import.meta.url);
    await page.getByLabel(/^Upload a long-format CSV/).setInputFiles({ name: 'antidepressant.csv', mimeType: 'text/csv', buffer: readFileSync(new URL('antidepressant.csv', reference)) });
    await page.getByRole('radio', { name: /Reference-based imputation/ }).check();
    await page.getByRole('combobox', { name: /^Arm/ }).selectOption('THERAPY');
    await page.getByRole('combobox', { name: /^Control arm/ }).selectOption('PLACEBO');
    await page.getByRole('combobox', { name: /^Outcome$/ }).selectOption('CHANGE');
    await page.getByRole('combobox', { name: /^Baseline/ }).selectOption('BASVAL');
    await page.getByLabel(/^Intercurrent events/).setInputFiles({ name: 'antidepressant-ice.csv', mimeType: 'text/csv', buffer: readFileSync(new URL('antidepressant-ice.csv', reference)) });
    await page.getByText('antidepressant-ice.csv: 43 events').waitFor();
    expect(await page.getByRole('combobox', { name: /^After an event/ }).inputValue()).toBe('JR');
    await page.getByLabel(/Outcome unit/).fill('points');
    await page.getByRole('combobox', { name: /^Treatment arm/ }).selectOption('DRUG');
    await page.getByRole('combobox', { name: /^Better is/ }).selectOption('lower');
    await page.getByRole('button', { name: 'Run the analysis' }).click();

    const tipping = page.getByRole('figure', { name: /Tipping point/ });
    await tipping.locator('svg').first().waitFor();
    const text = await tipping.textContent();
    expect(text).toMatch(/DRUG - PLACEBO at 7 is (not )?significant at the 5% level; a delta of -?\d+\.\d\d points changes that/);
    expect(await tipping.locator('svg').first().textContent()).toMatch(/verdict flips at -?\d+\.\d\d/);
    await tipping.getByText('Table of the numbers').click();
    expect(await tipping.locator('tbody tr').count()).toBe(11);
    await page.getByRole('heading', { name: 'Imputation' }).waitFor();
    expect(await page.getByText('jackknife (normal intervals)').count()).toBe(1);
    await check('analysis-rbmi-tipping-point');
    expectNoConsoleErrors();
  });

  it('charts as wide as they need, 12 px text, no label on another at any width; the Type III table shows F and p (scrolls on a phone)', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('statistician');
    await page.goto('/analysis');
    // The derived data set is there for the statistician too (issue 15).
    await page.getByRole('button', { name: 'Use physique measurements by visit' }).waitFor();
    const visits = ['baseline week', 'week 4 visit', 'week 8 visit', 'week 12 visit'];
    await page.getByLabel(/^Upload a long-format CSV/).setInputFiles({ name: 'trial.csv', mimeType: 'text/csv', buffer: Buffer.from(simulatedTrialCsv({ visits })) });
    await page.getByLabel(/Outcome unit/).fill('kg');
    await page.getByRole('button', { name: 'Run the analysis' }).click();
    await page.getByRole('figure', { name: /LS means by arm/ }).locator('svg').first().waitFor();
    expect(await page.getByRole('figure', { name: /LS means by arm/ }).textContent()).toContain('Visit (4 visits)');

    for (const viewport of ['desktop', 'tablet', 'phone'] as const) {
      await page.setViewportSize({ desktop: { width: 1280, height: 800 }, tablet: { width: 820, height: 1180 }, phone: { width: 390, height: 844 } }[viewport]);
      // The charts redraw at their new width.
      await page.waitForTimeout(500);
      const charts = await chartReadability(page);
      expect(charts.map((chart) => chart.title)).toEqual(['LS means by arm', 'Treatment differences', 'Individual trajectories']);
      for (const chart of charts) {
        expect(chart.smallestFont, `${chart.title} at ${viewport}: text size`).toBeGreaterThanOrEqual(12);
        expect(chart.overlaps, `${chart.title} at ${viewport}: overlapping labels`).toEqual([]);
        expect(chart.outside, `${chart.title} at ${viewport}: text cut off`).toEqual([]);
        // At 1280 px two charts share a row, each at least 520 px wide; narrower screens give each the full width.
        if (viewport === 'desktop') expect(chart.width, chart.title).toBeGreaterThanOrEqual(500);
      }
      const columns = await headingsInView(page, 'Type III tests', ['Term', 'Num df', 'Den df', 'F', 'p']);
      if (viewport === 'phone') {
        // On a phone the table keeps its columns and scrolls sideways within its own region.
        expect(await page.locator('.table-scroll[aria-label="Type III tests"] th').allTextContents()).toEqual(['Term', 'Num df', 'Den df', 'F', 'p']);
      } else {
        expect(columns, `Type III columns at ${viewport}`).toEqual({ Term: true, 'Num df': true, 'Den df': true, F: true, p: true });
      }
      await check(`analysis-charts-${viewport}`);
    }
    expectNoConsoleErrors();
  });

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`downloads an analysis as a self-contained HTML report, lists it with who ran it and when, and opens it again (${viewport})`, async () => {
      const { page, context, check, signIn, expectNoConsoleErrors } = await visit(world, viewport);
      await signIn('statistician');
      await page.goto('/analysis');
      const file = `report-${viewport}.csv`;
      await page.getByLabel(/^Upload a long-format CSV/).setInputFiles({ name: file, mimeType: 'text/csv', buffer: Buffer.from(simulatedTrialCsv({ seed: 7 })) });
      await page.getByLabel(/Outcome unit/).fill('kg');
      await page.getByRole('button', { name: 'Run the analysis' }).click();
      await page.getByRole('figure', { name: /LS means by arm/ }).locator('svg').first().waitFor();

      const downloading = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download the report (HTML)' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe(`analysis-lean-report-${viewport}.csv.html`);
      const html = readFileSync((await download.path())!, 'utf8');
      // Self-contained: the plots inline, nothing fetched.
      expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);
      expect(html).not.toMatch(/<script|<link|src="http/);
      for (const part of ['LS means by arm', 'Treatment differences', 'MMRM, us covariance, REML, satterthwaite df', 'Type III tests', 'Each arm minus placebo', 'Estimated covariance between visits', 'Comparison (no verdict', file]) {
        expect(html, part).toContain(part);
      }
      const report = await context.newPage();
      await report.setContent(html);
      await report.screenshot({ path: `test-results/datapad/analysis-report-${viewport}.png`, fullPage: true });
      await report.close();

      // Listed with who ran it and when; after a reload it opens as it was.
      const past = page.getByRole('region', { name: 'Past analyses' }).first();
      const row = past.getByRole('row', { name: new RegExp(file) });
      await row.waitFor();
      expect(await row.textContent()).toMatch(new RegExp(`Open \\d+: MMRM of lean${file}statistician.*\\d{4}.*protein vs placebo on lean at week12`));
      await page.reload();
      await page.getByRole('region', { name: 'Past analyses' }).first().getByRole('row', { name: new RegExp(file) }).getByRole('button').click();
      await page.getByText(new RegExp(`^Past analysis of ${file}, run by statistician`)).waitFor();
      await page.getByRole('figure', { name: /LS means by arm/ }).locator('svg').first().waitFor();
      await page.getByRole('heading', { name: 'Type III tests' }).waitFor();
      await check(`analysis-past-opened-${viewport}`);
      expectNoConsoleErrors();
    });
  }
});

