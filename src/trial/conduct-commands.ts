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
const POOLED_WHILE_BLINDED = 'arms pooled while blinded';

export const consortCommand = (withDatabase: WithDatabase, code: string, options: DatabaseOptions & { json?: boolean; svg?: string }) =>
  withDatabase(options, async (db) => {
    const trial = await trialByCode(db, code);
    const counts = await consortFor(db, trial, seesArms(anyone, trial));
    if (options.svg) {
      await writeFile(options.svg, consortSvg(counts));
      console.error(`${trial.code}: CONSORT flow diagram written to ${options.svg}`);
    }
    // One shape whatever the blinding, so `randomised` is always the sum of `allocated` over `arms`
    // (the command's contract): while blinded, one entry holds every arm, with no label.
    const { pooled, ...shared } = 'pooled' in counts ? counts : { ...counts, pooled: undefined };
    const arms = 'arms' in counts ? counts.arms : [{ arm: POOLED_WHILE_BLINDED, ...pooled! }];
    if (options.json) process.stdout.write(`${JSON.stringify({ ...shared, blinded: !('arms' in counts), arms })}\n`);
    else if (!options.svg) {
      const flows = arms.map(({ arm, ...flow }) => [arm, flow] as const);
      console.log(`${trial.code}: assessed ${counts.assessed}, excluded ${counts.excluded.total}, randomised ${counts.randomised}`);
      for (const [label, flow] of flows) {
        console.log(`  ${label}: allocated ${flow.allocated}, received ${flow.received}, lost to follow-up ${flow.lostToFollowUp}, discontinued ${flow.discontinued}, analysed ${flow.analysed}`);
      }
    }
  });
