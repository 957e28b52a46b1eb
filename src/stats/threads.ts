/**
 * The engine's one way off the calling thread: a job runs in a worker thread (node:worker_threads)
 * started for it, on a module that answers it with `serveInThread`. rbmi's replicate shares
 * (rbmi-workers.ts) and the API's analyses (analysis-thread.ts) both run this way. A job with a
 * time limit is ended by terminating its thread, the only way to stop a synchronous fit.
 *
 * From the compiled dist/ a worker starts in tens of milliseconds; from the TypeScript sources
 * (tests, tsx) the thread first registers tsx's loader, which costs about a second.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { StatsError } from './errors.ts';
import type { StatsErrorCode } from './errors.ts';

interface Envelope {
  entry: string;
  input: unknown;
}

type Reply = { result: unknown } | { error: { code: StatsErrorCode | null; message: string } };

/** A job that ran past its time limit; its thread was terminated. */
export class ThreadTimeout extends Error {
  readonly limitMs: number;
  constructor(limitMs: number) {
    super(`the computation took longer than its limit of ${limitMs / 1000} s and was stopped`);
    this.name = 'ThreadTimeout';
    this.limitMs = limitMs;
  }
}

/** Starts `module` in a new thread, hands it `input` for its entry `entry`, and resolves with its answer. */
export function runInThread<I, O>(module: URL, entry: string, input: I, options: { timeoutMs?: number } = {}): Promise<O> {
  return new Promise((resolve, reject) => {
    const envelope: Envelope = { entry, input };
    const worker = module.pathname.endsWith('.ts')
      ? // The sources: register tsx's loader in the thread, then load the module (Node 20 cannot run .ts itself).
        new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); })`, { eval: true, workerData: envelope })
      : new Worker(module, { workerData: envelope });
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => finish(() => {
            void worker.terminate();
            reject(new ThreadTimeout(options.timeoutMs!));
          }), options.timeoutMs);
    worker.once('message', (reply: Reply) =>
      finish(() => {
        if ('result' in reply) resolve(reply.result as O);
        else reject(reply.error.code === null ? new Error(reply.error.message) : new StatsError(reply.error.code, reply.error.message));
      }),
    );
    worker.once('error', (error) => finish(() => reject(error)));
    worker.once('exit', (code) => finish(() => reject(new Error(`a worker thread (${entry}) exited with code ${code} before answering`))));
  });
}

/** In a thread started by `runInThread` for `entry`: runs `work` on its input and posts the answer. Elsewhere, nothing. */
export function serveInThread<I, O>(entry: string, work: (input: I) => O): void {
  if (isMainThread || parentPort === null || (workerData as Envelope | undefined)?.entry !== entry) return;
  let reply: Reply;
  try {
    reply = { result: work((workerData as Envelope).input as I) };
  } catch (error) {
    reply = { error: { code: error instanceof StatsError ? error.code : null, message: (error as Error).message } };
  }
  parentPort.postMessage(reply);
}
