import type { Screen } from '../app/screens.ts';
import { AnalysisPage } from './AnalysisPage.tsx';

export const analysisScreens: Screen[] = [{ path: '/analysis', component: AnalysisPage }];
