import type { Role } from '../shared/actor.ts';
import { only } from '../shared/capability.ts';

/**
 * Every access rule lives here (docs/architecture.md): who may call a route (the policy table's
 * rules), who may see which person, unit, physique record and data set, who may log what, and the
 * access log written from each route's read declaration. The trial's blinding goes here too.
 * It reads the tables it decides on (the roster's published person, unit, unit_trainer,
 * person_unit, person_role; physique consent; training sessions for self-logging) and imports
 * only the kernel.
 */

/** Staff who work with the roster; participants see only themselves through /api/me. */
export const rosterStaff: readonly Role[] = ['admin', 'investigator', 'trainer', 'assessor', 'monitor', 'statistician'];
export const rosterReaders = only(...rosterStaff);

export { auditValuesFor, checkRule, ruleFor } from './policy.ts';
export {
  inScope,
  personScope,
  personVisible,
  requireLeaderboardVisible,
  requirePersonVisible,
  requireUnitVisible,
  unitScope,
  unitVisible,
  type PersonScope,
} from './scope.ts';
export { mayArchiveDataset, requirePhysiqueVisible, requireSelfLoggable, selfLogRefusal, type SelfLogSession } from './records.ts';
export { membershipsWithUnitsAbove, unitsAbove, unitsBelow, unitsTrainedBy } from './units.ts';
export { listAccessLog, recordAccess, recordCohortRead, recordDeclaredRead, recordUnitAccess, type AccessGroup } from './log.ts';
export { seesArms, type Blinding } from './blinding.ts';
export { healthDataRoles, healthDataRolesGranted, requireRolesChangeable } from './roles.ts';
