import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Migration } from 'kysely';
import type { Role } from './actor.ts';
import type { CliContext } from './cli-options.ts';
import type { Writer } from '../store/write.ts';

/**
 * Who may call a route: anyone, anyone signed in, the listed roles, or only a kiosk (a device
 * account at a door, src/schedule: its token is looked up on such routes alone, and no person's
 * session or API token passes them). Default deny: a route without a rule is refused.
 */
export type RouteRule = { kind: 'public' } | { kind: 'signed-in' } | { kind: 'roles'; roles: readonly Role[] } | { kind: 'kiosk' };

export const publicRoute: RouteRule = { kind: 'public' };
export const signedIn: RouteRule = { kind: 'signed-in' };
export const only = (...roles: Role[]): RouteRule => ({ kind: 'roles', roles });
export const kioskOnly: RouteRule = { kind: 'kiosk' };

/** A menu entry of the datapad: the server says which roles see it (`GET /api/me`), the datapad draws it. */
export interface ScreenEntry {
  path: string;
  label: string;
  roles: readonly Role[];
  /** The API route the screen cannot work without: a test checks that its policy admits every role above. */
  needs: string;
}

export interface DemoLogin {
  username: string;
  role: string;
  who: string;
}

/** What the demo steps share: each step reads what earlier ones wrote from the database. */
export interface DemoContext {
  participants: number;
  /** Weeks of training and wellness history, ending this week (default 12, the trial's length). */
  weeks: number;
  /** The demo units' time zone. */
  zone: string;
  /** Sign-ins the demo created, printed at the end. */
  logins: DemoLogin[];
}

/**
 * One capability's front door (`src/<capability>/index.ts`): everything the server, the
 * migrations, the `Database` type, the CLI, the demo and the datapad's menu need from it.
 * `Tables` is the capability's table interfaces, merged into `Database` (src/capabilities.ts).
 */
export interface Capability<Tables extends object = object> {
  name: string;
  migrations?: Record<string, Migration>;
  routes?: FastifyPluginAsyncZod;
  /** Who may call each of its routes ("METHOD /api/..."). */
  policy?: Record<string, RouteRule>;
  screens?: readonly ScreenEntry[];
  /** Its part of the demo cohort; steps run in the order of the capability list. */
  demo?: (w: Writer, demo: DemoContext) => Promise<unknown>;
  /**
   * Rebuilds, from the recorded rows, the state it keeps on write (tallies, baselines):
   * after a bulk load that bypassed the keeping, and in the tests that compare kept with rebuilt.
   */
  rebuildDerived?: (w: Writer) => Promise<void>;
  /** Declares its `muster` subcommands (their work is imported only when they run). */
  cli?: (context: CliContext) => void;
  /** Type only: never set. */
  readonly tables?: Tables;
}

export function defineCapability<Tables extends object = object>(capability: Capability<Tables>): Capability<Tables> {
  return capability;
}
