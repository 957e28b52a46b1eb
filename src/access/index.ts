import type { Role } from '../shared/actor.ts';
import { only } from '../shared/capability.ts';

/**
 * Who may see or do what: the one module every route and import asks (docs/architecture.md).
 * It reads the roster's published tables (person, unit, membership, unit_staff) and imports no capability.
 */

/** Staff who work with the roster; participants see only themselves through /api/me. */
export const rosterStaff: readonly Role[] = ['admin', 'investigator', 'trainer', 'assessor', 'monitor', 'statistician'];
export const rosterReaders = only(...rosterStaff);

export { auditValuesFor, checkRule, personScope, requirePersonInScope, ruleFor, unitScope, type PersonScope } from './policy.ts';
export { membershipsWithUnitsAbove, unitsAbove, unitsBelow, unitsTrainedBy } from './units.ts';
export { listAccessLog, recordAccess, recordUnitAccess, type AccessEntry } from './log.ts';
export { seesArms, type Blinding } from './blinding.ts';
