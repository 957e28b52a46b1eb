import type { Migration } from 'kysely';
import { analysis } from './analysis/index.ts';
import { assess } from './assess/index.ts';
import { audit } from './audit/index.ts';
import { auth } from './auth/index.ts';
import { cohort } from './cohort/index.ts';
import { drills } from './drills/index.ts';
import { inbox } from './inbox/index.ts';
import { roster } from './roster/index.ts';
import { schedule } from './schedule/index.ts';
import { training } from './training/index.ts';
import { trial } from './trial/index.ts';
import { wellness } from './wellness/index.ts';
import type { Capability, RouteRule } from './shared/capability.ts';
import { migrateToLatest } from './store/migrate.ts';
import type { Db } from './store/db.ts';

/**
 * Every capability, the one list that feeds the server, the migrations, the `Database` type, the
 * CLI, the demo and the datapad's menu. Adding a capability is its folder and one line here.
 * Order matters twice: demo steps run in it (people before their logins, training and so on
 * after both) and the datapad's menu follows it.
 */
export const capabilities = [roster, auth, inbox, cohort, wellness, training, drills, assess, trial, schedule, audit, analysis] as const;

type TablesOf<C> = C extends Capability<infer Tables> ? Tables : never;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type AllTables = Intersection<TablesOf<(typeof capabilities)[number]>>;

declare module './store/schema.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge is the point: every capability's tables
  interface Database extends AllTables {}
}

export const allMigrations: Record<string, Migration> = Object.assign({}, ...capabilities.map((c: Capability) => c.migrations ?? {}));

/** Applies every capability's pending migrations. */
export const migrateAll = (db: Db) => migrateToLatest(db, allMigrations);

/** Every capability's route rules, checked by the guard; the server adds its own few. */
export const capabilityPolicy: Record<string, RouteRule> = Object.assign({}, ...capabilities.map((c: Capability) => c.policy ?? {}));
