import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

/** Tomorrow in London, where the demo's gym is, as the date input takes it. */
const tomorrow = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(Date.now() + 86_400_000));

describe('schedule: summons down the chain of command', { timeout: 120_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('the commander summons a platoon, the trainer relays, the participant acknowledges and subscribes to the feed; the commander sees who came', async () => {
    const commander = await visit(world, 'desktop');
    await commander.signIn('commander');
    await commander.page.getByRole('link', { name: 'Summon', exact: true }).click();
    await commander.page.getByRole('combobox', { name: 'Unit' }).selectOption({ label: '1 Platoon (demo) (platoon)' });
    await commander.page.getByRole('checkbox', { name: /^JB-001 / }).waitFor();
    expect(await commander.page.getByRole('checkbox').count()).toBe(30);
    await commander.page.getByRole('combobox', { name: 'Location' }).selectOption({ label: 'Gym (demo) (Europe/London)' });
    await commander.page.getByLabel('Date (at the location)').fill(tomorrow());
    await commander.page.getByLabel('Local time there').fill('23:00');
    await commander.page.getByLabel('Title').fill('Night march (e2e)');
    await commander.page.getByRole('button', { name: 'Summon' }).click();
    await commander.page.getByText(new RegExp(`^30 summoned for ${tomorrow()} 23:00 \\(Europe/London\\)`)).waitFor();
    await commander.check('schedule-summon');

    const trainer = await visit(world, 'tablet');
    await trainer.signIn('trainer1');
    await trainer.page.getByRole('link', { name: 'Summonses to relay' }).click();
    const toRelay = trainer.page.getByRole('region', { name: 'Summonses to relay' });
    const row = toRelay.getByRole('row').filter({ hasText: 'JB-001' }).filter({ hasText: 'Night march (e2e)' });
    await row.getByRole('button', { name: 'Relay to JB-001' }).click();
    await expect.poll(() => toRelay.getByRole('row').filter({ hasText: 'Night march (e2e)' }).count()).toBe(29);
    await trainer.check('schedule-relay');
    trainer.expectNoConsoleErrors();

    const participant = await visit(world, 'phone');
    await participant.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await participant.signIn('jb-001');
    await participant.page.getByRole('button', { name: 'Menu' }).click();
    await participant.page.getByRole('link', { name: 'My appointments' }).click();
    const mine = participant.page.getByRole('region', { name: 'My appointments' });
    // Tonight's 23:00 briefing from the demo, relayed through the trainer, and the new summons.
    await mine.getByRole('row').filter({ hasText: 'Night navigation briefing' }).getByText('relayed').waitFor();
    await mine.getByRole('row').filter({ hasText: 'Night march (e2e)' }).getByText(`${tomorrow()} 23:00 (Europe/London)`).waitFor();
    await participant.page.getByRole('button', { name: 'Acknowledge Night march (e2e)' }).click();
    await mine.getByRole('row').filter({ hasText: 'Night march (e2e)' }).getByText('acknowledged').waitFor();

    await participant.page.getByRole('button', { name: 'Subscribe' }).click();
    const address = participant.page.getByLabel("Your feed's address");
    await expect.poll(() => address.inputValue()).toMatch(/\/api\/calendar\/cal_/);
    const url = await address.inputValue();
    await participant.page.getByRole('button', { name: 'Copy' }).click();
    await participant.page.getByText('Copied.').waitFor();
    expect(await participant.page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    const feed = await participant.context.request.get(url);
    expect(feed.headers()['content-type']).toBe('text/calendar; charset=utf-8');
    const text = await feed.text();
    expect(text).toContain('SUMMARY:Night march (e2e)');
    expect(text).toContain(`DTSTART;TZID=Europe/London:${tomorrow().replaceAll('-', '')}T230000`);
    await participant.page.getByLabel(/^Also send my summonses and reminders to/).fill('jb-001@example.test');
    await participant.page.getByRole('button', { name: 'Save' }).click();
    await participant.page.getByText('Notifications also go to jb-001@example.test.').waitFor();
    await participant.check('schedule-mine');
    await participant.page.getByRole('button', { name: 'Revoke' }).click();
    await participant.page.getByText(/Your feed is revoked/).waitFor();
    expect((await participant.context.request.get(url)).status()).toBe(404);
    participant.expectNoConsoleErrors();

    await commander.page.getByRole('link', { name: 'Appointments', exact: true }).click();
    const list = commander.page.getByRole('region', { name: 'Appointments, soonest first' });
    await list.getByRole('row').filter({ hasText: 'JB-001' }).filter({ hasText: 'Night march (e2e)' }).getByText('acknowledged').waitFor();
    // The demo's past mornings: each either checked in (with the time and minutes late) or missed.
    expect(await list.getByRole('row').filter({ hasText: 'Morning fitness test' }).filter({ hasText: /did not come|min (late|early)|on the minute/ }).count()).toBeGreaterThan(0);
    await commander.check('schedule-appointments');
    commander.expectNoConsoleErrors();
  });
});
