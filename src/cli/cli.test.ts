import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.ts';
import { dialects } from '../server/test-databases.ts';
import { sql } from 'kysely';
import { verify as argonVerify } from '@node-rs/argon2';
import { cliDatabase, muster, spawnMuster, spawnMusterClosingPipe, startMuster } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'muster-csv-'));
const csvFile = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe.each(dialects)('muster command [%s]', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function database() {
    const db = await cliDatabase(dialect);
    cleanups.push(db.drop);
    return db;
  }

  it('imports a roster file all or nothing, and audit verify catches tampering', async () => {
    const { env } = await database();
    // Usage errors name the option and write nothing.
    for (const [option, value, message] of [['--participants', '0', 'is not a positive whole number'], ['--weeks', '105', 'is not a whole number from 1 to 104'], ['--weeks', 'a year', 'is not a whole number']]) {
      const wrong = await muster(['demo', option, value], { env });
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain(`muster: ${option}: '${value}' ${message}`);
    }
    const demo = await muster(['demo', '--participants', '6'], { env });
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toMatch(/loaded the DEMO cohort: 6 participants/);

    const bad = csvFile('bad.csv', 'designation,name,rank,unit,role\nJB-101,Ann Lee,Rct,1 Platoon (demo),participant\nJB-102,Bob Ray,Rct,Nowhere,participant\nJB-103,,Rct,1 Platoon (demo),chef\n');
    const refused = await muster(['roster', 'import', bad], { env });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('line 4, column name: is required');
    expect(refused.stderr).toContain("line 4, column role: unknown role 'chef'");

    const good = csvFile('good.csv', 'designation,name,rank,unit,role\nJB-101,Ann Lee,Rct,1 Platoon (demo),participant\nJB-102,Bob Ray,Rct,2 Platoon (demo),participant\n');
    expect((await muster(['roster', 'import', good], { env })).stdout).toMatch(/2 created, 0 updated, 0 unchanged/);
    expect((await muster(['roster', 'import', good], { env })).stdout).toMatch(/0 created, 0 updated, 2 unchanged/);

    const verified = await muster(['audit', 'verify'], { env });
    expect(verified.status).toBe(0);
    const count = Number(verified.stdout.match(/(\d+) events verified/)?.[1]);
    expect(count).toBeGreaterThan(20);

    const handle = openDatabase(dialect === 'sqlite' ? { sqliteFile: env.MUSTER_DB } : { databaseUrl: env.DATABASE_URL });
    if (dialect === 'sqlite') {
      await sql`drop trigger audit_event_no_update`.execute(handle.db);
      await sql`update audit_event set actor_label = 'someone else' where seq = 5`.execute(handle.db);
    } else {
      await handle.db.connection().execute(async (c) => {
        await sql`set session_replication_role = replica`.execute(c);
        await sql`update audit_event set actor_label = 'someone else' where seq = 5`.execute(c);
      });
    }
    await handle.close();
    // The process's own exit status, not just process.exitCode in this one.
    const broken = spawnMuster(['audit', 'verify'], { env });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/BROKEN after 4 good events: event #5 was changed/);
  });

  it('as a process: reads the password from standard input, and stops when the reader closes the pipe', async () => {
    const { env } = await database();
    expect((await muster(['demo', '--participants', '2'], { env })).status).toBe(0);
    const person = csvFile('person.csv', 'designation,name,rank,unit,role\nJB-201,Cat Roe,Rct,1 Platoon (demo),participant\n');
    expect((await muster(['roster', 'import', person], { env })).status).toBe(0);

    const added = spawnMuster(['user', 'add', '--designation', 'JB-201', '--username', 'cat'], { env: { ...env, MUSTER_PASSWORD: '' }, input: 'a password from stdin\nnot this line\n' });
    expect([added.status, added.stderr, added.stdout]).toEqual([0, '', 'account cat created for JB-201 (participant)\n']);
    const handle = openDatabase(dialect === 'sqlite' ? { sqliteFile: env.MUSTER_DB } : { databaseUrl: env.DATABASE_URL });
    const { password_hash } = await handle.db.selectFrom('account').select('password_hash').where('username', '=', 'cat').executeTakeFirstOrThrow();
    await handle.close();
    expect(await argonVerify(password_hash!, 'a password from stdin')).toBe(true);

    // `muster export training | head -c 100`: the export is bigger than a pipe holds, so the command writes into a closed pipe.
    const piped = await spawnMusterClosingPipe(['export', 'training', '--format', 'csv'], env);
    expect(piped.head).toMatch(/^[a-z_]+,[a-z_,]+\n/);
    expect(piped.signal).toBeNull();
    // A reader that stops early ends the export quietly, as Unix tools do (issue 15).
    expect(piped.stderr).toBe('');
    expect(piped.status).toBe(0);
  });

  it('serve offers a one-time set-up link, never demo data, and keeps every acknowledged write through SIGKILL', async () => {
    const { env } = await database();
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const first = await startMuster(['serve', '--port', port], env, /setup\?token=(\S+)[\s\S]*Muster \S+ on (http:\/\/\S+)/);
    const [, token, base] = first.match;
    expect(first.output()).not.toMatch(/demo/i);

    const setup = await fetch(`${base}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, username: 'root', password: 'first admin password', name: 'First Admin' }) });
    expect(setup.status).toBe(200);
    const cookie = setup.headers.get('set-cookie')!.split(';')[0];
    const { csrfToken } = (await setup.json()) as { csrfToken: string };
    const again = await fetch(`${base}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, username: 'root2', password: 'first admin password', name: 'Second' }) });
    expect(again.status).toBe(403);

    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const name = `Squad ${n}-${i}`;
        try {
          const response = await fetch(`${base}/api/units`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name, kind: 'squad', timeZone: 'Europe/London' }) });
          if (response.status === 201) acknowledged.push(name);
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, n) => writer(n));
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);

    const second = await startMuster(['serve', '--port', port], env, /Muster \S+ on (http:\/\/\S+)/);
    try {
      expect(second.output()).not.toMatch(/setup\?token/);
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'root', password: 'first admin password' }) });
      const units = (await (await fetch(`${base}/api/units`, { headers: { cookie: login.headers.get('set-cookie')!.split(';')[0] } })).json()) as { units: { name: string }[] };
      const stored = new Set(units.units.map((u) => u.name));
      expect(acknowledged.filter((name) => !stored.has(name))).toEqual([]);
      expect((await muster(['audit', 'verify'], { env })).status).toBe(0);
    } finally {
      second.child.kill('SIGTERM');
    }
  });
});
