import { AppError, forbidden } from '../shared/errors.ts';
import { publicRoute, type RouteRule } from '../shared/capability.ts';
import type { Actor } from '../shared/actor.ts';

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
