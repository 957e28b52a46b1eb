import type { Actor, Role } from '../shared/actor.ts';
import { forbidden } from '../shared/errors.ts';

/**
 * The roles that see participants' health data (physique measurements, wellness reports, training
 * loads, trial data): investigators, assessors, monitors and statisticians see every participant,
 * trainers the participants of the units they train. A grant of one of them is audited on its
 * own (`person.role.grant`) and told to every investigator (issue 14). Admins manage the roster
 * and see no health data; participants only their own.
 */
export const healthDataRoles: readonly Role[] = ['investigator', 'assessor', 'monitor', 'trainer', 'statistician'];

/** The health-data roles in `after` that `before` lacked. */
export function healthDataRolesGranted(before: readonly Role[], after: readonly Role[]): Role[] {
  return healthDataRoles.filter((role) => after.includes(role) && !before.includes(role));
}

/**
 * Nobody changes their own roles (issue 14: an admin gave itself the investigator role and read
 * health data); another admin must. Refused with 403 whether or not the roles would differ.
 */
export function requireRolesChangeable(actor: Actor, personId: number): void {
  if (actor.personId !== null && actor.personId === personId) throw forbidden('nobody may change their own roles: ask another admin');
}
