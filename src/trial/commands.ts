import type { DatabaseOptions, WithDatabase } from '../shared/cli-options.ts';
import { verifyRandomisation } from './verification.ts';
import { listTrials } from './store.ts';

export const listTrialsCommand = (withDatabase: WithDatabase, options: DatabaseOptions & { json?: boolean }) =>
  withDatabase(options, async (db) => {
    const trials = await listTrials(db);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(trials)}\n`);
      return;
    }
    if (trials.length === 0) console.log('no trials yet');
    for (const trial of trials) console.log(`${trial.code.padEnd(16)} ${trial.status.padEnd(11)} ${trial.title}`);
  });

export const verifyRandomisationCommand = (withDatabase: WithDatabase, code: string, options: DatabaseOptions) =>
  withDatabase(options, async (db) => {
    const result = await verifyRandomisation(db, code);
    if (result.ok) {
      console.log(`${result.code}: ${result.count} allocations verified: each one replays from the seed (SHA-256 ${result.seedCommitment}) and the recorded order`);
      return;
    }
    console.error(`${result.code}: randomisation does NOT verify: ${result.problem}`);
    process.exitCode = 1;
  });
