import type { ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';

export type Assessment = ResponseOf<'/api/people/{id}/assessments'>['assessments'][number];

export const useAssessments = (personId: number) => useApi('/api/people/{id}/assessments', { path: { id: personId } });

/** The measure of each assessment that has it, oldest first, for a chart. */
export function series(assessments: readonly Assessment[], pick: (a: Assessment) => number | null | undefined) {
  return assessments
    .map((a) => ({ date: a.local.date, value: pick(a) }))
    .filter((p): p is { date: string; value: number } => typeof p.value === 'number')
    .sort((a, b) => a.date.localeCompare(b.date));
}
