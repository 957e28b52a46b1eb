import { capabilities } from '../capabilities.ts';
import { systemActor } from '../shared/actor.ts';
import type { Capability, DemoContext, DemoLogin } from '../shared/capability.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Db } from '../store/db.ts';
import { write } from '../store/write.ts';

export interface DemoResult {
  logins: DemoLogin[];
  participants: number;
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return !(await db.selectFrom('person').select('id').limit(1).executeTakeFirst());
}

/**
 * Loads the demo cohort into an empty database, in one transaction: each capability's step, in
 * the list's order, then each capability's derived state (tallies, load-ratio states) rebuilt
 * once from the rows, since the steps write their bulk rows without keeping it row by row.
 */
export async function loadDemo(db: Db, options: { participants?: number; clock?: Clock } = {}): Promise<DemoResult> {
  return write(
    db,
    systemActor('demo'),
    async (w) => {
      const demo: DemoContext = { participants: options.participants ?? 60, zone: 'Europe/London', logins: [] };
      const all = capabilities as readonly Capability[];
      for (const capability of all) await capability.demo?.(w, demo);
      for (const capability of all) await capability.rebuildDerived?.(w);
      return { logins: demo.logins, participants: demo.participants };
    },
    options.clock ?? systemClock,
  );
}
