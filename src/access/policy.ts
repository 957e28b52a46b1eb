import { AppError, forbidden, notFound } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';
import { unitsTrainedBy } from './units.ts';
import { publicRoute, type RouteRule } from '../shared/capability.ts';
import type { Actor, Role } from '../shared/actor.ts';

/** The API documentation pages (their assets are many routes) are public, like the document itself. */
const publicPrefix = '/api/docs';

/** The rule for a route, from the table every capability's manifest contributes to. */
export function ruleFor(policy: Readonly<Record<string, RouteRule>>, method: string, url: string): RouteRule | undefined {
  if (method === 'GET' && (url === publicPrefix || url.startsWith(`${publicPrefix}/`))) return publicRoute;
  return policy[`${method} ${url}`];
}

/** Throws 401 or 403 unless the rule admits the actor. */
export function checkRule(rule: RouteRule | undefined, actor: Actor | undefined): void {
  if (!rule) throw forbidden('no policy covers this route');
  if (rule.kind === 'public') return;
  if (rule.kind === 'kiosk') {
    if (!actor) throw new AppError('unauthenticated', "send the kiosk's token: Authorization: Bearer <kiosk token>");
    if (!actor.kiosk) throw forbidden('only a kiosk may call this route');
    return;
  }
  if (!actor) throw new AppError('unauthenticated', 'sign in first');
  // Defence in depth: the guard looks kiosk tokens up on kiosk routes only, so this never admits one.
  if (actor.kiosk) throw forbidden('a kiosk may call only the kiosk routes');
  if (rule.kind === 'roles' && !actor.roles.some((r) => rule.roles.includes(r))) throw forbidden();
}

/**
 * Physique and health records: the audit list shows that they changed, and by whom, but not the
 * values, because the audit list's readers (admins) may not see that data. The chain still covers them.
 */
const healthEntities = new Set(['assessment', 'wellness_report']);

export function auditValuesFor<E extends { entity: string; before: unknown; after: unknown }>(event: E): E {
  if (!healthEntities.has(event.entity)) return event;
  const hidden = (value: unknown) => (value === null ? null : { redacted: 'physique and health values are not shown in the audit list' });
  return { ...event, before: hidden(event.before), after: hidden(event.after) };
}

export type PersonScope = ({ kind: 'all' } | { kind: 'units'; unitIds: number[] } | { kind: 'self' }) & { selfId: number | null };

/**
 * Which people an actor may see: investigators, monitors, assessors, statisticians and admins
 * every participant; a trainer the people of the units they train and the units below;
 * anyone else only themselves.
 */
const seeEveryone: readonly Role[] = ['admin', 'investigator', 'monitor', 'assessor', 'statistician'];

export async function personScope(db: Db, actor: Actor): Promise<PersonScope> {
  const selfId = actor.personId;
  if (actor.roles.some((r) => seeEveryone.includes(r))) return { kind: 'all', selfId };
  if (actor.roles.includes('trainer') && selfId !== null) return { kind: 'units', unitIds: await unitsTrainedBy(db, selfId), selfId };
  return { kind: 'self', selfId };
}

export async function unitScope(db: Db, actor: Actor): Promise<number[] | 'all'> {
  const scope = await personScope(db, actor);
  if (scope.kind === 'all') return 'all';
  if (scope.kind === 'units') return scope.unitIds;
  return [];
}

/**
 * Refuses access to a person outside the actor's scope with 404, not 403: a participant
 * must not learn which other designations exist.
 */
export function requirePersonInScope(scope: PersonScope, person: { id: number; unit: { id: number } | null }): void {
  const allowed =
    scope.kind === 'all' ||
    scope.selfId === person.id ||
    (scope.kind === 'units' && person.unit !== null && scope.unitIds.includes(person.unit.id));
  if (!allowed) throw notFound(`person ${person.id}`);
}
