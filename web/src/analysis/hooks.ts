import { useCallback, useState } from 'react';
import { api, type BodyOf, type ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';

export type AnalysisRequest = BodyOf<'/api/analysis', 'post'>;
export type AnalysisResponse = ResponseOf<'/api/analysis', 'post'>;
export type AnalysisResult = AnalysisResponse['result'];
export type MmrmResult = Extract<AnalysisResult, { kind: 'mmrm' }>;
export type RbmiResult = Extract<AnalysisResult, { kind: 'rbmi' }>;
export type TippingPoint = NonNullable<RbmiResult['tipping_point']>;
type MmrmRequest = Extract<AnalysisRequest, { model: 'mmrm' }>;
export type Ddfm = NonNullable<MmrmRequest['ddfm']>;
export type Vcov = NonNullable<MmrmRequest['vcov']>;
export type RbmiRequest = Extract<AnalysisRequest, { model: 'rbmi' }>;
export type ImputationStrategy = RbmiRequest['strategy'];
export type Covariance = NonNullable<Extract<AnalysisRequest, { model: 'mmrm' }>['covariance']>;
export type DecisionRule = NonNullable<AnalysisRequest['rule']>;

/** Runs analyses; keeps the latest answer (with the request behind it) or the error. */
export function useAnalysis() {
  const [state, setState] = useState<{ busy: boolean; request?: AnalysisRequest; response?: AnalysisResponse; error?: Error }>({ busy: false });
  const run = useCallback(async (request: AnalysisRequest) => {
    setState((previous) => ({ ...previous, busy: true, error: undefined }));
    try {
      setState({ busy: false, request, response: await api('post', '/api/analysis', { body: request }) });
    } catch (error) {
      setState({ busy: false, error: error as Error });
    }
  }, []);
  return { ...state, run };
}

export type DatasetSummary = ResponseOf<'/api/analysis/datasets'>['datasets'][number];

export const useDatasets = () => useApi('/api/analysis/datasets');
