import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePerson } from '../../src/roster/testing.ts';
import { giveBadge, makeAppointment, makeKiosk, makeLocation } from '../../src/schedule/kiosk-testing.ts';
import { startWorld, visit, WORLD_START_TIMEOUT, type World } from './harness.ts';

describe('the kiosk at the door', { timeout: 90_000 }, () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_TIMEOUT);
  afterAll(() => world?.close());

  it('checks in with a scanner that types and presses Enter, queues scans offline and sends each once when back online', async () => {
    const db = world.database.db;
    const door = await makeLocation(db, { name: 'Test Gym', directions: 'Building 7, first floor' });
    const { token } = await makeKiosk(db, door.name);
    const people = [];
    for (const [badge, name] of [['KT-001', 'Kim Tester'], ['KT-002', 'Lee Tester'], ['KT-003', 'Max Tester']]) {
      const person = await makePerson(db, { name });
      await giveBadge(db, person.id, badge);
      await makeAppointment(db, { personId: person.id, locationId: door.id, startsAt: new Date(Date.now() + 10 * 60_000).toISOString(), title: 'Strength test' });
      people.push(person.id);
    }

    const { page, context, check, expectNoConsoleErrors, expectConsoleError } = await visit(world, 'tablet');
    await page.goto('/kiosk');
    await page.getByLabel('Kiosk token').fill(token);
    await page.getByRole('button', { name: 'Start the kiosk' }).click();
    const badge = page.getByLabel('Scan your badge');
    await expect.poll(() => badge.evaluate((input) => input === document.activeElement)).toBe(true);
    await check('kiosk-ready');

    // A scanner types the badge and Enter into whatever has the focus.
    await page.keyboard.type('KT-001');
    await page.keyboard.press('Enter');
    await page.getByText('Kim Tester').waitFor();
    await page.getByText('Go to Test Gym: Building 7, first floor').waitFor();
    await check('kiosk-checked-in');

    expectConsoleError(/404 \(Not Found\)/);
    await page.keyboard.type('NO-SUCH');
    await page.keyboard.press('Enter');
    await page.getByText('badge: unknown badge (no one holds it)').waitFor();

    expectConsoleError(/ERR_INTERNET_DISCONNECTED/);
    await context.setOffline(true);
    for (const scanned of ['KT-002', 'KT-003']) {
      await page.keyboard.type(scanned);
      await page.keyboard.press('Enter');
      await page.getByText(/is saved on this kiosk and will be sent when the connection is back/).waitFor();
    }
    await page.getByText('2 check-ins wait to be sent.').waitFor();
    await check('kiosk-offline-queued');
    expect(await db.selectFrom('check_in').select('person_id').where('person_id', 'in', people).execute()).toHaveLength(1);

    await context.setOffline(false);
    await page.getByText('All check-ins are sent.').waitFor({ timeout: 15_000 });
    await check('kiosk-back-online');
    const stored = await db.selectFrom('check_in').select(['person_id', 'idempotency_key']).where('person_id', 'in', people).orderBy('person_id').execute();
    expect(stored.map((row) => row.person_id)).toEqual(people);
    expect(new Set(stored.map((row) => row.idempotency_key)).size).toBe(3);
    expectNoConsoleErrors();
  });

  it("shows punctuality per unit and per participant from the demo's week at the kiosk, and the admin's kiosks", async () => {
    const { page, check, signIn, expectNoConsoleErrors } = await visit(world, 'desktop');
    await signIn('commander');
    await page.getByRole('link', { name: 'Punctuality', exact: true }).click();
    await page.getByRole('combobox', { name: 'Unit' }).selectOption({ label: '1 Platoon (demo)' });
    const table = page.getByRole('region', { name: 'Participants of 1 Platoon (demo)' });
    await table.getByRole('link', { name: /^JB-001 / }).waitFor();
    const late = Number((await page.locator('.fact', { hasText: /^Late/ }).locator('dd').textContent()) ?? '0');
    expect(late).toBeGreaterThan(0);
    await check('punctuality-unit');
    await table.getByRole('link', { name: /^JB-001 / }).click();
    await page.getByRole('heading', { name: 'Punctuality of a participant' }).waitFor();
    await page.getByRole('region', { name: 'Appointments, newest first' }).getByText('Morning fitness test').first().waitFor();
    await check('punctuality-participant');
    expectNoConsoleErrors();

    const admin = await visit(world, 'tablet');
    await admin.signIn('admin');
    await admin.page.getByRole('link', { name: 'Kiosks' }).click();
    await admin.page.getByRole('cell', { name: 'Front desk (demo)', exact: true }).waitFor();
    await admin.page.getByLabel('Location').selectOption({ label: 'Gym (demo) (Europe/London)' });
    await admin.page.getByRole('button', { name: 'Add the kiosk' }).click();
    await admin.page.getByRole('status').getByText(/shown only now/).waitFor();
    await admin.check('kiosks-admin');
    admin.expectNoConsoleErrors();
  });
});
