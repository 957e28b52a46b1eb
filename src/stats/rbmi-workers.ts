/**
 * rbmi's replicates on every core: the plans are split into contiguous shares, one per core; this
 * thread runs the first share while worker threads (node:worker_threads, this same module) run the
 * others, each rebuilding the full likelihood once from the cloned problem. A worker costs tens of
 * milliseconds to start, so small problems (rbmi's antidepressant data: 172 replicates of 171
 * participants) stay in this thread, where they take about as long as starting the workers would.
 */
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { StatsError } from './errors.ts';
import type { StatsErrorCode } from './errors.ts';
import { rbmiReplicate, runInThisThread } from './rbmi.ts';
import type { RbmiProblem, ReplicatePlan, ReplicateRunner } from './rbmi.ts';

/** Replicates x participants below which the work stays in this thread (measured: see bench/rbmi.ts). */
const WORK_PER_EXTRA_THREAD = 100_000;

interface Share {
  problem: RbmiProblem;
  plans: ReplicatePlan[];
}

type Reply = { results: Float64Array[] } | { error: { code: StatsErrorCode | null; message: string } };

export const runOnEveryCore: ReplicateRunner = async (problem, plans) => {
  const work = plans.length * problem.nPatients;
  const threads = Math.min(availableParallelism(), 1 + Math.floor(work / WORK_PER_EXTRA_THREAD), plans.length);
  if (threads < 2) return runInThisThread(problem, plans);
  const size = Math.ceil(plans.length / threads);
  const shares = Array.from({ length: threads }, (_, k) => plans.slice(k * size, (k + 1) * size));
  const others = shares.slice(1).map((share) => inWorker({ problem, plans: share }));
  // Wait for every worker even when one fails, so none is left running.
  const settled = Promise.allSettled(others);
  const mine = await runInThisThread(problem, shares[0]);
  const theirs = await settled;
  const failed = theirs.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return [...mine, ...theirs.flatMap((result) => (result.status === 'fulfilled' ? result.value : []))];
};

function inWorker(share: Share): Promise<Float64Array[]> {
  return new Promise((resolve, reject) => {
    // The same module; execArgv carries a TypeScript loader when the sources run directly.
    const worker = new Worker(new URL(import.meta.url), { workerData: share, execArgv: process.execArgv });
    worker.once('message', (reply: Reply) => {
      if ('results' in reply) resolve(reply.results);
      else reject(reply.error.code === null ? new Error(reply.error.message) : new StatsError(reply.error.code, reply.error.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`an rbmi worker thread exited with code ${code}`));
    });
  });
}

if (!isMainThread && parentPort !== null) {
  const { problem, plans } = workerData as Share;
  let reply: Reply;
  try {
    reply = { results: plans.map((plan) => rbmiReplicate(problem, plan)) };
  } catch (error) {
    reply = { error: { code: error instanceof StatsError ? error.code : null, message: (error as Error).message } };
  }
  parentPort.postMessage(reply);
}
