import type { ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';

export type Best = ResponseOf<'/api/people/{id}/training/bests'>['bests'][number];
export type LoadHistory = ResponseOf<'/api/people/{id}/training/load'>;
export type TrainingSet = ResponseOf<'/api/people/{id}/training/sets'>['sets'][number];

export const useBests = (personId: number) => useApi('/api/people/{id}/training/bests', { path: { id: personId } });
export const useLoad = (personId: number) => useApi('/api/people/{id}/training/load', { path: { id: personId } });
export const useSets = (personId: number) => useApi('/api/people/{id}/training/sets', { path: { id: personId } });

/** A load as the server shows it to this reader, e.g. "102.06 kg". */
export const formatLoad = (load: { value: number; unit: string } | null) => (load ? `${load.value} ${load.unit}` : '—');
