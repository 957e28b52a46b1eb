import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('admin', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('imports a roster CSV: every bad row is shown with line, column and reason, then a good file goes in', async () => {
    const { page, check, signIn, expectNoConsoleErrors, expectConsoleError } = await visit(world);
    await signIn('admin');
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import the roster', level: 1 }).waitFor();

    expectConsoleError(/status of 400 .*\/api\/roster\/import/);
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
    await page.getByText('Imported: 1 created, 0 updated, 0 unchanged.').waitFor();
    await check('admin-import-done');
    expectNoConsoleErrors();
  });

  it('reads the audit trail and verifies its hash chain', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('admin');
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByRole('region', { name: 'Audit events' }).waitFor();
    expect(await page.getByRole('region', { name: 'Audit events' }).textContent()).toContain('session.create');
    await page.getByRole('button', { name: 'Verify the hash chain' }).click();
    await page.getByText(/^Intact: \d+ events verified\.$/).waitFor();
    await check('admin-audit');

    await page.getByRole('link', { name: 'Units', exact: true }).click();
    await page.getByRole('link', { name: 'A Company (demo)' }).waitFor();
    await check('admin-units');
    expectNoConsoleErrors();
  });
});
