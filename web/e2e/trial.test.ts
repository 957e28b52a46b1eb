import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/auth/demo.ts';
import { createPerson } from '../../src/roster/store.ts';
import { systemActor } from '../../src/shared/actor.ts';
import { recordConsent } from '../../src/trial/enrolment.ts';
import { trialByCode } from '../../src/trial/trials.ts';
import { write } from '../../src/store/write.ts';
import { startWorld, visit, WORLD_START_TIMEOUT, type Visit, type World } from './harness.ts';

const CODE = 'WHEY-01';
const blindedLogins = ['commander', 'trainer', 'assessor', 'monitor', 'admin', 'jb-001'];

/** A day in the demo units' zone (Europe/London), `daysFromToday` away. */
const londonDay = (daysFromToday: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(Date.now() + daysFromToday * 86_400_000));
/** Yesterday there, a day every randomised participant's schedule has begun by. */
const yesterday = () => londonDay(-1);

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

  it('investigator: dispenses the recruit’s kit (an expired lot refused in words), breaks the code once, records a loss to follow-up, reads the design report and adherence', async () => {
    const { page, check, signIn, expectNoConsoleErrors, expectConsoleError } = await visit(world);
    const db = world.database.db;
    const recruit = await db.selectFrom('trial_allocation').innerJoin('person', 'person.id', 'trial_allocation.person_id').select(['trial_allocation.arm', 'trial_allocation.kit_code']).where('person.designation', '=', 'JB-901').executeTakeFirstOrThrow();
    await signIn('commander');
    await openTrial(page);

    await openTask(page, 'Dispense a kit');
    const dispense = page.getByRole('form', { name: 'Dispense a kit' });
    // Every field starts empty: nothing is sent that the investigator did not enter.
    for (const name of ['Participant', 'Lot', 'Expiry (on the box)', 'Doses in the kit', 'Day it was handed over']) expect(await dispense.getByLabel(name).inputValue(), name).toBe('');
    await dispense.getByLabel('Participant').selectOption({ label: `JB-901 (kit ${recruit.kit_code})` });
    await dispense.getByLabel('Lot').fill('LOT-2025-11');
    await dispense.getByLabel('Expiry (on the box)').fill(yesterday());
    await dispense.getByLabel('Doses in the kit').fill('84');
    await dispense.getByLabel('Day it was handed over').fill(londonDay(0));
    expectConsoleError(/status of 400/);
    await dispense.getByRole('button', { name: 'Record the kit dispensed' }).click();
    await expect.poll(() => dispense.getByRole('alert').textContent()).toMatch(/^expiry: /);
    await check('trial-investigator-dispense-refused');
    await dispense.getByLabel('Expiry (on the box)').fill(londonDay(365));
    await dispense.getByRole('button', { name: 'Record the kit dispensed' }).click();
    await expect.poll(() => dispense.locator('.success').textContent()).toBe(`Kit ${recruit.kit_code} dispensed on ${londonDay(0)}: lot LOT-2025-11, 84 doses, expires ${londonDay(365)}.`);
    expect(await dispense.locator('.sent').textContent()).toContain('LOT-2025-11');
    await check('trial-investigator-dispense');

    await page.getByRole('link', { name: /Trial WHEY-01: protocol and tasks/ }).click();
    await openTask(page, 'Emergency code-break');
    const codeBreak = page.getByRole('form', { name: 'Break the code of one participant' });
    await codeBreak.getByLabel('Participant').selectOption({ label: `JB-901 (kit ${recruit.kit_code})` });
    await codeBreak.getByLabel(/^Your password/).fill('not my password');
    await codeBreak.getByLabel('The emergency (kept in the audit trail)').fill('admitted unconscious; the ward asks what was taken');
    expectConsoleError(/status of 403/);
    await codeBreak.getByRole('button', { name: 'Break the code' }).click();
    await expect.poll(() => codeBreak.getByRole('alert').textContent()).toMatch(/^password: wrong password; no code was broken/);
    expect(await armsShown(page)).toBeNull();
    await codeBreak.getByLabel(/^Your password/).fill(DEMO_PASSWORD);
    await codeBreak.getByRole('button', { name: 'Break the code' }).click();
    const revealed = page.getByRole('heading', { name: `JB-901 (kit ${recruit.kit_code}) received: ${recruit.arm}` });
    await revealed.waitFor();
    // The password is neither shown among what was sent nor kept in the form.
    expect(await codeBreak.locator('.sent').textContent()).not.toContain(DEMO_PASSWORD);
    expect(await codeBreak.getByLabel(/^Your password/).inputValue()).toBe('');
    await check('trial-investigator-code-break');
    await page.getByRole('button', { name: 'I have noted it: hide the arm' }).click();
    expect(await revealed.count()).toBe(0);
    expect(await armsShown(page)).toBeNull();

    await page.getByRole('link', { name: /Trial WHEY-01: protocol and tasks/ }).click();
    await openTask(page, 'Lost to follow-up or discontinued');
    const leaving = page.getByRole('form', { name: 'Record that a participant left the trial' });
    expect(await leaving.getByRole('radio', { checked: true }).count()).toBe(0);
    await leaving.getByLabel('Participant').selectOption({ label: `JB-901 (kit ${recruit.kit_code})` });
    await leaving.getByRole('radio', { name: /^Lost to follow-up/ }).check();
    await leaving.getByRole('radio', { name: 'Yes, it may be used' }).check();
    await leaving.getByLabel('Reason (kept in the audit trail)').fill('posted overseas at short notice; no contact since');
    await leaving.getByRole('button', { name: 'Record it' }).click();
    await expect.poll(() => leaving.locator('.success').textContent()).toBe(`Recorded: lost to follow up on ${londonDay(0)}; dosing stops.`);
    await check('trial-investigator-leaving');

    await page.getByRole('link', { name: /Trial WHEY-01: protocol and tasks/ }).click();
    await openTask(page, 'Design report');
    const report = (await (await page.request.get(`/api/trials/${CODE}/design-report`)).json()) as { protocol: { correctGuesses: number }; simpleRandomisation: { correctGuesses: number } };
    const guesses = page.getByRole('region', { name: 'Expected imbalance and predictability' }).getByRole('row', { name: /guessed right/ }).getByRole('cell');
    expect(await guesses.allTextContents()).toEqual([expect.stringMatching(/guessed right/), `${(report.protocol.correctGuesses * 100).toFixed(1)}%`, `${(report.simpleRandomisation.correctGuesses * 100).toFixed(1)}%`]);
    await check('trial-investigator-design-report');

    await page.getByRole('link', { name: /Trial WHEY-01: protocol and tasks/ }).click();
    await openTask(page, 'Adherence');
    const adherence = (await (await page.request.get(`/api/trials/${CODE}/adherence`)).json()) as { pooled: { taken: number; expected: number } };
    // Blinded: pooled over the arms, no arm column.
    expect(await page.getByRole('region', { name: 'Adherence pooled' }).getByRole('row', { name: /^All arms \(pooled; blinded\)/ }).getByRole('cell').nth(2).textContent()).toBe(String(adherence.pooled.taken));
    expect(await page.getByRole('columnheader', { name: 'Arm' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Adherence per participant' }).getByRole('row', { name: new RegExp(`^JB-901 ${recruit.kit_code} ${londonDay(0)} ${londonDay(0)}`) }).count()).toBe(1);
    expect(await armsShown(page)).toBeNull();
    await check('trial-investigator-adherence');
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
    // Those who left the trial (JB-001 withdrew above) are not offered a dose.
    const mine = (await (await page.request.get(`/api/trials/${CODE}/adherence`)).json()).participants as { person: { designation: string }; withdrawnOn: string | null }[];
    const left = mine.filter((p) => p.withdrawnOn !== null).map((p) => p.person.designation);
    expect(left).toContain('JB-001');
    for (const designation of left) expect(await form.getByRole('checkbox', { name: new RegExp(`^${designation} `) }).count(), designation).toBe(0);
    expect(await form.getByRole('checkbox').count()).toBe(mine.length - left.length);
    expect(await form.getByText(`${left.length} who left the trial are not listed.`).count()).toBe(1);
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
    await page.goBack();
    await settled(page);
    await openTask(page, 'Adherence');
    expect(await page.getByRole('region', { name: 'Adherence pooled' }).getByRole('row').count()).toBe(2);
    expect(await page.getByRole('columnheader', { name: 'Arm' }).count()).toBe(0);
    await check('trial-monitor-adherence');
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

  it('statistician: unblinds the trial once the investigator has closed recruitment (last: every role sees arms after it)', async () => {
    const investigator = await visit(world);
    await investigator.signIn('commander');
    await openTrial(investigator.page);
    await openTask(investigator.page, 'Protocol and consent');
    const close = investigator.page.getByRole('form', { name: 'Close recruitment' });
    await close.getByLabel('Reason (kept in the audit trail)').fill('recruitment target reached');
    await close.getByRole('button', { name: 'Close recruitment' }).click();
    await investigator.page.getByText('Status: closed').waitFor();
    investigator.expectNoConsoleErrors();

    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'phone');
    await signIn('statistician');
    await page.goto(`/trials/${CODE}`);
    await settled(page);
    await openTask(page, 'Unblind the trial');
    const unblind = page.getByRole('form', { name: 'Unblind the trial' });
    await unblind.getByLabel('Reason (kept in the audit trail)').fill('database locked after the last week-12 visit');
    await check('trial-statistician-unblind');
    await unblind.getByRole('button', { name: 'Unblind the trial' }).click();
    await page.getByText(`${CODE} is unblinded. The seed is`).waitFor();
    const trial = (await (await page.request.get(`/api/trials/${CODE}`)).json()) as { status: string; seed: string };
    expect(trial.status).toBe('unblinded');
    expect(await page.locator('code').filter({ hasText: trial.seed }).count()).toBe(1);
    await check('trial-statistician-unblinded');
    expectNoConsoleErrors();
  });
});
