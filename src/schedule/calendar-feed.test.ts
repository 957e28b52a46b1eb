import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../server/test-databases.ts';
import { makeWorld, startTestApp, type Client, type World } from '../server/testing.ts';
import { escapeText, foldLine } from './ical.ts';

/** Parses a feed with ical.js and checks what it does not: CRLF endings and lines of at most 75 octets (RFC 5545 3.1). */
function parseStrictly(text: string) {
  expect(text.endsWith('\r\n')).toBe(true);
  const lines = text.slice(0, -2).split('\r\n');
  for (const line of lines) {
    expect(line).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  }
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return calendar;
}

describe('iCalendar text', () => {
  it('escapes backslashes, semicolons, commas and newlines', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });
  it('folds at 75 octets, never inside a character', () => {
    const folded = foldLine(`SUMMARY:${'é'.repeat(60)}`);
    const lines = folded.split('\r\n');
    expect(lines.length).toBe(2);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(lines[1].startsWith(' ')).toBe(true);
    expect(lines.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(`SUMMARY:${'é'.repeat(60)}`);
  });
});

describeEachDatabase('calendar feed', (database) => {
  let now: Date;
  let client: Client;
  let world: World;

  beforeEach(async () => {
    now = new Date('2026-10-20T12:00:00.000Z');
    client = await startTestApp(database(), () => now);
    world = await makeWorld(database());
  });
  afterEach(async () => client.app.close());

  it('a private feed of my appointments: text/calendar, each event with a UID and its start in its zone; revocable', async () => {
    const { admin, investigator, participant, trainer } = world.sessions;
    const location = async (name: string, timeZone: string) => (await client.request({ method: 'POST', url: '/api/locations', as: admin, payload: { name, timeZone, directions: 'Hangar 2; bay 3, by the "blue" door' } })).json().id;
    const london = await location('Gym', 'Europe/London');
    const newYork = await location('Range', 'America/New_York');
    const summon = async (locationId: number, localDate: string, title: string) => {
      const res = await client.request({ method: 'POST', url: '/api/appointments', as: investigator, payload: { personIds: [world.ownParticipantId], locationId, localDate, localTime: '23:00', purpose: 'briefing', title } });
      expect(res.statusCode, res.body).toBe(201);
      const ordered = res.json().appointments[0] as { id: number; startsAt: string };
      // The participant's feed has a summons once it has come down the chain.
      expect((await client.request({ method: 'POST', url: `/api/appointments/${ordered.id}/relay`, as: trainer, payload: {} })).statusCode).toBe(200);
      return ordered;
    };
    // Either side of the clocks going back in London (2026-10-25), and 23:00 in New York.
    const summer = await summon(london, '2026-10-24', 'Night briefing, before the change');
    const winter = await summon(london, '2026-10-25', 'Night briefing, after the change');
    const abroad = await summon(newYork, '2026-12-04', 'Night shoot');
    await client.request({ method: 'POST', url: '/api/appointments', as: investigator, payload: { personIds: [world.otherParticipantId], locationId: london, localDate: '2026-10-26', localTime: '09:00', purpose: 'test', title: 'Not mine' } });

    const created = await client.request({ method: 'POST', url: '/api/me/calendar-feed', as: participant });
    expect(created.statusCode, created.body).toBe(201);
    const url = new URL(created.json().url);
    expect(url.pathname).toMatch(/^\/api\/calendar\/cal_[A-Za-z0-9_-]{43}$/);
    const feed = await client.request({ method: 'GET', url: url.pathname });
    expect(feed.statusCode, feed.body).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');

    const calendar = parseStrictly(feed.body);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['America/New_York', 'Europe/London']);
    const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
    expect(events.map((e) => e.summary)).toEqual(['Night briefing, before the change', 'Night briefing, after the change', 'Night shoot']);
    expect(events.map((e) => e.uid)).toEqual([summer, winter, abroad].map((a) => `appointment-${a.id}@localhost`));
    expect(events[0].location).toBe('Gym, Hangar 2; bay 3, by the "blue" door');
    const starts = events.map((e) => e.component.getFirstProperty('dtstart')!);
    expect(starts.map((p) => p.getParameter('tzid'))).toEqual(['Europe/London', 'Europe/London', 'America/New_York']);
    expect(starts.map((p) => (p.getFirstValue() as ICAL.Time).toString())).toEqual(['2026-10-24T23:00:00', '2026-10-25T23:00:00', '2026-12-04T23:00:00']);
    // Through the feed's own VTIMEZONEs, each start is the instant stored.
    expect(events.map((e) => e.startDate.toJSDate().toISOString())).toEqual([summer.startsAt, winter.startsAt, abroad.startsAt]);
    expect(events.map((e) => e.endDate.toJSDate().toISOString())).toEqual([summer, winter, abroad].map((a) => new Date(Date.parse(a.startsAt) + 30 * 60_000).toISOString()));
    expect(feed.body).toContain('\r\nDTSTART;TZID=Europe/London:20261024T230000\r\n');

    // A trainer's feed carries their units' people, and its reads are in the participant's access log as the trainer's.
    const trainersFeed = new URL((await client.request({ method: 'POST', url: '/api/me/calendar-feed', as: trainer })).json().url);
    const trainersEvents = parseStrictly((await client.request({ method: 'GET', url: trainersFeed.pathname })).body).getAllSubcomponents('vevent');
    expect(trainersEvents.map((e) => e.getFirstPropertyValue('summary'))).toEqual([
      expect.stringMatching(/^Night briefing, before the change: Pte Test Person \d+ \(TP-\d+\)$/),
      expect.stringMatching(/^Night briefing, after the change: /),
      expect.stringMatching(/^Night shoot: /),
    ]);
    const logged = await database().db.selectFrom('access_log').select(['viewer_label', 'person_id', 'what']).where('what', '=', 'calendar feed').execute();
    expect(logged).toContainEqual({ viewer_label: `user-${(await database().db.selectFrom('person').select('designation').where('id', '=', trainer.personId).executeTakeFirstOrThrow()).designation.toLowerCase()}`, person_id: world.ownParticipantId, what: 'calendar feed' });

    // A new URL replaces the old one; revoked, the feed is gone.
    const renewed = new URL((await client.request({ method: 'POST', url: '/api/me/calendar-feed', as: participant })).json().url);
    expect((await client.request({ method: 'GET', url: url.pathname })).statusCode).toBe(404);
    expect((await client.request({ method: 'GET', url: renewed.pathname })).statusCode).toBe(200);
    expect((await client.request({ method: 'DELETE', url: '/api/me/calendar-feed', as: participant })).statusCode).toBe(204);
    expect((await client.request({ method: 'GET', url: renewed.pathname })).statusCode).toBe(404);
    expect((await client.request({ method: 'DELETE', url: '/api/me/calendar-feed', as: participant })).statusCode).toBe(404);
    const stored = await database().db.selectFrom('calendar_feed').select(['token_hash', 'revoked_at']).execute();
    expect(stored.every((f) => /^[0-9a-f]{64}$/.test(f.token_hash) && !renewed.pathname.includes(f.token_hash))).toBe(true);
  });
});
