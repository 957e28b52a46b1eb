import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFile } from '../audit/testing.ts';
import { readCatalogue } from '../store/backup-catalogue.ts';
import { tableRows } from '../store/backup.ts';
import { openDatabase, type DialectName } from '../store/db.ts';
import { dialects } from '../server/test-databases.ts';
import { startTestApp } from '../server/testing.ts';
import { cliDatabase, muster } from './testing.ts';

type Env = Record<string, string>;

const directory = mkdtempSync(join(tmpdir(), 'muster-backup-'));
const other = (dialect: DialectName): DialectName => (dialect === 'sqlite' ? 'postgres' : 'sqlite');
const openCli = (env: Env) => openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { sqliteFile: env.MUSTER_DB });

/** Every table's rows (all columns, in key order), as the backup encodes them: bytes as base64. */
async function contents(env: Env): Promise<Map<string, Record<string, unknown>[]>> {
  const handle = openCli(env);
  try {
    const tables = new Map<string, Record<string, unknown>[]>();
    for (const table of await readCatalogue(handle.db)) {
      const rows: Record<string, unknown>[] = [];
      for await (const values of tableRows(handle.db, table)) rows.push(Object.fromEntries(table.columns.map((c, i) => [c, values[i]])));
      tables.set(table.name, rows);
    }
    return tables;
  } finally {
    await handle.close();
  }
}

/**
 * The restored database holds exactly the original's rows, table by table; its audit trail holds the
 * original's events followed by one `backup.restored` event per restore, with the head on the last.
 */
function expectRestored(restored: Map<string, Record<string, unknown>[]>, original: Map<string, Record<string, unknown>[]>, restores: number) {
  expect([...restored.keys()].sort()).toEqual([...original.keys()].sort());
  for (const [table, rows] of original) {
    if (table === 'audit_event' || table === 'audit_head') continue;
    expect(restored.get(table), table).toEqual(rows);
  }
  const events = restored.get('audit_event')!;
  const originalEvents = original.get('audit_event')!;
  expect(events.slice(0, originalEvents.length)).toEqual(originalEvents);
  const added = events.slice(originalEvents.length);
  expect(added.map((e) => e.action)).toEqual(Array(restores).fill('backup.restored'));
  expect(restored.get('audit_head')).toEqual([{ id: 1, seq: events.at(-1)!.seq, hash: events.at(-1)!.hash }]);
}

/**
 * What the demo does not write and signed-in people do: a session, an API token, a calendar feed,
 * a physique consent, and the access log of reads of a person's and a unit's data.
 */
async function signedInActivity(env: Env) {
  const handle = openCli(env);
  const client = await startTestApp({ ...handle, name: 'backup source' });
  try {
    const signIn = async (username: string) => {
      const answer = await client.request({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'demo-password' } });
      expect(answer.statusCode, answer.body).toBe(200);
      return { cookie: String(answer.headers['set-cookie']).split(';')[0], 'x-csrf-token': (answer.json() as { csrfToken: string }).csrfToken };
    };
    const participant = await signIn('jb-001');
    const investigator = await signIn('monitor');
    const person = await handle.db.selectFrom('person').select('id').where('designation', '=', 'JB-001').executeTakeFirstOrThrow();
    const unit = await handle.db.selectFrom('unit').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
    const requests: [Record<string, string>, 'GET' | 'POST' | 'PUT', string, object?][] = [
      [participant, 'POST', '/api/auth/tokens', { name: 'backup test' }],
      [participant, 'POST', '/api/me/calendar-feed'],
      [participant, 'PUT', '/api/me/physique-consent', { trainersMaySee: true }],
      [investigator, 'GET', `/api/people/${person.id}/assessments`],
      [investigator, 'GET', `/api/units/${unit.id}/cohort`],
    ];
    for (const [headers, method, url, payload] of requests) {
      const answer = await client.request({ method, url, headers, ...(payload && { payload }) });
      expect(answer.statusCode, `${method} ${url}: ${answer.body}`).toBeLessThan(300);
    }
  } finally {
    await client.app.close();
    await handle.close();
  }
}

