import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlappingChartLabels, startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('commander (investigator)', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('sees today in their units at home, the cohort in detail, and drills down to a unit and a person with their chain of command', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('commander');
    const units = (await (await page.request.get('/api/units')).json()).units as { id: number; name: string; parentId: number | null }[];
    const company = units.find((u) => u.parentId === null)!;
    const platoon = units.find((u) => u.name === '1 Platoon (demo)')!;

    // Home is the day: the numbers and who is flagged, no charts; the cohort's charts are a link away.
    await page.getByRole('heading', { name: 'Today in your units' }).waitFor();
    const today = page.getByRole('list', { name: `${company.name} today` });
    await today.waitFor();
    expect(await today.textContent()).toContain('60 people on strength');
    expect(await today.textContent()).toMatch(/\d+% attendance since \d{4}-\d\d-\d\d/);

    // Flags: the platoon's wellness counts agree with the unit's wellness day; each flagged person links to their page.
    const day = (await (await page.request.get(`/api/units/${platoon.id}/wellness`)).json()) as { participants: { today: { flag: { state: string } } | null }[] };
    const flags = page.getByRole('region', { name: `Flags in ${company.name}` });
    const flagCells = await flags.getByRole('region', { name: 'Flags per unit' }).getByRole('row', { name: /1 Platoon \(demo\)/ }).getByRole('cell').allTextContents();
    expect(flagCells.slice(1, 3)).toEqual([String(day.participants.filter((p) => p.today).length), String(day.participants.filter((p) => p.today?.flag.state === 'flagged').length)]);
    // The first 20 flagged, furthest outside their usual range first, in the order the API gives them.
    const flagged = (await (await page.request.get(`/api/units/${company.id}/cohort/flags`)).json()) as { flaggedPeople: number; people: { person: { designation: string } }[] };
    const links = await flags.getByRole('list', { name: 'Flagged people' }).getByRole('link').allTextContents();
    expect(links).toHaveLength(Math.min(20, flagged.flaggedPeople));
    expect(links.map((text) => /\(([^)]+)\)/.exec(text)?.[1])).toEqual(flagged.people.slice(0, 20).map((p) => p.person.designation));
    const flaggedList = flags.getByRole('list', { name: 'Flagged people' }).getByRole('link');
    if (flagged.flaggedPeople > 20) {
      await flags.getByRole('button', { name: `Show all ${flagged.flaggedPeople}` }).click();
      await expect.poll(() => flaggedList.count()).toBe(flagged.flaggedPeople);
    } else if (flagged.flaggedPeople > 0) {
      expect(await flags.textContent()).toContain(`${flagged.flaggedPeople} ${flagged.flaggedPeople === 1 ? 'person' : 'people'} flagged, furthest outside their usual range first.`);
      expect(await flags.getByRole('button', { name: /Show all/ }).count()).toBe(0);
    }
    expect(await page.locator('.plot svg').count()).toBe(0);
    await check('commander-home');

    await page.getByRole('main').getByRole('link', { name: 'The cohort in detail' }).click();
    await page.getByRole('heading', { name: 'Cohort at a glance' }).waitFor();
    await page.locator('.plot svg').first().waitFor();
    expect(await page.locator('.stats').textContent()).toContain('60 people on strength');
    await page.getByText('Table of the numbers').first().click();
    expect(await page.getByRole('region', { name: /Participants by unit and status: numbers/ }).textContent()).toContain('1 Platoon (demo)');

    // Attendance and load per unit: the platoon's row agrees with the per-person weekly load the API gives for it.
    const perPerson = (await (await page.request.get(`/api/units/${platoon.id}/training/load`)).json()).participants as { load: number; sessions: number }[];
    const platoonRow = page.getByRole('region', { name: 'Attendance and training load per unit' }).getByRole('row', { name: /1 Platoon \(demo\)/ });
    const cells = await platoonRow.getByRole('cell').allTextContents();
    expect(cells[2]).toBe(String(Math.round(perPerson.reduce((sum, p) => sum + p.load, 0))));
    expect(cells[4]).toBe(`${perPerson.filter((p) => p.sessions > 0).length} of 30`);
    expect(Number(cells[1])).toBeGreaterThan(0);

    // Recent personal bests, as many as the API lists, each naming a person.
    const bests = (await (await page.request.get(`/api/units/${company.id}/cohort/bests`)).json()).bests as unknown[];
    if (bests.length) expect(await page.getByRole('list', { name: `Recent personal bests in ${company.name}` }).getByRole('link').count()).toBe(bests.length);
    else await page.getByText(/^No new personal bests since/).waitFor();
    // Each export the commander may take, as a download.
    const exports = page.getByRole('group', { name: 'Export wellness reports' });
    const [download] = await Promise.all([page.waitForEvent('download'), exports.getByRole('link', { name: 'Export wellness reports (CSV)' }).click()]);
    // Named for what it holds and the day, so three exports in one folder are not export.csv, export (1).csv...
    const localDay = new Date().toLocaleDateString('en-CA');
    expect(download.suggestedFilename()).toBe(`wellness-reports-${localDay}.csv`);
    expect((await readFile((await download.path())!, 'utf8')).split('\n')[0]).toMatch(/designation/);
    for (const [what, format] of [['physique assessments', 'JSON'], ['training sets', 'CSV']] as const) {
      const link = page.getByRole('group', { name: `Export ${what}` }).getByRole('link', { name: `Export ${what} (${format})` });
      const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(file.suggestedFilename()).toBe(`${what.replaceAll(' ', '-')}-${localDay}.${format.toLowerCase()}`);
      const text = await readFile((await file.path())!, 'utf8');
      if (format === 'JSON') expect(Array.isArray(JSON.parse(text))).toBe(true);
      else expect(text.split('\n')[0]).toMatch(/^set_id,designation,/);
    }
    await check('commander-cohort');

    await page.getByRole('link', { name: '1 Platoon (demo)' }).click();
    await page.getByRole('heading', { name: '1 Platoon (demo)', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'JB-001', exact: true }).waitFor();
    // The platoon's own glance: the same row as on the home, and its own flags.
    await page.getByRole('heading', { name: 'At a glance' }).waitFor();
    expect(await page.getByRole('region', { name: 'Attendance and training load per unit' }).getByRole('row', { name: /1 Platoon \(demo\)/ }).getByRole('cell').allTextContents()).toEqual(cells);
    await page.getByRole('region', { name: 'Flags in 1 Platoon (demo)' }).getByRole('region', { name: 'Flags per unit' }).waitFor();
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
    // One unit: a chart of one bar would say no more than its number.
    expect(await page.getByRole('figure', { name: /Participants by unit and status|Training load, week/ }).count()).toBe(0);
    await check('commander-unit');

    await page.getByRole('link', { name: 'JB-001', exact: true }).click();
    await page.getByRole('heading', { name: 'Chain of command' }).waitFor();
    await page.getByText('Lt Daniel Reid').waitFor();
    const chain = await page.locator('.chain').textContent();
    expect(chain).toContain('trainer of 1 Platoon (demo)');
    expect(chain).toContain('Maj Catherine Hale');
    await page.getByRole('heading', { name: 'Unit history' }).waitFor();
    await page.getByRole('region', { name: 'Unit history table' }).locator('tbody tr').first().waitFor();
    // Their training and wellness, as the API gives them to the commander.
    const person = (await (await page.request.get('/api/people?q=JB-001')).json()).people[0] as { id: number };
    const personBests = (await (await page.request.get(`/api/people/${person.id}/training/bests`)).json()).bests as unknown[];
    await page.getByRole('heading', { name: 'Training', level: 2 }).waitFor();
    await page.getByRole('figure', { name: /Weekly training load/ }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Personal bests', exact: true }).locator('tbody tr').count()).toBe(personBests.length);
    await page.getByRole('heading', { name: 'Wellness', level: 2 }).waitFor();
    await page.getByText(/Today’s score is (within their usual range|(well|far) (below|above) their usual \(about \d+\)|not enough history)/).waitFor();
    // Attendance: the sessions the API lists, with the share present.
    const attendance = (await (await page.request.get(`/api/people/${person.id}/training/attendance`)).json()) as { counts: { recorded: number; present: number } };
    await page.getByText(new RegExp(`^Present at ${attendance.counts.present} of ${attendance.counts.recorded} sessions recorded from`)).waitFor();
    // The load ratio with each week's monotony and strain, drills and strength tests, as the API computes them.
    const load = (await (await page.request.get(`/api/people/${person.id}/training/load`)).json()) as { weeks: unknown[] };
    await page.getByRole('figure', { name: /Acute:chronic workload ratio/ }).locator('svg').first().waitFor();
    expect(await page.getByRole('region', { name: 'Weekly load, monotony and strain' }).locator('tbody tr').count()).toBe(load.weeks.length);
    const drills = (await (await page.request.get(`/api/people/${person.id}/drills`)).json()) as { bests: unknown[] };
    await page.getByRole('heading', { name: 'Drills', level: 2 }).waitFor();
    if (drills.bests.length) expect(await page.getByRole('region', { name: 'Drill personal bests' }).locator('tbody tr').count()).toBe(drills.bests.length);
    await page.getByRole('heading', { name: 'Strength tests', level: 2 }).waitFor();
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
    // The time charts' axis titles clear their top tick labels (they overlapped by 1.7 px).
    expect(await overlappingChartLabels(page)).toEqual([]);
    await check('commander-person');
    expectNoConsoleErrors();
  });

  it('a monitor reaches the cohort from their home and a participant’s training and wellness, with nothing to change', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('monitor');
    await page.getByRole('link', { name: 'Cohort', exact: true }).first().waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Cohort', exact: true }).click();
    await page.getByRole('heading', { name: 'Cohort at a glance' }).waitFor();
    await page.locator('.plot svg').first().waitFor();
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
    await check('monitor-cohort');
    await page.getByRole('link', { name: '1 Platoon (demo)' }).first().click();
    await page.getByRole('link', { name: 'JB-001', exact: true }).click();
    await page.getByRole('heading', { name: 'Training', level: 2 }).waitFor();
    await page.getByRole('heading', { name: 'Wellness', level: 2 }).waitFor();
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
    expect(await page.getByRole('button', { name: /New|Save|Delete/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New physique assessment' }).count()).toBe(0);
    await check('monitor-person');
    expectNoConsoleErrors();
  });

  it('works at phone and tablet widths, with the menu behind a button on a phone', async () => {
    for (const size of ['phone', 'tablet'] as const) {
      const { page, check, signIn, expectNoConsoleErrors } = await visit(world, size);
      await signIn('commander');
      await page.getByRole('region', { name: /^Flags in / }).getByRole('region', { name: 'Flags per unit' }).waitFor();
      if (size === 'phone') {
        await expect.poll(() => page.getByRole('link', { name: 'People' }).isVisible()).toBe(false);
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('link', { name: 'People' }).click();
        await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
        await page.getByRole('link', { name: 'JB-002' }).waitFor();
        await check('commander-people-phone');
      }
      await page.goto('/');
      await page.getByRole('heading', { name: 'Today in your units' }).waitFor();
      await check(`commander-home-${size}`);
      await page.goto('/cohort');
      await page.locator('.plot svg').first().waitFor();
      // Every label of every chart is drawn inside its chart: long unit names wrap rather than run off the left edge.
      const outside = await page.locator('.plot svg').evaluateAll((svgs) =>
        svgs.flatMap((svg) => {
          const box = svg.getBoundingClientRect();
          return [...svg.querySelectorAll('text')].filter((t) => t.getBoundingClientRect().left < box.left - 0.5).map((t) => t.textContent);
        }),
      );
      expect(outside).toEqual([]);
      // No two labels of a chart overlap (the x axis's title sat 4.5 px over its 12 px tick labels).
      expect(await overlappingChartLabels(page)).toEqual([]);
      await check(`commander-cohort-${size}`);
      expectNoConsoleErrors();
    }
  });
});
