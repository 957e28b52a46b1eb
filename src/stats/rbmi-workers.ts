/**
 * rbmi's replicates on every core: the plans are split into contiguous shares, one per core; this
 * thread runs the first share while worker threads (threads.ts, this same module) run the others,
 * each rebuilding the full likelihood once from the cloned problem. A worker costs tens of
 * milliseconds to start, so small problems (rbmi's antidepressant data: 172 replicates of 171
 * participants) stay in this thread, where they take about as long as starting the workers would.
 */
import { availableParallelism } from 'node:os';
import { runInThread, serveInThread } from './threads.ts';
import { rbmiReplicate, runInThisThread } from './rbmi.ts';
import type { RbmiProblem, ReplicatePlan, ReplicateRunner } from './rbmi.ts';

/** Replicates x participants below which the work stays in this thread (measured: see bench/rbmi.ts). */
const WORK_PER_EXTRA_THREAD = 100_000;

interface Share {
  problem: RbmiProblem;
  plans: ReplicatePlan[];
}

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
  return runInThread<Share, Float64Array[]>(new URL(import.meta.url), 'rbmi-share', share);
}

serveInThread<Share, Float64Array[]>('rbmi-share', ({ problem, plans }) => plans.map((plan) => rbmiReplicate(problem, plan)));
