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
    expect(await db.selectFrom('check_in').select('person_id').execute()).toHaveLength(1);

    await context.setOffline(false);
    await page.getByText('All check-ins are sent.').waitFor({ timeout: 15_000 });
    await check('kiosk-back-online');
    const stored = await db.selectFrom('check_in').select(['person_id', 'idempotency_key']).where('person_id', 'in', people).orderBy('person_id').execute();
    expect(stored.map((row) => row.person_id)).toEqual(people);
    expect(new Set(stored.map((row) => row.idempotency_key)).size).toBe(3);
    expectNoConsoleErrors();
  });
});
