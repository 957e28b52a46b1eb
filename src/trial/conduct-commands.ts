import { writeFile } from 'node:fs/promises';
import { seesArms } from '../access/index.ts';
import { systemActor } from '../shared/actor.ts';
import type { DatabaseOptions, WithDatabase } from '../shared/cli-options.ts';
import { consortFor } from './conduct-store.ts';
import { consortSvg } from './consort.ts';
import { trialByCode } from './trials.ts';

/**
 * The CLI runs as an operator on the server, who holds no trial role: it shows what anyone may
 * see, so arms only once they are no secret (an open trial, or one unblinded), pooled otherwise.
 */
const anyone = { ...systemActor('cli'), roles: [] };

export const consortCommand = (withDatabase: WithDatabase, code: string, options: DatabaseOptions & { json?: boolean; svg?: string }) =>
  withDatabase(options, async (db) => {
    const trial = await trialByCode(db, code);
    const counts = await consortFor(db, trial, seesArms(anyone, trial));
    if (options.svg) {
      await writeFile(options.svg, consortSvg(counts));
      console.error(`${trial.code}: CONSORT flow diagram written to ${options.svg}`);
    }
    if (options.json) process.stdout.write(`${JSON.stringify(counts)}\n`);
    else if (!options.svg) {
      const flows = 'arms' in counts ? counts.arms.map(({ arm, ...flow }) => [arm, flow] as const) : [['arms pooled while blinded', counts.pooled] as const];
      console.log(`${trial.code}: assessed ${counts.assessed}, excluded ${counts.excluded.total}, randomised ${counts.randomised}`);
      for (const [label, flow] of flows) {
        console.log(`  ${label}: allocated ${flow.allocated}, received ${flow.received}, lost to follow-up ${flow.lostToFollowUp}, discontinued ${flow.discontinued}, analysed ${flow.analysed}`);
      }
    }
  });