/** The backup file's lines, changed by `edit`, written gzip'd to a new file. */
function editedBackup(file: string, name: string, edit: (lines: string[]) => string[]): string {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const edited = join(directory, name);
  writeFileSync(edited, gzipSync(edit(lines).join('\n')));
  return edited;
}

describe.each(dialects)('muster backup and restore, from %s', (dialect) => {
  const drops: (() => Promise<void>)[] = [];
  const fresh = async (kind: DialectName): Promise<Env> => {
    const database = await cliDatabase(kind);
    drops.push(database.drop);
    return { ...database.env, ...keys };
  };
  // Signed checkpoints every 50 events, so the checkpoint table has rows too.
  const keys: Env = { MUSTER_AUDIT_KEY_FILE: keyFile(), MUSTER_AUDIT_CHECKPOINT_EVERY: '50' };
  const backupFile = join(directory, `${dialect}.backup`);
  const anchorFile = join(directory, `${dialect}.anchor.json`);
  let source: Env;
  let original: Map<string, Record<string, unknown>[]>;

  beforeAll(async () => {
    source = await fresh(dialect);
    const demo = await muster(['demo', '--participants', '20'], { env: source });
    expect(demo.status, demo.stderr).toBe(0);
    await signedInActivity(source);
    const anchor = await muster(['audit', 'anchor'], { env: source });
    expect(anchor.status, anchor.stderr).toBe(0);
    writeFileSync(anchorFile, anchor.stdout);
    const backup = await muster(['backup', backupFile], { env: source });
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/written to .*: \d+ tables, \d+ rows/);
    original = await contents(source);
  }, 240_000);
  afterAll(async () => {
    for (const drop of drops.splice(0)) await drop();
  });

  it(`restores into ${other(dialect)} and back into ${dialect}: every table, every column, every row; the audit trail verifies against an anchor from before the backup`, async () => {
    expect(original.get('load_ratio_state')!.length).toBeGreaterThan(0); // the table with bytes
    for (const table of ['audit_checkpoint', 'auth_session', 'api_token', 'calendar_feed', 'physique_consent', 'access_log', 'unit_access_log']) expect(original.get(table)!.length, table).toBeGreaterThan(0);
    const there = await fresh(other(dialect));
    const restored = await muster(['restore', backupFile], { env: there });
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`restored .* \\(a ${dialect} backup of .*\\) into ${other(dialect)} .*: \\d+ tables, \\d+ rows .*audit trail verified`));
    expectRestored(await contents(there), original, 1);
    const verified = await muster(['audit', 'verify', '--anchor', anchorFile], { env: there });
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/audit trail intact: .*signed checkpoints checked; agrees with the anchor/);

    const secondFile = join(directory, `${dialect}-via-${other(dialect)}.backup`);
    expect((await muster(['backup', secondFile], { env: there })).status).toBe(0);
    const back = await fresh(dialect);
    const restoredBack = await muster(['restore', secondFile], { env: back });
    expect(restoredBack.status, restoredBack.stderr).toBe(0);
    expectRestored(await contents(back), original, 2);
    expect((await muster(['audit', 'verify', '--anchor', anchorFile], { env: back })).status).toBe(0);

    // The restored ids go on where the original's stopped (PostgreSQL's sequences were reset).
    expect((await muster(['roster', 'import', writeRoster('ZZ-001')], { env: back })).status).toBe(0);
    expect((await muster(['roster', 'import', writeRoster('ZZ-002')], { env: there })).status).toBe(0);
  }, 240_000);

  it(`moves the database to ${other(dialect)} through a pipe: muster backup - | muster restore -`, async () => {
    const there = await fresh(other(dialect));
    const command = (env: Env, args: string) => `env ${Object.entries(env).map(([name, value]) => `${name}='${value}'`).join(' ')} ${process.execPath} --import tsx src/cli/main.ts ${args}`;
    const piped = spawnSync('sh', ['-c', `${command(source, 'backup -')} | ${command(there, 'restore -')}`], { cwd: new URL('../../', import.meta.url).pathname, encoding: 'utf8', timeout: 120_000 });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stderr).toMatch(/written to standard output: \d+ tables/);
    expect(piped.stdout).toMatch(/restored standard input/);
    expectRestored(await contents(there), original, 1);
  }, 120_000);

  it('refuses a database that holds data, with exit code 2, and changes nothing', async () => {
    const refused = await muster(['restore', backupFile], { env: source });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/the database is not empty \(table \w+ has rows\): a backup restores only into an empty database/);
    expect(await contents(source)).toEqual(original);
  }, 60_000);

  it('refuses to overwrite a file unless given --force', async () => {
    const file = join(directory, `${dialect}-again.backup`);
    writeFileSync(file, 'keep me');
    const refused = await muster(['backup', file], { env: source });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/exists already: give --force to replace it/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect((await muster(['backup', file, '--force'], { env: source })).status).toBe(0);
    expect(gunzipSync(readFileSync(file)).toString('utf8')).toMatch(/^\{"format":"muster-backup"/);
  }, 60_000);

  it.each(dialects)('refuses a bad backup file into %s with a clear message, and writes no data', async (target) => {
    const cases: [string, string, RegExp][] = [
      ['a CSV', writeRoster('JB-900'), /not a Muster backup \(not a gzip file\)/],
      ['gzip of something else', editedBackup(backupFile, 'other.gz', () => ['{"hello":"world"}']), /not a Muster backup \(its first line is not a Muster backup header\)/],
      ['cut short', cutShort(backupFile), /cut short or damaged/],
      ['a row missing', editedBackup(backupFile, 'missing-row.gz', (lines) => lines.filter((_, i) => i !== lines.findIndex((l) => l.startsWith('{"table":"person"')) + 1)), /table person: the backup says \d+ rows but holds \d+: the file is damaged/],
      ['without its closing line', editedBackup(backupFile, 'no-end.gz', (lines) => lines.filter((l) => !l.startsWith('{"end"'))), /the backup is cut short: it ends in table \w+, before its closing line/],
      [
        'from newer migrations',
        editedBackup(backupFile, 'newer.gz', ([header, ...rest]) => [header.replace('"migrations":[', '"migrations":["9999_from_the_future",'), ...rest]),
        /the backup comes from a newer Muster \(.*\), with migrations this one does not know \(9999_from_the_future\): upgrade Muster first/,
      ],
    ];
    const database = await fresh(target);
    for (const [what, file, message] of cases) {
      const refused = await muster(['restore', file], { env: database });
      expect(refused.stderr, what).toMatch(message);
      expect(refused.status, what).toBe(2);
    }
    expect(await muster(['restore', join(directory, 'nothing-here')], { env: database })).toMatchObject({ status: 2, stderr: expect.stringMatching(/no such file/) });
    // Nothing was kept: the same database takes the good backup.
    const restored = await muster(['restore', backupFile], { env: database });
    expect(restored.status, restored.stderr).toBe(0);
  }, 120_000);

  it('refuses a backup whose audit trail was changed, or restored under another audit key, with exit code 1, and keeps nothing', async () => {
    const tampered = editedBackup(backupFile, `${dialect}-tampered.gz`, (lines) => {
      const event = lines.findIndex((l) => l.startsWith('{"table":"audit_event"')) + 10;
      return lines.map((l, i) => (i === event ? l.replace(/"system:demo"/, '"system:someone else"') : l));
    });
    const target = await fresh(other(dialect));
    const refused = await muster(['restore', tampered], { env: target });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/the backup's audit trail does not verify after 9 good events: event #10 was changed after it was written; nothing was restored/);
    // Checkpoints signed with the site's key look forged to another key.
    const otherKey = await muster(['restore', backupFile], { env: { ...target, MUSTER_AUDIT_KEY_FILE: keyFile() } });
    expect(otherKey.status).toBe(1);
    expect(otherKey.stderr).toMatch(/checkpoint at event #50 has a signature the audit key did not make: it was forged; nothing was restored/);
    const people = openCli(target);
    try {
      expect(await people.db.selectFrom('person').select('id').execute()).toEqual([]);
    } finally {
      await people.close();
    }
  }, 120_000);
});

function writeRoster(designation: string): string {
  const file = join(directory, `${designation}.csv`);
  writeFileSync(file, `designation,name,rank,unit,role\n${designation},Test Person,Pte,1 Platoon (demo),participant\n`);
  return file;
}

function cutShort(file: string): string {
  const bytes = readFileSync(file);
  const cut = join(directory, 'cut.gz');
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  return cut;
}
