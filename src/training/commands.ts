import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { SingleBar, Presets } from 'cli-progress';
import { systemActor } from '../auth/model.ts';
import { withDatabase } from '../cli/admin.ts';
import type { DatabaseOptions } from '../cli/database.ts';
import { formatProblem } from '../shared/csv.ts';
import { badRequest } from '../shared/errors.ts';
import { exportTraining, trainingExportFormats, type TrainingExportFormat } from './export.ts';
import { runTrainingImport } from './import.ts';
import { loadUnits, type LoadUnit } from './model.ts';

const systemScope = { kind: 'all', selfId: null } as const;

/** Imports a training or Strong CSV; prints each bad row as it is found, and a progress bar on a terminal. */
export async function importTrainingFile(file: string, options: DatabaseOptions & { designation?: string; loadUnit: string }) {
  await withDatabase(options, async ({ db }) => {
    if (!(loadUnits as readonly string[]).includes(options.loadUnit)) throw badRequest('--load-unit', `'${options.loadUnit}' is not kg or lb`);
    const size = statSync(file).size;
    const bar = process.stderr.isTTY ? new SingleBar({ format: 'training import [{bar}] {percentage}% | {pass} | {rows} rows', clearOnComplete: true, stream: process.stderr }, Presets.shades_classic) : undefined;
    let bytes = 0;
    let pass = 'checking';
    bar?.start(2 * size, 0, { pass, rows: 0 });
    const open = () => {
      const stream = createReadStream(file);
      if (bar) stream.on('data', (chunk) => bar.update((bytes += chunk.length), { pass }));
      return stream;
    };
    try {
      const summary = await runTrainingImport(db, systemActor('cli import training'), open, {
        scope: systemScope,
        designation: options.designation,
        loadUnit: options.loadUnit as LoadUnit,
        onProblem: (p) => console.error(formatProblem(p)),
        onProgress: (step, rows) => {
          pass = step === 'check' ? 'checking' : 'writing';
          bar?.update(bytes, { pass, rows });
        },
      });
      bar?.stop();
      console.log(`${file}: ${summary.rows} sets (${summary.format} format): ${summary.added} added, ${summary.alreadyStored} already stored, ${summary.sessionsCreated} sessions created${summary.skipped ? `, ${summary.skipped} rest-timer rows skipped` : ''}`);
    } finally {
      bar?.stop();
    }
  });
}

async function writeTo(out: Writable, chunk: string) {
  if (!out.write(chunk)) await once(out, 'drain');
}

export async function exportTrainingFile(options: DatabaseOptions & { format: string; output?: string }) {
  await withDatabase(options, async ({ db }) => {
    if (!(trainingExportFormats as readonly string[]).includes(options.format)) throw badRequest('--format', `'${options.format}' is not csv or json`);
    const out = options.output ? createWriteStream(options.output) : process.stdout;
    await exportTraining(db, options.format as TrainingExportFormat, systemScope, (chunk) => writeTo(out, chunk));
    if (options.output) {
      out.end();
      await once(out, 'finish');
    }
  });
}
