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
    // From the home: find the participant, open their form.
    await page.getByLabel('Participant (designation or name)').fill('olivia');
    await page.getByRole('button', { name: 'Find' }).click();
    const found = page.getByRole('list', { name: 'Participants found' });
    await found.getByRole('link').first().waitFor();
    expect(await found.getByRole('link').allTextContents()).toContain('Assess Rct Olivia Ward (JB-001)');
    await check('assessor-home');
    await found.getByRole('link', { name: 'Assess Rct Olivia Ward (JB-001)' }).click();
    await page.getByRole('heading', { name: 'Step 1 of 5: Visit' }).waitFor();
    await page.getByRole('combobox', { name: /^Body fat method/ }).selectOption('skinfold_jp3');
    await page.getByRole('button', { name: 'Next' }).click();

    // Next does not move on until the protocol is met, and says why in words.
    await page.getByRole('heading', { name: 'Step 2 of 5: Body mass and stature' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('Not done yet:Body mass: is required by the protocol');
    expect(await page.getByRole('heading', { name: 'Step 2 of 5: Body mass and stature' }).count()).toBe(1);
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
    // Skipping the third trial with Next is not possible: the step names the site.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('alert').getByText(/^Triceps skinfold trial 3: trials 12 and 14 differ by 15\.4% \(more than 5%\): take a third$/).waitFor();
    expect(await page.getByRole('heading', { name: 'Step 3 of 5: Body fat' }).count()).toBe(1);
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
    // The demo's last visit may be far from 70.1 kg: confirm if asked (the next test asks for sure).
    if (await page.getByRole('group', { name: 'Large changes since the last assessment' }).count()) await page.getByLabel('I have checked: these readings are right').check();
    await page.getByRole('button', { name: 'Save the assessment' }).click();
    await page.getByRole('heading', { name: 'Assessment saved' }).waitFor();
    // The server computed the same body fat from the same rules.
    expect(await page.locator('main').textContent()).toContain(`${bodyFat} %`);
    // Then on to the next participant of the unit, or this person's page.
    await page.getByRole('link', { name: /^Next participant: .*\(JB-\d+\)$/ }).waitFor();
    await check('assessor-saved');
    await page.getByRole('link', { name: 'Open Rct Olivia Ward (JB-001)’s page' }).click();
    // The demo's 7-site results and today's 3-site one are two series, never one line.
    const fat = page.getByRole('figure', { name: /Body fat/ });
    await fat.locator('svg').first().waitFor();
    await fat.getByText('Table of the numbers').click();
    const methods = new Set((await fat.locator('tbody tr td:nth-child(3)').allTextContents()).map((m) => m.trim()));
    expect([...methods]).toEqual(expect.arrayContaining(['Skinfolds, Jackson-Pollock 3-site', 'Skinfolds, Jackson-Pollock 7-site']));
    await check('assessor-person-body-fat');
    expectNoConsoleErrors();
  });

  it('asks to confirm a change beyond what a week allows before saving', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('assessor');
    await page.goto('/people?unitId=2');
    await page.getByRole('link', { name: 'JB-003' }).click();
    await page.waitForURL(/\/people\/\d+$/);
    const personId = Number(/people\/(\d+)/.exec(page.url())?.[1]);
    const history = (await (await page.request.get(`/api/people/${personId}/assessments`)).json()) as { assessments: { local: { date: string }; sites: { site: string; value: number }[] }[] };
    const last = history.assessments.sort((a, b) => b.local.date.localeCompare(a.local.date))[0];
    const lastMass = last.sites.find((s) => s.site === 'body_mass')!.value;
    await page.getByRole('link', { name: 'New physique assessment' }).click();
    await page.getByRole('combobox', { name: /^Body fat method/ }).selectOption('');
    await page.getByRole('button', { name: 'Next' }).click();
    // Eight kilograms more than the last visit, as a misread scale would give.
    const heavier = (lastMass + 8).toFixed(1);
    for (const [site, value] of [['Body mass (kg)', heavier], ['Stature (cm)', '175.0']] as const) {
      const group = page.getByRole('group', { name: site });
      await group.getByLabel('Trial 1').fill(value);
      await group.getByLabel('Trial 2').fill(value);
    }
    for (let step = 2; step < 5; step++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Step 5 of 5: Review' }).waitFor();
    const changes = page.getByRole('group', { name: 'Large changes since the last assessment' });
    await changes.getByText(new RegExp(`^Body mass: ${Number(lastMass.toFixed(1))} kg on ${last.local.date} to ${Number(heavier)} kg now \\(8 kg, where up to \\d+(\\.\\d)? kg is plausible\\)$`)).waitFor();
    const save = page.getByRole('button', { name: 'Save the assessment' });
    expect(await save.isDisabled()).toBe(true);
    await check('assessor-confirm-change');
    await changes.getByLabel('I have checked: these readings are right').check();
    await save.click();
    await page.getByRole('heading', { name: 'Assessment saved' }).waitFor();
    expectNoConsoleErrors();
  });

  it('reviews and saves only the sites of the method chosen last, when Back changed it', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('assessor');
    await page.getByLabel('Participant (designation or name)').fill('JB-002');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('list', { name: 'Participants found' }).getByRole('link', { name: /\(JB-002\)$/ }).click();
    await page.waitForURL(/\/people\/\d+\/assess$/);
    const personId = Number(/people\/(\d+)/.exec(page.url())?.[1]);
    // JB-002 is male: the 7-site skinfolds first, all entered...
    await page.getByRole('combobox', { name: /^Body fat method/ }).selectOption('skinfold_jp7');
    await page.getByRole('button', { name: 'Next' }).click();
    for (const site of ['Body mass (kg)', 'Stature (cm)']) {
      const group = page.getByRole('group', { name: site });
      await group.getByLabel('Trial 1').fill(site.startsWith('Body') ? '80.0' : '180.0');
      await group.getByLabel('Trial 2').fill(site.startsWith('Body') ? '80.0' : '180.0');
    }
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Step 3 of 5: Body fat' }).waitFor();
    const skinfolds = page.getByRole('group', { name: /skinfold/ });
    expect(await skinfolds.count()).toBe(7);
    for (const group of await skinfolds.all()) {
      await group.getByLabel('Trial 1').fill('10');
      await group.getByLabel('Trial 2').fill('10');
    }
    // ...then Back to the visit, and the 3-site method instead.
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('combobox', { name: /^Body fat method/ }).selectOption('skinfold_jp3');
    for (let step = 1; step < 5; step++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Step 5 of 5: Review' }).waitFor();
    // Male Jackson-Pollock 3-site: chest, abdominal and thigh; the other four readings are not this protocol's.
    const reviewed = await page.getByRole('form').locator('ul').first().locator('li').allTextContents();
    expect(reviewed).toEqual(['Body mass: 80 kg', 'Stature: 180 cm', 'Chest skinfold: 10 mm', 'Abdominal skinfold: 10 mm', 'Thigh skinfold: 10 mm']);
    await check('assessor-method-changed-review');
    if (await page.getByRole('group', { name: 'Large changes since the last assessment' }).count()) await page.getByLabel('I have checked: these readings are right').check();
    await page.getByRole('button', { name: 'Save the assessment' }).click();
    await page.getByRole('heading', { name: 'Assessment saved' }).waitFor();
    const stored = (await (await page.request.get(`/api/people/${personId}/assessments`)).json()) as { assessments: { method: string | null; sites: { site: string }[] }[] };
    const saved = stored.assessments.find((a) => a.sites.some((s) => s.site === 'skinfold_chest') && a.method === 'skinfold_jp3');
    expect(saved?.sites.map((s) => s.site).sort()).toEqual(['body_mass', 'skinfold_abdominal', 'skinfold_chest', 'skinfold_thigh', 'stature']);
    expectNoConsoleErrors();
  });

  it("enters and shows the visit's date and time in the unit's zone, not the browser's", async () => {
    const { page, context, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    // The browser is in Auckland (13 hours from the demo unit's Europe/London this time of year).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Pacific/Auckland' });
    await signIn('assessor');
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('Pacific/Auckland');
    await page.goto('/people?unitId=2');
    await page.getByRole('link', { name: 'JB-001' }).click();
    await page.waitForURL(/\/people\/\d+$/);
    const personId = Number(/people\/(\d+)/.exec(page.url())?.[1]);
    await page.getByRole('link', { name: 'New physique assessment' }).click();

    const londonNow = () => {
      const now = new Date();
      const part = (options: Intl.DateTimeFormatOptions, locale: string) => new Intl.DateTimeFormat(locale, { timeZone: 'Europe/London', ...options }).format(now);
      return { date: part({ year: 'numeric', month: '2-digit', day: '2-digit' }, 'en-CA'), time: part({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, 'en-GB') };
    };
    const date = page.getByLabel('Date (Europe/London)');
    const time = page.getByLabel('Time (Europe/London)');
    const before = londonNow();
    await date.waitFor();
    const shown = { date: await date.inputValue(), time: await time.inputValue() };
    // Filled with the unit's now (the minute may turn while the page loads).
    expect([before, londonNow()]).toContainEqual(shown);
    await check('assessor-visit-zone');

    // 06:15 on 1 July in London is British summer time: 05:15 UTC (17:15 in Auckland).
    await date.fill('2026-07-01');
    await time.fill('06:15');
    await page.getByRole('combobox', { name: /^Body fat method/ }).selectOption('');
    await page.getByRole('button', { name: 'Next' }).click();
    const mass = page.getByRole('group', { name: 'Body mass (kg)' });
    await mass.getByLabel('Trial 1').fill('60.0');
    await mass.getByLabel('Trial 2').fill('60.0');
    for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Save the assessment' }).click();
    await page.getByText('Visit of 2026-07-01 at 06:15 (Europe/London)').waitFor();
    await check('assessor-visit-zone-saved');
    const stored = (await (await page.request.get(`/api/people/${personId}/assessments`)).json()) as { assessments: { assessedAt: string }[] };
    expect(stored.assessments.map((a) => a.assessedAt)).toContain('2026-07-01T05:15:00.000Z');
    expectNoConsoleErrors();
  });
});
