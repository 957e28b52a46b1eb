import { capabilities } from '../capabilities.ts';
import { systemActor } from '../shared/actor.ts';
import type { Capability, DemoContext, DemoLogin } from '../shared/capability.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import { sqliteConnectionOf, type Db } from '../store/db.ts';
import { withForeignKeysCheckedAtEnd } from '../store/bulk-insert.ts';
import { write } from '../store/write.ts';

export interface DemoResult {
  logins: DemoLogin[];
  participants: number;
}

/**
 * SQLite's page cache during the load, in KiB (negative: a size, not pages): millions of rows go
 * into tables with several indexes in one transaction, and with the default 2 MB their pages are
 * written out and read back again and again (a quarter of the load's time at 5,000 participants).
 */
const SQLITE_LOAD_CACHE = -400_000;

/** The demo's weeks of training and wellness by default: the trial's twelve. */
export const DEMO_WEEKS = 12;
/** At most two years: beyond that the bench and the screens learn nothing new. */
export const DEMO_MAX_WEEKS = 104;

export interface DemoOptions {
  participants?: number;
  /** Weeks of training and wellness history (default 12). */
  weeks?: number;
  clock?: Clock;
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return !(await db.selectFrom('person').select('id').limit(1).executeTakeFirst());
}

/**
 * Loads the demo cohort into an empty database, in one transaction: each capability's step, in
 * the list's order, then each capability's derived state (tallies, load-ratio states) rebuilt
 * once from the rows, since the steps write their bulk rows without keeping it row by row.
 */
export async function loadDemo(db: Db, options: DemoOptions = {}): Promise<DemoResult> {
  const sqlite = sqliteConnectionOf(db);
  const cache = sqlite?.pragma('cache_size', { simple: true });
  sqlite?.pragma(`cache_size = ${SQLITE_LOAD_CACHE}`);
  try {
    return await load(db, options);
  } finally {
    sqlite?.pragma(`cache_size = ${cache}`);
  }
}

async function load(db: Db, options: DemoOptions): Promise<DemoResult> {
  return write(
    db,
    systemActor('demo'),
    (w) =>
      withForeignKeysCheckedAtEnd(w.db, async () => {
        const demo: DemoContext = { participants: options.participants ?? 60, weeks: options.weeks ?? DEMO_WEEKS, zone: 'Europe/London', logins: [] };
        const all = capabilities as readonly Capability[];
        for (const capability of all) await capability.demo?.(w, demo);
        for (const capability of all) await capability.rebuildDerived?.(w);
        return { logins: demo.logins, participants: demo.participants };
      }),
    options.clock ?? systemClock,
  );
}
