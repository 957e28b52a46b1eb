import type { ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';

export type Drill = ResponseOf<'/api/drills'>['drills'][number];
export type Attempt = ResponseOf<'/api/people/{id}/drills'>['attempts'][number];
export type Protocol = ResponseOf<'/api/strength-protocols'>['protocols'][number];
export type StrengthTest = ResponseOf<'/api/people/{id}/strength-tests'>['tests'][number];

export const useDrills = () => useApi('/api/drills');
export const usePersonDrills = (personId: number) => useApi('/api/people/{id}/drills', { path: { id: personId } });
export const useLeaderboard = (unitId: number, drillId: number) => useApi('/api/units/{id}/drills/{drillId}/leaderboard', { path: { id: unitId, drillId } });
export const useProtocols = () => useApi('/api/strength-protocols');
export const useStrengthTests = (personId: number) => useApi('/api/people/{id}/strength-tests', { path: { id: personId } });

export const passLabel = (passed: boolean) => (passed ? 'pass' : 'fail');
