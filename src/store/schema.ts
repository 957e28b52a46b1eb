import type { AnalysisTables } from '../analysis/model.ts';
import type { AssessTables } from '../assess/model.ts';
import type { AuditTables } from '../audit/model.ts';
import type { AuthTables } from '../auth/model.ts';
import type { DrillTables } from '../drills/model.ts';
import type { RosterTables } from '../roster/model.ts';
import type { TrainingTables } from '../training/model.ts';
import type { WellnessTables } from '../wellness/model.ts';

/** The whole database, as the union of the tables each capability owns. */
export interface Database extends AuditTables, AnalysisTables, AuthTables, RosterTables, AssessTables, WellnessTables, TrainingTables, DrillTables {}
