import { AppError, forbidden, notFound } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';
import { unitsTrainedBy } from '../roster/store.ts';
import type { Actor, Role } from './model.ts';

/**
 * Who may call which route: the one place that decides. Every registered route must have an
 * entry (src/server/policy.test.ts walks them all with every role); a route without one is refused.
 * Row-level scope (which people a role may see) is decided by `personScope` below.
 */
export type RouteRule = { kind: 'public' } | { kind: 'signed-in' } | { kind: 'roles'; roles: readonly Role[] };

const publicRoute: RouteRule = { kind: 'public' };
const signedIn: RouteRule = { kind: 'signed-in' };
const only = (...roles: Role[]): RouteRule => ({ kind: 'roles', roles });

/** Staff who work with the roster; participants see only themselves through /api/me. */
const rosterReaders = only('admin', 'investigator', 'trainer', 'assessor', 'monitor', 'statistician');

export const routePolicy: Record<string, RouteRule> = {
  'GET /api/health': publicRoute,
  'GET /api/openapi.json': publicRoute,
  'POST /api/auth/login': publicRoute,
  'POST /api/setup': publicRoute,
  'POST /api/auth/logout': signedIn,
  'GET /api/me': signedIn,
  'GET /api/me/access-log': signedIn,
  'GET /api/auth/tokens': signedIn,
  'POST /api/auth/tokens': signedIn,
  'DELETE /api/auth/tokens/:id': signedIn,

  'GET /api/units': rosterReaders,
  'GET /api/units/:id': rosterReaders,
  'POST /api/units': only('admin'),
  'PUT /api/units/:id/staff': only('admin'),
  'GET /api/people': rosterReaders,
  // Anyone signed in, narrowed by personScope: a participant reaches only their own record.
  'GET /api/people/:id': signedIn,
  'GET /api/people/:id/chain': signedIn,
  'GET /api/people/:id/units': rosterReaders,
  'POST /api/people': only('admin'),
  'PATCH /api/people/:id': only('admin'),
  'POST /api/people/:id/move': only('admin'),
  'POST /api/people/:id/account': only('admin'),
  'POST /api/roster/import': only('admin'),

  // Training: trainers write for the people of their units (personScope); reads are narrowed the same way.
  'GET /api/exercises': signedIn,
  'POST /api/exercises': only('admin', 'trainer'),
  'POST /api/exercises/:id/aliases': only('admin', 'trainer'),
  'GET /api/me/training-preferences': signedIn,
  'PUT /api/me/training-preferences': signedIn,
  'GET /api/training/sessions': rosterReaders,
  'POST /api/training/sessions': only('admin', 'trainer'),
  'GET /api/training/sessions/:id': rosterReaders,
  'PATCH /api/training/sessions/:id': only('admin', 'trainer'),
  'PUT /api/training/sessions/:id/attendance/:personId': only('admin', 'trainer'),
  // A participant logs their own sets only (src/training/routes.ts checkSelfLogged; docs/training.md).
  'POST /api/training/sets': only('admin', 'trainer', 'participant'),
  'GET /api/me/training/sessions': only('participant'),
  'PUT /api/training/sets/:id': only('admin', 'trainer'),
  'DELETE /api/training/sets/:id': only('admin', 'trainer'),
  'GET /api/people/:id/training/sets': signedIn,
  'GET /api/people/:id/training/load': signedIn,
  'GET /api/people/:id/training/bests': signedIn,
  'GET /api/units/:id/training/load': rosterReaders,
  'POST /api/training/import': only('admin', 'trainer'),
  'GET /api/training/export': signedIn,
  'GET /api/drills': signedIn,
  'POST /api/drills': only('admin', 'trainer'),
  'POST /api/drills/:id/attempts': only('admin', 'trainer'),
  'GET /api/people/:id/drills': signedIn,
  // Participants see their own unit's board; staff the units in their scope.
  'GET /api/units/:id/drills/:drillId/leaderboard': signedIn,
  'GET /api/me/leaderboards': signedIn,
  'PUT /api/me/leaderboards': only('participant'),
  'GET /api/strength-protocols': signedIn,
  'POST /api/strength-tests': only('admin', 'trainer'),
  'GET /api/people/:id/strength-tests': signedIn,

  // Physique: the participant, assessors (who alone write), investigators and blinded monitors
  // (read only); trainers of the person's units only with the participant's consent
  // (src/assess/routes.ts requirePhysiqueAccess). Admins do not see it.
  'GET /api/people/:id/assessments': only('participant', 'assessor', 'investigator', 'monitor', 'trainer'),
  'POST /api/people/:id/assessments': only('assessor'),
  'PUT /api/assessments/:id': only('assessor'),
  'POST /api/assessments/import': only('assessor'),
  'GET /api/assessments/export': only('assessor', 'investigator', 'monitor'),
  'GET /api/me/physique-consent': only('participant'),
  'PUT /api/me/physique-consent': only('participant'),

  // Wellness: the participant reports; trainers see their units (personScope), investigators and monitors everyone.
  'PUT /api/me/wellness/today': only('participant'),
  'GET /api/people/:id/wellness': only('participant', 'trainer', 'investigator', 'monitor'),
  'GET /api/units/:id/wellness': only('trainer', 'investigator', 'monitor'),
  'POST /api/wellness/import': only('investigator'),
  'GET /api/wellness/export': only('investigator', 'monitor'),

  // The cohort dashboard (src/cohort): unit-wide summaries for the staff who watch units; trainers their units (unitScope).
  'GET /api/units/:id/cohort': only('trainer', 'investigator', 'monitor'),
  'GET /api/units/:id/cohort/flags': only('trainer', 'investigator', 'monitor'),
  'GET /api/units/:id/cohort/bests': only('trainer', 'investigator', 'monitor'),

  'GET /api/audit': only('admin'),
  'GET /api/audit/verify': only('admin'),

  // Analyses are the statisticians' work and the investigators' decision. Either may store data
  // sets; archiving one is for whoever saved it or an investigator (src/analysis/model.ts mayArchive).
  'POST /api/analysis': only('statistician', 'investigator'),
  'GET /api/analysis/datasets': only('statistician', 'investigator'),
  'POST /api/analysis/datasets': only('statistician', 'investigator'),
  'GET /api/analysis/datasets/:id': only('statistician', 'investigator'),
  'DELETE /api/analysis/datasets/:id': only('statistician', 'investigator'),
  // Physique data: of the analysing roles only investigators read it (docs/assessments.md).
  'GET /api/analysis/derived/physique-by-visit': only('investigator'),
};

/** The API documentation pages (their assets are many routes) are public, like the document itself. */
const publicPrefix = '/api/docs';

export function ruleFor(method: string, url: string): RouteRule | undefined {
  if (method === 'GET' && (url === publicPrefix || url.startsWith(`${publicPrefix}/`))) return publicRoute;
  return routePolicy[`${method} ${url}`];
}

/** Throws 401 or 403 unless the rule admits the actor. */
export function checkRule(rule: RouteRule | undefined, actor: Actor | undefined): void {
  if (!rule) throw forbidden('no policy covers this route');
  if (rule.kind === 'public') return;
  if (!actor) throw new AppError('unauthenticated', 'sign in first');
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
