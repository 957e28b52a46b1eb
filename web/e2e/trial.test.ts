import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson } from '../../src/roster/store.ts';
import { systemActor } from '../../src/shared/actor.ts';
import { recordConsent } from '../../src/trial/enrolment.ts';
import { trialByCode } from '../../src/trial/trials.ts';
import { write } from '../../src/store/write.ts';
import { startWorld, visit, WORLD_START_TIMEOUT, type Visit, type World } from './harness.ts';

const CODE = 'WHEY-01';
const blindedLogins = ['commander', 'trainer', 'assessor', 'monitor', 'admin', 'jb-001'];

/** Yesterday in the demo units' zone (Europe/London), a day every randomised participant's schedule has begun by. */
const yesterday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(Date.now() - 86_400_000));

async function settled(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
}

describe('the trial in the datapad', { timeout: 180_000 }, () => {
  let world: World;
  /** Texts that name the arms because they name or describe the trial (its code, title and consent document), not who got which. */
  let describing: string[];
  let armPattern: RegExp;

  beforeAll(async () => {
    world = await startWorld();
    const trial = await trialByCode(world.database.db, CODE);
    const documents = await world.database.db.selectFrom('consent_document').select(['title', 'body']).where('trial_id', '=', trial.id).execute();
    describing = [trial.title, trial.code, ...documents.flatMap((d) => [d.title, d.body])];
    armPattern = new RegExp(`\\b(${trial.protocol.arms.map((a) => a.label).join('|')})\\b`, 'i');
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  /** The arm labels on the page, once the texts that describe the trial are taken out. */
  async function armsShown(page: Page): Promise<string | null> {
    let text = await page.locator('body').innerText();
    for (const description of describing) text = text.split(description).join(' ');
    return armPattern.exec(text)?.[0] ?? null;
  }

  async function openTrial(page: Page): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Trials', exact: true }).click();
    await settled(page);
    await page.getByRole('link', { name: CODE }).click();
    await settled(page);
  }

  async function openTask(page: Page, label: string): Promise<void> {
    await page.getByRole('navigation', { name: "This trial's tasks" }).getByRole('link', { name: label, exact: true }).click();
    await settled(page);
  }

  it('investigator: the protocol, enrolment (a refused paper consent in words, screening, randomisation to a kit), CONSORT, adverse events, deviations', async () => {
    const { page, check, signIn, expectNoConsoleErrors, expectConsoleError } = await visit(world);
    // A new recruit whose paper consent an assessor (outside their chain of command) took.
    const db = world.database.db;
    const unit = await db.selectFrom('unit').select('id').where('name', '=', '1 Platoon (demo)').executeTakeFirstOrThrow();
    const assessor = await db.selectFrom('person').select('id').where('designation', '=', 'ASR-001').executeTakeFirstOrThrow();
    const recruit = await write(db, systemActor('test'), async (w) => {
      const person = await createPerson(w, { designation: 'JB-901', name: 'Robin Test', rank: 'Pte', status: 'active', dateOfBirth: '2000-01-01', sex: 'female', unitId: unit.id, roles: ['participant'] });
      await recordConsent(w, CODE, person.id, { documentVersion: 1, decision: 'given', reason: 'paper form at the briefing (test)', recordedBy: assessor.id });
      return person;
    });

    await signIn('commander');
    await openTrial(page);
    // The protocol's own page describes the arms.
    expect(await page.getByRole('region', { name: 'Arms' }).textContent()).toMatch(/whey.*placebo/s);
    expect(await page.getByText(/^[0-9a-f]{64}$/).count()).toBeGreaterThanOrEqual(2);
    await check('trial-investigator-protocol');

    await openTask(page, 'Enrol');
    await page.getByLabel('Find a participant (name or designation)').fill('Robin Test');
    await page.getByRole('button', { name: 'Enrol JB-901' }).click();
    const consentForm = page.locator('form', { has: page.getByRole('heading', { name: '1. Paper consent form' }) });
    // Nothing is chosen for the investigator.
    expect(await consentForm.getByLabel('Document version signed').inputValue()).toBe('');
    expect(await consentForm.getByRole('radio', { checked: true }).count()).toBe(0);
    await consentForm.getByLabel('Document version signed').selectOption('1');
    await consentForm.getByRole('radio', { name: 'Gave consent' }).check();
    await consentForm.getByLabel('Reason (kept in the audit trail)').fill('signed at the platoon briefing');
    expectConsoleError(/status of 403/);
    await consentForm.getByRole('button', { name: 'Record the consent form' }).click();
    // The commander commands the recruit's company: refused, and said so in words beside what was sent.
    await expect.poll(() => consentForm.getByRole('alert').textContent()).toMatch(/chain of command/);
    expect(await consentForm.locator('.sent').textContent()).toContain('signed at the platoon briefing');

    const screening = page.locator('form', { has: page.getByRole('heading', { name: '2. Screening' }) });
    await screening.getByRole('group', { name: /I1/ }).getByRole('radio', { name: 'Yes' }).check();
    await screening.getByRole('group', { name: /E1/ }).getByRole('radio', { name: 'No' }).check();
    await screening.getByRole('button', { name: 'Record the screening' }).click();
    await expect.poll(() => screening.locator('.success').textContent()).toBe('JB-901 is eligible.');

    const randomise = page.locator('form', { has: page.getByRole('heading', { name: '3. Randomise' }) });
    await randomise.getByLabel('Reason (kept in the audit trail)').fill('consented and eligible');
    await randomise.getByRole('button', { name: 'Randomise JB-901' }).click();
    await expect.poll(() => randomise.locator('.success').textContent()).toMatch(/^Randomised JB-901: slot \d+, kit [A-Z0-9-]+\.$/);
    const allocation = await db.selectFrom('trial_allocation').select('kit_code').where('person_id', '=', recruit.id).executeTakeFirstOrThrow();
    expect(await randomise.locator('.success').textContent()).toContain(allocation.kit_code);
    expect(await armsShown(page)).toBeNull();
    await check('trial-investigator-enrol');

    await page.getByRole('link', { name: /Trial WHEY-01: protocol and tasks/ }).click();
    await openTask(page, 'CONSORT');
    const consort = (await (await page.request.get(`/api/trials/${CODE}/consort`)).json()) as { randomised: number; pooled: { allocated: number } };
    expect(await page.getByRole('region', { name: 'CONSORT counts by stage' }).getByRole('row', { name: /Allocated/ }).getByRole('cell').allTextContents()).toEqual(['Allocated', String(consort.pooled.allocated)]);
    expect(await page.getByRole('term').filter({ hasText: 'Randomised' }).locator('xpath=following-sibling::dd').textContent()).toBe(String(consort.randomised));
    await page.waitForFunction(() => (document.querySelector('img.consort') as HTMLImageElement | null)?.naturalWidth);
    await check('trial-investigator-consort');

    await page.goBack();
    await settled(page);
    await openTask(page, 'Adverse events');
    expect(await page.getByRole('region', { name: 'Adverse events', exact: true }).getByText('Admitted to hospital with appendicitis; appendix removed').count()).toBe(1);
    await check('trial-investigator-adverse-events');
    await page.goBack();
    await settled(page);
    await openTask(page, 'Deviations');
    await check('trial-investigator-deviations');
    expectNoConsoleErrors();
  });

  it('participant: reads the consent, sees their kit and visits, logs a dose, withdraws', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('jb-001');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My trials' }).click();
    await settled(page);
    const mine = (await (await page.request.get('/api/me/trials')).json()).trials[0] as { kit: { kitCode: string; arm?: string } | null; withdrawal: unknown; visits: { name: string; due: string }[] };
    expect(mine.kit?.arm).toBeUndefined();
    expect(await page.getByRole('term').filter({ hasText: 'Your kit' }).locator('xpath=following-sibling::dd').textContent()).toContain(mine.kit!.kitCode);
    const visits = page.getByRole('region', { name: `My visits in ${CODE}` });
    for (const v of mine.visits) expect(await visits.getByRole('row', { name: new RegExp(`^${v.name} ${v.due}`) }).count()).toBe(1);
    // The consent document is there to read, and no decision is chosen for them.
    expect(await page.getByText('You may withdraw at any time').count()).toBeGreaterThan(0);
    expect(await page.getByRole('radio', { checked: true }).count()).toBe(0);
    expect(await armsShown(page)).toBeNull();
    await check('trial-participant-my-trials');
    expect(mine.withdrawal, 'the demo keeps JB-001 in the trial').toBeNull();

    const dose = page.locator('form', { has: page.getByRole('heading', { name: 'Log a dose' }) });
    await dose.getByLabel('Day you took it').fill(yesterday());
    await dose.getByRole('button', { name: 'Log the dose' }).click();
    await expect.poll(() => dose.locator('.success').textContent()).toMatch(new RegExp(`^(Dose of ${yesterday()} logged|The dose of ${yesterday()} was already logged)`));
    expect(await dose.locator('.sent').textContent()).toContain(yesterday());

    const leave = page.locator('form', { has: page.getByRole('heading', { name: 'Withdraw from the trial' }) });
    await leave.getByLabel('In your words, why (kept in the audit trail)').fill('posted abroad for six months');
    await leave.getByRole('radio', { name: 'Yes, it may be used' }).check();
    await leave.getByRole('button', { name: 'Withdraw' }).click();
    await expect.poll(async () => (await (await page.request.get('/api/me/trials')).json()).trials[0].withdrawal?.reason).toBe('posted abroad for six months');
    await expect.poll(() => page.getByRole('term').filter({ hasText: 'Withdrawn' }).locator('xpath=following-sibling::dd').textContent()).toContain('posted abroad for six months');
    await check('trial-participant-withdrawn');
    expectNoConsoleErrors();
  });

  it('trainer: records supervised doses for the participants of their units', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('trainer');
    await openTrial(page);
    await openTask(page, 'Supervised doses');
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Doses taken under supervision' }) });
    expect(await form.getByRole('checkbox', { checked: true }).count()).toBe(0);
    expect(await form.getByLabel('Day of the doses').inputValue()).toBe('');
    await form.getByLabel('Day of the doses').fill(yesterday());
    const first = form.getByRole('checkbox').first();
    const who = (await first.locator('xpath=..').textContent())!.trim();
    await first.check();
    await form.getByRole('button', { name: 'Record the doses' }).click();
    await expect.poll(() => form.locator('.success').textContent()).toMatch(new RegExp(`^(1 supervised dose recorded|0 supervised doses recorded) for ${yesterday()}`));
    expect(await form.locator('.sent').textContent()).toContain(who);
    expect(await armsShown(page)).toBeNull();
    await check('trial-trainer-doses');
    expectNoConsoleErrors();
  });

  it('assessor: which assessments are due at which visit', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'tablet');
    await signIn('assessor');
    await openTrial(page);
    await openTask(page, 'Visits due');
    await page.getByLabel('Show').selectOption('all');
    const table = page.getByRole('region', { name: 'Visits and the assessments due' });
    const schedule = (await (await page.request.get(`/api/trials/${CODE}/visits`)).json()).participants as { kitCode: string; visits: { name: string; assessments: string[] }[] }[];
    expect(await table.getByRole('row').count()).toBe(1 + schedule.reduce((n, p) => n + p.visits.length, 0));
    expect(await table.getByRole('row', { name: new RegExp(`${schedule[0].kitCode} week 12`) }).getByRole('cell', { name: 'lean_mass_kg' }).count()).toBe(1);
    expect(await armsShown(page)).toBeNull();
    await check('trial-assessor-visits');
    expectNoConsoleErrors();
  });

  it('statistician: allocations with arms, runs the protocol’s analysis and reads the verdict', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('statistician');
    await openTrial(page);
    await openTask(page, 'Allocations');
    expect(await page.getByRole('columnheader', { name: 'Arm' }).count()).toBe(1);
    await check('trial-statistician-allocations');
    await page.goBack();
    await settled(page);
    await openTask(page, "Run the protocol's analysis");
    await page.getByLabel('Why run it now (kept in the audit trail)').fill('final analysis after the last week-12 visit');
    await page.getByRole('button', { name: 'Run the analysis' }).click();
    await expect.poll(() => page.locator('.success').textContent(), { timeout: 30_000 }).toMatch(/^Analysis \d+ stored: Whey beats placebo on lean mass at week 12/);
    await page.getByRole('link', { name: `Stored analyses of ${CODE}` }).click();
    await settled(page);
    await page.getByRole('heading', { name: /^Verdict: superiority shown/ }).waitFor();
    await check('trial-statistician-verdict');
    expectNoConsoleErrors();
  });

  it('monitor: reads CONSORT and the analysis pooled, with nothing to change', async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world);
    await signIn('monitor');
    await openTrial(page);
    const tasks = await page.getByRole('navigation', { name: "This trial's tasks" }).getByRole('link').allTextContents();
    expect(tasks).not.toContain('Enrol');
    expect(tasks).not.toContain('Report an adverse event');
    await openTask(page, 'Analysis');
    expect(await page.getByText(/^Blinded: the verdict/).count() + (await page.getByText(/has not been run yet/).count())).toBe(1);
    await check('trial-monitor-analysis');
    expectNoConsoleErrors();
  });

  /**
   * The blinding walk's screen half (its API half is src/trial/blinding.test.ts): every screen in
   * each blinded role's menu, and the trial's page with every task it lists, show no arm label,
   * except the protocol's own page, which describes the arms.
   */
  it.each(blindedLogins)('the blinding walk: %s sees no arm label on any screen', async (login) => {
    const { page, signIn, expectNoConsoleErrors }: Visit = await visit(world);
    await signIn(login);
    const links = async (name: string) =>
      page
        .getByRole('navigation', { name })
        .getByRole('link')
        .evaluateAll((all) => all.map((link) => new URL((link as HTMLAnchorElement).href).pathname));
    const protocolPage = login === 'jb-001' ? `/trials/${CODE}` : null;
    const paths = new Set(await links('Main'));
    if (protocolPage) paths.add(protocolPage);
    else if (paths.has('/trials')) {
      await page.goto(`/trials/${CODE}`);
      await settled(page);
      for (const task of await links("This trial's tasks")) paths.add(task);
    }
    const leaks: string[] = [];
    for (const path of paths) {
      await page.goto(path);
      await settled(page);
      const shown = await armsShown(page);
      if (shown && path !== `/trials/${CODE}`) leaks.push(`${path}: "${shown}"`);
    }
    expect(leaks).toEqual([]);
    expect(paths.size).toBeGreaterThan(2);
    expectNoConsoleErrors();
  });
});
