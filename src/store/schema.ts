import type { AuditTables } from '../audit/model.ts';
import type { AuthTables } from '../auth/model.ts';
import type { RosterTables } from '../roster/model.ts';

/** The whole database, as the union of the tables each capability owns. */
export interface Database extends AuditTables, AuthTables, RosterTables {}
