import { createReadStream, readFileSync } from 'node:fs';
import { systemActor } from '../shared/actor.ts';
import { createAccount } from '../auth/index.ts';
import { AUDIT_KEY_VARIABLE, anchorAudit, auditKeyFromEnvironment, parseAnchor, verifyAudit, type Anchor } from '../audit/index.ts';
import { write } from '../store/write.ts';
import { DEMO_MAX_WEEKS, isDatabaseEmpty, loadDemo } from '../demo/load.ts';
import { DEMO_PASSWORD } from '../auth/index.ts';
import { runRosterImport } from '../roster/index.ts';
import { findPersonByDesignation } from '../roster/index.ts';
import { AppError } from '../shared/errors.ts';
import { migrateAll } from '../capabilities.ts';
import { openConfiguredDatabase } from './database.ts';
import type { DatabaseOptions, WithDatabase } from '../shared/cli-options.ts';

/** Runs a command against the configured database, closing it afterwards; AppErrors become exit 2. */
async function withDatabaseHandle(options: DatabaseOptions, run: (db: Awaited<ReturnType<typeof openConfiguredDatabase>>) => Promise<void>) {
  const database = await openConfiguredDatabase(options);
  try {
    await run(database);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.error(`muster: ${error.message}`);
    process.exitCode = 2;
  } finally {
    await database.close();
  }
}

/** What each capability's commands receive (src/shared/cli-options.ts CliContext). */
export const withDatabase: WithDatabase = (options, run) => withDatabaseHandle(options, ({ db }) => run(db));

export async function migrate(options: DatabaseOptions) {
  await withDatabaseHandle(options, async ({ db, dialect, location }) => {
    const applied = await migrateAll(db);
    console.log(`${dialect} ${location}: schema up to date${applied.length ? ` (applied ${applied.join(', ')})` : ''}`);
  });
}

function readPassword(): string {
  const fromEnv = process.env.MUSTER_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) throw new AppError('bad_request', 'set MUSTER_PASSWORD or pipe the password on standard input');
  return readFileSync(0, 'utf8').split(/\r?\n/)[0];
}

export async function addUser(options: DatabaseOptions & { designation: string; username: string }) {
  await withDatabaseHandle(options, async ({ db }) => {
    const person = await findPersonByDesignation(db, options.designation);
    if (!person) throw new AppError('not_found', `--designation: nobody on the roster is ${options.designation}`);
    const account = await write(db, systemActor('cli user add'), (w) => createAccount(w, { username: options.username, password: readPassword(), personId: person.id }));
    console.log(`account ${account.username} created for ${person.designation} (${person.roles.join(', ')})`);
  });
}

export async function importRosterFile(file: string, options: DatabaseOptions) {
  await withDatabaseHandle(options, async ({ db }) => {
    const summary = await runRosterImport(db, systemActor('cli roster import'), createReadStream(file));
    console.log(`${file}: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged`);
  });
}

export async function verifyAuditTrail(options: DatabaseOptions & { anchor?: string }) {
  const key = auditKeyFromEnvironment();
  let anchor: Anchor | undefined;
  if (options.anchor !== undefined) {
    try {
      anchor = parseAnchor(readFileSync(options.anchor, 'utf8'));
    } catch (error) {
      console.error(`--anchor: ${options.anchor}: ${(error as Error).message}`);
      process.exitCode = 2;
      return;
    }
    if (!key) {
      console.error(`--anchor: checking an anchor needs the audit key: set ${AUDIT_KEY_VARIABLE}`);
      process.exitCode = 2;
      return;
    }
  }
  await withDatabaseHandle(options, async ({ db }) => {
    const result = await verifyAudit(db, { key, ...(anchor && { anchor }) });
    if (result.ok) {
      const checked = [key ? 'signed checkpoints checked' : `checkpoint signatures not checked (no ${AUDIT_KEY_VARIABLE})`, ...(anchor ? [`agrees with the anchor at event #${anchor.seq}`] : [])];
      console.log(`audit trail intact: ${result.verified} events verified; ${checked.join('; ')}`);
      return;
    }
    console.error(`audit trail BROKEN after ${result.verified} good events: ${result.firstBad?.reason} (event seq ${result.firstBad?.seq ?? '?'}, row id ${result.firstBad?.id ?? '?'})`);
    process.exitCode = 1;
  });
}

export async function printAuditAnchor(options: DatabaseOptions) {
  const key = auditKeyFromEnvironment();
  if (!key) {
    console.error(`an anchor is signed with the audit key: set ${AUDIT_KEY_VARIABLE} to an Ed25519 private key file (PEM), e.g. made by \`openssl genpkey -algorithm ed25519\``);
    process.exitCode = 2;
    return;
  }
  await withDatabaseHandle(options, async ({ db }) => {
    console.log(JSON.stringify(await anchorAudit(db, key, new Date())));
  });
}

export async function demo(options: DatabaseOptions & { participants: string; weeks: string }) {
  const participants = Number(options.participants);
  const weeks = Number(options.weeks);
  const problem = !Number.isInteger(participants) || participants < 1
    ? `--participants: '${options.participants}' is not a positive whole number`
    : !Number.isInteger(weeks) || weeks < 1 || weeks > DEMO_MAX_WEEKS
      ? `--weeks: '${options.weeks}' is not a whole number from 1 to ${DEMO_MAX_WEEKS}`
      : undefined;
  if (problem) {
    console.error(`muster: ${problem}`);
    process.exitCode = 2;
    return;
  }
  await withDatabaseHandle(options, async ({ db }) => {
    if (!(await isDatabaseEmpty(db))) throw new AppError('conflict', 'the database already holds people: the demo loads only into an empty database');
    const result = await loadDemo(db, { participants, weeks });
    console.log(`loaded the DEMO cohort: ${result.participants} participants, ${weeks} weeks. Logins (password ${DEMO_PASSWORD}): ${result.logins.map((l) => l.username).join(', ')}`);
  });
}
