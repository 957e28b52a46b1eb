import type { Screen } from '../app/screens.ts';
import { AdverseEventsPage, ReportAdverseEventPage } from './AdverseEventsPage.tsx';
import { AdherencePage } from './AdherencePage.tsx';
import { AllocationsPage } from './AllocationsPage.tsx';
import { CodeBreakPage } from './CodeBreakPage.tsx';
import { ConsortPage } from './ConsortPage.tsx';
import { DesignReportPage } from './DesignReportPage.tsx';
import { DeviationsPage, RecordDeviationPage } from './DeviationsPage.tsx';
import { DispensePage } from './DispensePage.tsx';
import { DosesPage } from './DosesPage.tsx';
import { EnrolPage } from './EnrolPage.tsx';
import { LeavingPage } from './LeavingPage.tsx';
import { ManagePage } from './ManagePage.tsx';
import { MyTrialsPage } from './MyTrialsPage.tsx';
import { NewTrialPage } from './NewTrialPage.tsx';
import { RunAnalysisPage, TrialAnalysisPage } from './TrialAnalysisPage.tsx';
import { TrialPage } from './TrialPage.tsx';
import { TrialsPage } from './TrialsPage.tsx';
import { UnblindPage } from './UnblindPage.tsx';
import { VisitsPage } from './VisitsPage.tsx';

/** '/trials/new' comes before '/trials/:code', which would match it too. */
export const trialScreens: Screen[] = [
  { path: '/trials', component: TrialsPage },
  { path: '/trials/new', component: NewTrialPage },
  { path: '/me/trials', component: MyTrialsPage },
  { path: '/trials/:code', component: TrialPage },
  { path: '/trials/:code/manage', component: ManagePage },
  { path: '/trials/:code/enrol', component: EnrolPage },
  { path: '/trials/:code/consort', component: ConsortPage },
  { path: '/trials/:code/allocations', component: AllocationsPage },
  { path: '/trials/:code/visits', component: VisitsPage },
  { path: '/trials/:code/doses', component: DosesPage },
  { path: '/trials/:code/adverse-events', component: AdverseEventsPage },
  { path: '/trials/:code/adverse-events/new', component: ReportAdverseEventPage },
  { path: '/trials/:code/deviations', component: DeviationsPage },
  { path: '/trials/:code/deviations/new', component: RecordDeviationPage },
  { path: '/trials/:code/analysis', component: TrialAnalysisPage },
  { path: '/trials/:code/analysis/run', component: RunAnalysisPage },
  { path: '/trials/:code/design-report', component: DesignReportPage },
  { path: '/trials/:code/dispense', component: DispensePage },
  { path: '/trials/:code/adherence', component: AdherencePage },
  { path: '/trials/:code/leaving', component: LeavingPage },
  { path: '/trials/:code/code-break', component: CodeBreakPage },
  { path: '/trials/:code/unblind', component: UnblindPage },
];
