import { capabilities } from '../capabilities.ts';
import { systemActor } from '../shared/actor.ts';
import type { Capability, DemoContext, DemoLogin } from '../shared/capability.ts';
import type { Db } from '../store/db.ts';
import { write } from '../store/write.ts';

export interface DemoResult {
  logins: DemoLogin[];
  participants: number;
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return !(await db.selectFrom('person').select('id').limit(1).executeTakeFirst());
}

/** Loads the demo cohort into an empty database, in one transaction: each capability's step, in the list's order. */
export async function loadDemo(db: Db, options: { participants?: number } = {}): Promise<DemoResult> {
  return write(db, systemActor('demo'), async (w) => {
    const demo: DemoContext = { participants: options.participants ?? 60, zone: 'Europe/London', logins: [] };
    for (const capability of capabilities as readonly Capability[]) await capability.demo?.(w, demo);
    return { logins: demo.logins, participants: demo.participants };
  });
}
