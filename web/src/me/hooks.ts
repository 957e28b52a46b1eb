import { useApi } from '../app/useApi.ts';

export const useMyRecord = (personId: number) => useApi('/api/people/{id}', { path: { id: personId } });
export const useAccessLog = (limit = 200) => useApi('/api/me/access-log', { query: { limit } });
