import type { ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import type { Unit } from '../roster/hooks.ts';

export type CohortSummary = ResponseOf<'/api/units/{id}/cohort'>;
export type CohortFlags = ResponseOf<'/api/units/{id}/cohort/flags'>;
export type CohortBests = ResponseOf<'/api/units/{id}/cohort/bests'>;

export const useCohort = (unitId: number) => useApi('/api/units/{id}/cohort', { path: { id: unitId } });
/** A unit's flags today; with `limit`, only that many people, furthest outside their usual range first. */
export const useCohortFlags = (unitId: number, limit?: number) => useApi('/api/units/{id}/cohort/flags', { path: { id: unitId }, query: limit === undefined ? {} : { limit } });
export const useCohortBests = (unitId: number) => useApi('/api/units/{id}/cohort/bests', { path: { id: unitId } });

/** The units at the top of what the reader sees: each one's summary covers the units below it. */
export const topUnits = (units: readonly Unit[]) => units.filter((unit) => !units.some((other) => other.id === unit.parentId));

/** A unit's attendance as a whole percentage of the attendances recorded; null when none were. */
export const attendancePercent = (unit: CohortSummary['units'][number]) => (unit.attendance.recorded ? Math.round((100 * unit.attendance.present) / unit.attendance.recorded) : null);
