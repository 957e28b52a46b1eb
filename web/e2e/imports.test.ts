import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, viewports, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

const header = 'designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes\n';
/** A day three days ago (UTC), so every row is in the past in the demo units' zone. */
const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);

describe('CSV imports', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it("shows a large wellness file's progress, uploading then checking, and its one bad row", async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('commander');
    await page.getByRole('link', { name: 'Import wellness' }).click();
    await page.getByRole('heading', { name: 'Import wellness reports', level: 1 }).waitFor();
    // Every demo participant's report for each day of 2023: some 22,000 good rows (about 800 kB), then one bad.
    const lines = ['designation,date,sleep_quality,fatigue,stress,soreness,hours_slept'];
    for (let person = 1; person <= 60; person++) {
      for (let day = 0; day < 365; day++) lines.push(`JB-${String(person).padStart(3, '0')},${new Date(Date.UTC(2023, 0, 1 + day)).toISOString().slice(0, 10)},5,3,2,4,7.5`);
    }
    lines.push('JB-001,2024-01-01,5,3,2,9,7.5');
    await page.getByLabel('Wellness CSV file').setInputFiles({ name: 'wellness.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
    // Every progress label the screen shows, in order.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const text = document.querySelector('.progress')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Import' }).click();
    const problems = page.getByRole('region', { name: 'Import problems' });
    await problems.waitFor({ timeout: 60_000 });
    expect(await problems.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)))).toEqual([
      [String(lines.length), 'soreness', expect.any(String)],
    ]);
    await check('imports-wellness-problems');
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen[0]).toMatch(/^Uploading \(\d+% of the file\)/);
    // Rows checked and written as the server reads, with the share of the file read.
    const number = (text: string) => Number(text.replace(/,/g, ''));
    const checking = seen.flatMap((label) => {
      const match = /^Checking: ([\d,]+) rows? checked, ([\d,]+) written \((\d+)% of the file\)/.exec(label);
      return match ? [{ checked: number(match[1]), written: number(match[2]), percent: Number(match[3]) }] : [];
    });
    expect(checking.length, seen.join(' | ')).toBeGreaterThan(1);
    for (const key of ['checked', 'written', 'percent'] as const) expect(checking.map((c) => c[key])).toEqual(checking.map((c) => c[key]).sort((a, b) => a - b));
    expect(checking.every((c) => c.written <= c.checked && c.checked < lines.length)).toBe(true);
    // Wellness writes in batches while it reads; all of it is rolled back for the bad last row.
    expect(checking.at(-1)!.written, seen.join(' | ')).toBeGreaterThan(0);
    expectNoConsoleErrors();
  });

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`a trainer's training file: every bad row listed with nothing written, then a good one's summary (${viewport})`, async () => {
      const { page, check, signIn, expectNoConsoleErrors } = await visit(world, viewport);
      await signIn('trainer');
      if (viewport === 'phone') await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('link', { name: 'Import training' }).click();
      await page.getByRole('heading', { name: 'Import training', level: 1 }).waitFor();
      const template = page.getByRole('link', { name: /Download a template/ });
      expect(await template.getAttribute('download')).toBe('training-template.csv');
      expect(decodeURIComponent((await template.getAttribute('href')) ?? '')).toContain(header);

      // Participant JB-00n in the demo, at a time the demo's sessions never use; each viewport imports its own person so the two runs stay apart.
      const who = viewport === 'desktop' ? 'JB-001' : 'JB-002';
      const bad = `${header}${who},${day},05:17,Back Squat,1,5,100,kg,8,,,\nJB-999,${day},05:17,Back Squat,1,5,100,kg,8,,,\n${who},${day},05:17,Back Squat,2,many,100,kg,8,,,\n`;
      await page.getByLabel('Training CSV file').setInputFiles({ name: 'training.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      await page.getByRole('button', { name: 'Import' }).click();
      const problems = page.getByRole('region', { name: 'Import problems' });
      await problems.waitFor();
      const rows = await problems.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      expect(rows).toEqual([
        ['3', 'designation', expect.stringMatching(/JB-999/)],
        ['4', 'reps', expect.stringMatching(/many/)],
      ]);
      await check(`imports-training-problems-${viewport}`);
      const stored = async () => ((await (await page.request.get('/api/training/export?format=json')).json()) as { designation: string; date: string; time: string }[]).filter((set) => set.designation === who && set.date === day && set.time === '05:17').length;
      expect(await stored()).toBe(0);

      const good = `${header}${who},${day},05:17,Back Squat,1,5,100,kg,8,,,\n${who},${day},05:17,Back Squat,2,5,102.5,kg,8.5,,,\n`;
      await page.getByLabel('Training CSV file').setInputFiles({ name: 'training.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
      await page.getByRole('button', { name: 'Import' }).click();
      await page.getByRole('heading', { name: 'Imported' }).waitFor();
      expect(await page.locator('.outcome').textContent()).toMatch(/Rows\s*2.*Sets added\s*2.*Already stored\s*0/);
      expect(await stored()).toBe(2);
      await check(`imports-training-done-${viewport}`);

      // The same file again adds nothing.
      await page.getByRole('button', { name: 'Import' }).click();
      await page.getByText(/Sets added\s*0/).waitFor();
      expect(await page.locator('.outcome').textContent()).toMatch(/Already stored\s*2/);
      expectNoConsoleErrors();
    });
  }

  // Issue 15: the roster import's Reason column was cut off on a phone.
  it("shows a roster file's problems on a phone with every reason whole, wrapped within the screen", async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('admin');
    await page.goto('/roster/import');
    const bad = 'designation,name,rank,unit,role\nJB-970,Ann Example,Rct,No Such Platoon Anywhere,participant\nJB-971,Bo Example,Rct,1 Platoon (demo),general\n';
    await page.getByLabel('Roster CSV file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Import' }).click();
    const problems = page.getByRole('region', { name: 'Import problems' });
    await problems.waitFor();
    // Nothing to scroll sideways to: the table fits its region, and each reason's box lies within the screen.
    expect(await problems.evaluate((region) => region.scrollWidth - region.clientWidth)).toBeLessThanOrEqual(0);
    const reasons = problems.locator('tbody td:nth-child(3)');
    expect(await reasons.count()).toBe(2);
    for (const reason of await reasons.all()) {
      const box = (await reason.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewports.phone.width);
      expect(await reason.evaluate((cell) => cell.scrollWidth - cell.clientWidth)).toBeLessThanOrEqual(0);
    }
    await check('imports-roster-problems-phone');
    expectNoConsoleErrors();
  });
});
