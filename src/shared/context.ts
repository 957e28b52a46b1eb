import type { Actor } from './actor.ts';
import type { ScreenEntry } from './capability.ts';
import type { Clock } from './clock.ts';
import type { Db, DialectName } from '../store/db.ts';

/** What every route reaches through `app.muster`. */
export interface AppContext {
  db: Db;
  dialect: DialectName;
  clock: Clock;
  version: string;
  /** Send cookies with the Secure flag (set when served over HTTPS). */
  secureCookies: boolean;
  /** The datapad's menu: every capability's screens, in the list's order. */
  screens: readonly ScreenEntry[];
}

declare module 'fastify' {
  interface FastifyInstance {
    muster: AppContext;
    /** Every API route as "METHOD /url", for the policy check and its test. */
    apiRoutes: readonly string[];
  }
  interface FastifyRequest {
    actor: Actor | undefined;
    /** The CSRF token of the cookie session behind this request (null for API tokens). */
    csrfToken: string | null;
  }
}

/** The signed-in actor; routes behind a non-public policy always have one. */
export function actorOf(request: { actor: Actor | undefined }): Actor {
  if (!request.actor) throw new Error('route reached without an actor: its policy must not be public');
  return request.actor;
}
