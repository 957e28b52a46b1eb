import { useState } from 'react';
import { ErrorMessage, Page } from '../app/ui.tsx';
import { AnalysisForm, type Submission } from './AnalysisForm.tsx';
import { DataSourcePanel, type DataSource } from './DataSourcePanel.tsx';
import { ForestChart } from './ForestChart.tsx';
import { useAnalysis } from './hooks.ts';
import { LsMeansChart } from './LsMeansChart.tsx';
import { ResultTables } from './ResultTables.tsx';
import { TippingPointChart } from './TippingPointChart.tsx';
import { TrajectoriesChart } from './TrajectoriesChart.tsx';
import { ComparisonPanel, VerdictPanel } from './VerdictPanel.tsx';

/** Upload or pick a trial data set, choose the model, and read the engine's answer (the same as `muster analyze`). */
export function AnalysisPage() {
  const analysis = useAnalysis();
  const [source, setSource] = useState<DataSource | null>(null);
  // A new file or data set starts a new form; saving the current one keeps the choices made.
  const [formKey, setFormKey] = useState(0);
  const [analysed, setAnalysed] = useState({ unit: '', data: '' });
  const choose = (next: DataSource, fresh: boolean) => {
    setSource(next);
    if (fresh) setFormKey((key) => key + 1);
  };
  const submit = ({ request, unit, data }: Submission) => {
    setAnalysed({ unit, data });
    void analysis.run(request);
  };
  const unit = analysed.unit;
  const response = analysis.response;
  return (
    <Page title="Analysis">
      <DataSourcePanel source={source} onSource={choose} />
      {source && <AnalysisForm key={formKey} source={source} busy={analysis.busy} onSubmit={submit} />}
      <div aria-live="polite" aria-busy={analysis.busy}>
        {analysis.error && <ErrorMessage error={analysis.error} />}
        {response && !analysis.error && (
          <div className="results stack">
            {response.verdict && <VerdictPanel verdict={response.verdict} />}
            {/* Groups that were not randomised (units, say) support no verdict: the comparison is described instead. */}
            {!response.verdict && response.description && <ComparisonPanel description={response.description} />}
            <div className="charts">
              <LsMeansChart result={response.result} unit={unit} />
              <ForestChart response={response} unit={unit} direction={analysis.request?.rule?.direction} />
              {response.result.kind === 'rbmi' && response.result.tipping_point && <TippingPointChart tipping={response.result.tipping_point} unit={unit} deltaArm={response.result.delta_arm} />}
              {response.result.kind === 'mmrm' && analysis.request?.model === 'mmrm' && <TrajectoriesChart request={analysis.request} data={analysed.data} result={response.result} unit={unit} />}
            </div>
            <ResultTables result={response.result} />
          </div>
        )}
      </div>
    </Page>
  );
}
