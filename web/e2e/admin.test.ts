import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, viewports, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('admin', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('imports a roster CSV: every bad row is shown with line, column and reason, then a good file goes in', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('admin');
    // Training and health summaries are not the administrator's to read (its capability's policy): no cohort in the menu.
    await page.getByRole('link', { name: 'Import roster', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Cohort', exact: true }).count()).toBe(0);
    await page.getByRole('link', { name: 'Import roster', exact: true }).click();
    await page.getByRole('heading', { name: 'Import the roster', level: 1 }).waitFor();
    // The template's example row names a unit this roster has, so it imports as it is.
    await expect.poll(async () => decodeURIComponent((await page.getByRole('link', { name: /Download a template/ }).getAttribute('href')) ?? '')).toContain('1 Platoon (demo)');

    const bad = 'designation,name,rank,unit,role\nJB-900,Ann Example,Rct,1 Platoon (demo),participant\nJB-901,,Rct,1 Platoon (demo),participant\nJB-902,Bo Example,Rct,1 Platoon (demo),general\n';
    await page.getByLabel('Roster CSV file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Import' }).click();
    const problems = page.getByRole('region', { name: 'Import problems' });
    await problems.waitFor();
    const rows = await problems.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows).toEqual([
      ['3', 'name', expect.any(String)],
      ['4', 'role', expect.any(String)],
    ]);
    await check('admin-import-problems');

    const good = 'designation,name,rank,unit,role\nJB-900,Ann Example,Rct,1 Platoon (demo),participant\n';
    await page.getByLabel('Roster CSV file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Imported' }).waitFor();
    expect(await page.locator('.outcome').textContent()).toMatch(/Created\s*1\s*Updated\s*0\s*Unchanged\s*0/);
    await check('admin-import-done');
    expectNoConsoleErrors();
  });

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`pages through the people and searches them on the server (${viewport})`, async () => {
      const { page, check, signIn, expectNoConsoleErrors } = await visit(world, viewport);
      await signIn('admin');
      const everyone = ((await (await page.request.get('/api/people')).json()) as { people: { designation: string; name: string }[] }).people;
      expect(everyone.length).toBeGreaterThan(50);
      await page.goto('/people');
      const count = page.getByText(/ of [\d,]+ people$/);
      await count.waitFor();
      expect(await count.textContent()).toBe(`1–50 of ${everyone.length} people`);
      const designations = () => page.getByRole('region', { name: 'People' }).locator('tbody tr td:first-child').allTextContents();
      expect(await designations()).toEqual(everyone.slice(0, 50).map((p) => p.designation));
      await check(`admin-people-page-1-${viewport}`);

      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText(`51–${everyone.length} of ${everyone.length} people`).waitFor();
      expect(await designations()).toEqual(everyone.slice(50).map((p) => p.designation));
      expect(new URL(page.url()).searchParams.get('page')).toBe('2');
      expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

      // A search starts again at the first page; names match in any case.
      const someone = everyone[7];
      const needle = someone.name.split(' ')[1].toUpperCase();
      const matching = everyone.filter((p) => `${p.designation} ${p.name}`.toUpperCase().includes(needle));
      await page.getByLabel('Name or designation').fill(needle);
      await page.getByText(`1–${matching.length} of ${matching.length} people`).waitFor();
      expect(await designations()).toEqual(matching.map((p) => p.designation));
      await check(`admin-people-search-${viewport}`);

      // The search and page survive a reload: they live in the address.
      await page.reload();
      await page.getByText(`1–${matching.length} of ${matching.length} people`).waitFor();
      expect(await page.getByLabel('Name or designation').inputValue()).toBe(needle);
      expectNoConsoleErrors();
    });
  }

  it('reads the audit trail and verifies its hash chain', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('admin');
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByRole('region', { name: 'Audit events' }).waitFor();
    expect(await page.getByRole('region', { name: 'Audit events' }).textContent()).toContain('session.create');
    await page.getByRole('button', { name: 'Verify the hash chain' }).click();
    await page.getByText(/^Intact: \d+ events verified\.$/).waitFor();
    await check('admin-audit');
    // On a phone each event is a block of its values, the action among them, with no sideways scrolling.
    await page.setViewportSize(viewports.phone);
    const events = page.getByRole('region', { name: 'Audit events' });
    expect(await events.evaluate((region) => region.scrollWidth - region.clientWidth)).toBeLessThanOrEqual(0);
    expect(await events.getByRole('cell', { name: 'session.create' }).first().isVisible()).toBe(true);
    await check('admin-audit-phone');
    await page.setViewportSize(viewports.desktop);

    await page.getByRole('link', { name: 'Units', exact: true }).click();
    await page.getByRole('link', { name: 'A Company (demo)' }).waitFor();
    await check('admin-units');
    expectNoConsoleErrors();
  });
});
