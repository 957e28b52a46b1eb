import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { version } from '../server/version.ts';
import { systemActor } from '../shared/actor.ts';
import { AppError } from '../shared/errors.ts';
import { auditKeyFromEnvironment, verifyAudit } from '../audit/index.ts';
import { allMigrations } from '../capabilities.ts';
import { restoreBackup, writeBackup } from '../store/backup.ts';
import { write } from '../store/write.ts';
import { openConfiguredDatabase } from './database.ts';
import type { DatabaseOptions } from '../shared/cli-options.ts';

/** `muster backup FILE`: the whole database, consistent as of one moment, while the server keeps running. `-` writes to standard output. */
export async function backup(file: string, options: DatabaseOptions & { force?: boolean }) {
  const toStdout = file === '-';
  if (toStdout && process.stdout.isTTY) {
    console.error('muster: standard output is a terminal: give a FILE, or pipe `muster backup -` into a file or `muster restore -`');
    process.exitCode = 2;
    return;
  }
  if (!toStdout && existsSync(file) && !options.force) {
    console.error(`muster: ${file} exists already: give --force to replace it`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const database = await openConfiguredDatabase(options);
  // Written beside the target and renamed at the end: a failed backup never leaves a partial FILE.
  const partial = `${file}.partial-${process.pid}`;
  try {
    const out = toStdout ? process.stdout : createWriteStream(partial);
    const summary = await writeBackup(database.db, out, { muster: version, createdAt: new Date().toISOString() }, { end: !toStdout });
    if (!toStdout) renameSync(partial, file);
    const size = toStdout ? '' : `, ${(statSync(file).size / 1e6).toFixed(1)} MB`;
    const report = `backup of ${database.dialect} ${database.location} written to ${toStdout ? 'standard output' : file}: ${summary.tables} tables, ${summary.rows} rows${size} in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    if (toStdout) console.error(report);
    else console.log(report);
  } finally {
    if (!toStdout) rmSync(partial, { force: true });
    await database.close();
  }
}

/**
 * `muster restore FILE`: into an empty database of either kind. The restored audit trail must verify
 * (checkpoint signatures too, with $MUSTER_AUDIT_KEY_FILE) before anything is kept; then one
 * `backup.restored` event is appended after it. `-` reads standard input.
 */
export async function restore(file: string, options: DatabaseOptions) {
  const fromStdin = file === '-';
  if (fromStdin && process.stdin.isTTY) {
    console.error('muster: standard input is a terminal: give a FILE, or pipe a backup into `muster restore -`');
    process.exitCode = 2;
    return;
  }
  if (!fromStdin && !existsSync(file)) {
    console.error(`muster: ${file}: no such file`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const key = auditKeyFromEnvironment();
  // Not migrated on opening: the restore migrates the database to the backup's own migrations first.
  const database = await openConfiguredDatabase(options, { migrate: false });
  try {
    const result = await restoreBackup(database.db, fromStdin ? process.stdin : createReadStream(file), {
      migrations: allMigrations,
      beforeCommit: async (tx) => {
        const audit = await verifyAudit(tx, { key });
        if (!audit.ok) throw new BrokenAuditTrail(`the backup's audit trail does not verify after ${audit.verified} good events: ${audit.firstBad?.reason}; nothing was restored`);
      },
    });
    const { header } = result;
    await write(database.db, systemActor('cli restore'), (w) =>
      w.record({
        action: 'backup.restored',
        entity: 'backup',
        entityId: header.createdAt,
        after: { file: fromStdin ? '-' : basename(file), createdAt: header.createdAt, dialect: header.dialect, muster: header.muster, tables: result.tables, rows: result.rows },
      }),
    );
    const migrated = result.applied.length ? `; then applied ${result.applied.join(', ')}` : '';
    console.log(
      `restored ${fromStdin ? 'standard input' : file} (a ${header.dialect} backup of ${header.createdAt} by Muster ${header.muster}) into ${database.dialect} ${database.location}: ${result.tables} tables, ${result.rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s; audit trail verified${migrated}`,
    );
  } catch (error) {
    if (error instanceof BrokenAuditTrail) {
      console.error(`muster: ${error.message}`);
      process.exitCode = 1;
    } else if (error instanceof AppError) {
      // A bad file is named; a refused database is the database's problem, not the file's.
      console.error(`muster: ${error.code === 'bad_request' ? `${fromStdin ? 'standard input' : file}: ` : ''}${error.message}`);
      process.exitCode = 2;
    } else throw error;
  } finally {
    await database.close();
  }
}

class BrokenAuditTrail extends Error {}
