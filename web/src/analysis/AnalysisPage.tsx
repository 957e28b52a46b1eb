import { useState } from 'react';
import { ErrorMessage, Page } from '../app/ui.tsx';
import { AnalysisForm, type Submission } from './AnalysisForm.tsx';
import { ForestChart } from './ForestChart.tsx';
import { useAnalysis } from './hooks.ts';
import { LsMeansChart } from './LsMeansChart.tsx';
import { ResultTables } from './ResultTables.tsx';
import { TrajectoriesChart } from './TrajectoriesChart.tsx';
import { VerdictPanel } from './VerdictPanel.tsx';

/** Upload a trial data set, choose the model, and read the engine's answer (the same as `muster analyze`). */
export function AnalysisPage() {
  const analysis = useAnalysis();
  const [unit, setUnit] = useState('');
  const submit = ({ request, unit: chosenUnit }: Submission) => {
    setUnit(chosenUnit);
    void analysis.run(request);
  };
  const response = analysis.response;
  return (
    <Page title="Analysis">
      <AnalysisForm busy={analysis.busy} onSubmit={submit} />
      <div aria-live="polite" aria-busy={analysis.busy}>
        {analysis.error && <ErrorMessage error={analysis.error} />}
        {response && !analysis.error && (
          <div className="results stack">
            {response.verdict && <VerdictPanel verdict={response.verdict} />}
            <div className="columns wide">
              <LsMeansChart result={response.result} unit={unit} />
              <ForestChart response={response} unit={unit} direction={analysis.request?.rule?.direction} />
              {response.result.kind === 'mmrm' && analysis.request?.model === 'mmrm' && <TrajectoriesChart request={analysis.request} result={response.result} unit={unit} />}
            </div>
            <ResultTables result={response.result} />
          </div>
        )}
      </div>
    </Page>
  );
}
