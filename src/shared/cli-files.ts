import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import { badRequest } from './errors.ts';
import { exportFormats, type ExportFormat } from './export.ts';
import type { DatabaseOptions, WithDatabase } from './cli-options.ts';
import type { Db } from '../store/db.ts';

/** Reads a file for an import, with a progress bar by bytes read when standard error is a terminal. */
export function readWithProgress(file: string, label: string): { stream: Readable; done(): void } {
  const stream = createReadStream(file);
  if (!process.stderr.isTTY) return { stream, done: () => {} };
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} bytes`, clearOnComplete: true, stream: process.stderr }, Presets.shades_classic);
  bar.start(statSync(file).size, 0);
  let bytes = 0;
  stream.on('data', (chunk) => bar.update((bytes += chunk.length)));
  return { stream, done: () => bar.stop() };
}

/**
 * Writes chunks to a file or standard output, waiting when the stream is full, so memory stays
 * bounded. A reader that stops early (`muster export ... | head`) closes the pipe: the export then
 * ends quietly, as Unix tools do, instead of failing with EPIPE.
 */
export async function writeChunks(chunks: AsyncIterable<string>, output?: string): Promise<void> {
  const out = output ? createWriteStream(output) : process.stdout;
  let readerGone = false;
  const closed = new Promise<void>((resolve, reject) =>
    out.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? resolve() : reject(error))),
  ).then(() => {
    readerGone = true;
  });
  for await (const chunk of chunks) {
    if (readerGone) return;
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), closed]);
  }
  if (output) {
    out.end();
    await once(out, 'finish');
  }
}

/** `muster import <kind> FILE`: streams the file (with a progress bar on a terminal) into `run`, then prints its summary. */
export async function importFile<S>(withDatabase: WithDatabase, file: string, options: DatabaseOptions, label: string, run: (db: Db, input: Readable) => Promise<S>, summary: (s: S) => string) {
  await withDatabase(options, async (db) => {
    const input = readWithProgress(file, label);
    try {
      const result = await run(db, input.stream);
      input.done();
      console.log(`${file}: ${summary(result)}`);
    } finally {
      input.done();
    }
  });
}

/** `muster export <kind> --format csv|json [--output FILE]`. */
export async function exportFile(withDatabase: WithDatabase, options: DatabaseOptions & { format: string; output?: string }, chunks: (db: Db, format: ExportFormat) => AsyncIterable<string>) {
  await withDatabase(options, async (db) => {
    const format = exportFormats.find((f) => f === options.format);
    if (!format) throw badRequest('--format', `'${options.format}' is not ${exportFormats.join(' or ')}`);
    await writeChunks(chunks(db, format), options.output);
  });
}
