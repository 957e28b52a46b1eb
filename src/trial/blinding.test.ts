import { expect, it } from 'vitest';
import { ruleFor } from '../access/index.ts';
import { DEMO_PASSWORD } from '../auth/demo.ts';
import { createAccount, createSession } from '../auth/store.ts';
import { loadDemo } from '../demo/load.ts';
import { systemActor, type Role } from '../shared/actor.ts';
import { routePolicy } from '../server/guard.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { startTestApp, type Session } from '../server/testing.ts';
import { demoPathFiller } from '../server/walk-testing.ts';
import type { Db } from '../store/db.ts';
import { write } from '../store/write.ts';
import { protocolSchema } from './protocol.ts';

/**
 * Arm labels no other text of the demo contains (its own, "whey" and "placebo", are also in the
 * trial's title and consent document), so that finding one in an answer means an arm leaked.
 */
const armLabels = { whey: 'arm-kestrel', placebo: 'arm-osprey' } as const;

/** Every role that is blinded in a double-blind trial: all but the statistician. */
const blindedRoles = ['investigator', 'trainer', 'assessor', 'monitor', 'admin', 'participant'] as const satisfies readonly Role[];
/** Demo sign-ins of the blinded staff: real people of the demo roster with their scope (the trainer trains the company). */
const demoUsernames = { investigator: 'commander', trainer: 'trainer', assessor: 'assessor', monitor: 'monitor', admin: 'admin', statistician: 'statistician' } as const;

/** The demo trial with its arms renamed to labels found nowhere else: protocol, allocations and their draw records. */
async function renameArms(db: Db): Promise<void> {
  const rename = (text: string) => Object.entries(armLabels).reduce((t, [from, to]) => t.replaceAll(`"${from}"`, `"${to}"`), text);
  for (const row of await db.selectFrom('trial_protocol').select(['id', 'protocol_json']).execute()) {
    const protocol = protocolSchema.parse(JSON.parse(rename(row.protocol_json)));
    await db.updateTable('trial_protocol').set({ protocol_json: JSON.stringify(protocol) }).where('id', '=', row.id).execute();
  }
  for (const [from, to] of Object.entries(armLabels)) await db.updateTable('trial_allocation').set({ arm: to }).where('arm', '=', from).execute();
  for (const row of await db.selectFrom('trial_allocation').select(['id', 'record_json']).execute())
    await db.updateTable('trial_allocation').set({ record_json: rename(row.record_json) }).where('id', '=', row.id).execute();
}

async function sessionOf(db: Db, accountId: number, personId: number): Promise<Session> {
  const session = await write(db, systemActor('test'), (w) => createSession(w, accountId));
  return { cookie: session.token, csrfToken: session.csrfToken, personId };
}

describeEachDatabase('the blinding walk (API)', (database) => {
  it('answers no arm label of the double-blind demo trial on any GET route to any blinded role, except the protocol’s own route', { timeout: 240_000 }, async () => {
    const db = database().db;
    await loadDemo(db, { participants: 40 });
    await renameArms(db);
    const client = await startTestApp(database());

    const accounts = await db.selectFrom('account').select(['id', 'username', 'person_id']).execute();
    const sessions = {} as Record<Role, Session>;
    for (const [role, username] of Object.entries(demoUsernames)) {
      const account = accounts.find((a) => a.username === username)!;
      sessions[role as Role] = await sessionOf(db, account.id, account.person_id!);
    }
    // The participant is one who was randomised: their own trial page, kit, doses and visits are in the walk.
    const allocation = await db.selectFrom('trial_allocation').select('person_id').orderBy('sequence').executeTakeFirstOrThrow();
    const participantAccount =
      accounts.find((a) => a.person_id === allocation.person_id) ?? (await write(db, systemActor('test'), (w) => createAccount(w, { username: 'walking-participant', password: null, personId: allocation.person_id })));
    sessions.participant = await sessionOf(db, participantAccount.id, allocation.person_id);

    // What a blinded role could come across: the statistician's stored analysis (its verdict names the arms), an
    // investigator's emergency code-break (audit, notification), a stored data set for the analysis screen.
    const analysed = await client.request({ method: 'POST', url: '/api/trials/WHEY-01/analyses', payload: { reason: 'interim look for the DSMB' }, as: sessions.statistician });
    expect(analysed.statusCode, analysed.body).toBe(201);
    expect(analysed.body, 'the unblinded statistician sees the arms, so the check can find them').toContain(armLabels.whey);
    const broken = await client.request({
      method: 'POST',
      url: `/api/trials/WHEY-01/participants/${allocation.person_id}/code-break`,
      payload: { password: DEMO_PASSWORD, reason: 'suspected allergic reaction in A&E' },
      as: sessions.investigator,
    });
    expect(broken.statusCode, broken.body).toBe(200);
    const derived = (await client.request({ url: '/api/analysis/derived/physique-by-visit', as: sessions.investigator })).json();
    const saved = await client.request({ method: 'POST', url: '/api/analysis/datasets', payload: { name: 'physique copy', data: derived.data }, as: sessions.investigator });
    expect(saved.statusCode, saved.body).toBe(201);

    const fill = await demoPathFiller(client, db, { personId: allocation.person_id, datasetId: saved.json().id, feedOwner: sessions.investigator });

    const leaks: string[] = [];
    const walked = new Set<string>();
    for (const role of blindedRoles) {
      for (const route of client.app.apiRoutes) {
        const [method, url] = route.split(' ');
        if (method !== 'GET' || url.startsWith('/api/docs')) continue;
        const rule = ruleFor(routePolicy, method, url);
        if (!(rule?.kind === 'signed-in' || rule?.kind === 'public' || (rule?.kind === 'roles' && rule.roles.includes(role)))) continue;
        const path = fill(url);
        expect(path, `${route}: the walk knows no value for its path parameters; add one`).not.toMatch(/:[a-zA-Z]+/);
        const response = await client.request({ url: path, as: sessions[role] });
        expect(response.statusCode, `${route} as ${role}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
        walked.add(route);
        // The protocol's own route describes the arms (not who got which); it is the one exception.
        if (url === '/api/trials/:code') continue;
        const text = response.body.toLowerCase();
        for (const label of Object.values(armLabels)) if (text.includes(label)) leaks.push(`${route} as ${role} (${response.statusCode}) answers "${label}"`);
      }
    }
    expect(leaks).toEqual([]);
    // The check can see a label where one is: the protocol's own route describes the arms to everyone.
    expect((await client.request({ url: '/api/trials/WHEY-01', as: sessions.participant })).body).toContain(armLabels.whey);
    // The walk reached the trial's routes and the places an arm could hide outside them.
    for (const route of ['GET /api/trials/:code/allocations', 'GET /api/trials/:code/analyses', 'GET /api/trials/:code/adverse-events', 'GET /api/trials/:code/consort.svg', 'GET /api/me/trials', 'GET /api/audit', 'GET /api/analysis/datasets'])
      expect(walked).toContain(route);
  });
});
