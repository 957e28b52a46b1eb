import type { ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';

export type Best = ResponseOf<'/api/people/{id}/training/bests'>['bests'][number];
export type LoadHistory = ResponseOf<'/api/people/{id}/training/load'>;

export const useBests = (personId: number) => useApi('/api/people/{id}/training/bests', { path: { id: personId } });
export const useLoad = (personId: number) => useApi('/api/people/{id}/training/load', { path: { id: personId } });
