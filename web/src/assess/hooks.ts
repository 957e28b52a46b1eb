import type { ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';

export type Assessment = ResponseOf<'/api/people/{id}/assessments'>['assessments'][number];

export const useAssessments = (personId: number) => useApi('/api/people/{id}/assessments', { path: { id: personId } });

/** The measure of each assessment that has it, oldest first, for a chart; `seriesOf` keeps apart what must not be joined. */
export function series(assessments: readonly Assessment[], pick: (a: Assessment) => number | null | undefined, seriesOf?: (a: Assessment) => string | undefined) {
  return assessments
    .map((a) => ({ date: a.local.date, value: pick(a), series: seriesOf?.(a) }))
    .filter((p): p is { date: string; value: number; series: string | undefined } => typeof p.value === 'number')
    // A tenth of a kilogram or a percentage point is what the instruments resolve.
    .map((p) => ({ ...p, value: Math.round(p.value * 10) / 10 }))
    .sort((a, b) => a.date.localeCompare(b.date));
}
