import { useEffect, useRef, useState } from 'react';
import { api, type ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, ErrorMessage, formatInstant, Page } from '../app/ui.tsx';
import { AnalysisForm, type Submission } from './AnalysisForm.tsx';
import { DataSourcePanel, type DataSource } from './DataSourcePanel.tsx';
import { ForestChart } from './ForestChart.tsx';
import { useAnalysis, type AnalysisRequest, type AnalysisResponse } from './hooks.ts';
import { LsMeansChart } from './LsMeansChart.tsx';
import { analysisReportHtml, downloadHtml } from './report.ts';
import { ResultTables } from './ResultTables.tsx';
import { TippingPointChart } from './TippingPointChart.tsx';
import { TrajectoriesChart } from './TrajectoriesChart.tsx';
import { ComparisonPanel, VerdictPanel } from './VerdictPanel.tsx';

type StoredRun = ResponseOf<'/api/analysis/runs/{id}'>;

/** What the results show: the answer, the request behind it, and where it came from. */
interface Shown {
  answer: Omit<AnalysisResponse, 'runId'>;
  request: Partial<AnalysisRequest>;
  dataLabel: string;
  unit: string;
  /** The CSV text, for the trajectories (not kept with a stored analysis). */
  data?: string;
  ranBy?: string;
  ranAt?: string;
}

/** Upload or pick a trial data set, choose the model, and read the engine's answer (the same as `muster analyze`); past analyses open again. */
export function AnalysisPage() {
  const analysis = useAnalysis();
  const runs = useApi('/api/analysis/runs');
  const [source, setSource] = useState<DataSource | null>(null);
  // A new file or data set starts a new form; saving the current one keeps the choices made.
  const [formKey, setFormKey] = useState(0);
  const [analysed, setAnalysed] = useState({ unit: '', data: '', label: '' });
  const [opened, setOpened] = useState<{ run?: StoredRun; error?: Error }>({});
  const choose = (next: DataSource, fresh: boolean) => {
    setSource(next);
    if (fresh) setFormKey((key) => key + 1);
  };
  const submit = ({ request, unit, data }: Submission) => {
    setAnalysed({ unit, data, label: source?.label ?? '' });
    setOpened({});
    void analysis.run(request);
  };
  const open = async (id: number) => {
    try {
      setOpened({ run: await api('get', '/api/analysis/runs/{id}', { path: { id } }) });
    } catch (error) {
      setOpened({ error: error as Error });
    }
  };
  // A new analysis is kept by the server: the list of past analyses shows it.
  const { reload } = runs;
  const runId = analysis.response?.runId;
  useEffect(() => {
    if (runId !== undefined) reload();
  }, [runId, reload]);

  const response = analysis.response;
  const shown: Shown | null = opened.run
    ? {
        answer: opened.run.answer,
        request: opened.run.request as Partial<AnalysisRequest>,
        dataLabel: opened.run.dataLabel,
        unit: (opened.run.request as Partial<AnalysisRequest>).rule?.unit ?? '',
        ranBy: opened.run.createdBy,
        ranAt: formatInstant(opened.run.createdAt),
      }
    : response && analysis.request && !analysis.error
      ? { answer: response, request: analysis.request, dataLabel: analysed.label, unit: analysed.unit, data: analysed.data }
      : null;
  return (
    <Page title="Analysis">
      <DataSourcePanel source={source} onSource={choose} />
      {source && <AnalysisForm key={formKey} source={source} busy={analysis.busy} onSubmit={submit} />}
      <div aria-live="polite" aria-busy={analysis.busy}>
        {analysis.error && !opened.run && <ErrorMessage error={analysis.error} />}
        {opened.error && <ErrorMessage error={opened.error} />}
        {shown && <AnalysisResults shown={shown} />}
      </div>
      <section aria-labelledby="past-heading" className="card">
        <h2 id="past-heading">Past analyses</h2>
        <Async loaded={runs}>
          {({ runs: list }) =>
            list.length === 0 ? (
              <p>No analyses yet.</p>
            ) : (
              <DataTable
                label="Past analyses"
                columns={['Analysis (open)', 'Data', 'Run by', 'When', 'Result']}
                rowKey={(i) => list[i].id}
                rows={list.map((run) => [
                  <button type="button" key="open" onClick={() => void open(run.id)}>
                    Open {run.id}: {run.model.toUpperCase()} of {run.outcome}
                  </button>,
                  run.dataLabel,
                  run.createdBy,
                  formatInstant(run.createdAt),
                  run.summary ?? '—',
                ])}
              />
            )
          }
        </Async>
      </section>
    </Page>
  );
}

/** The verdict, the charts and the numbers of one analysis, with its report to download. */
function AnalysisResults({ shown }: { shown: Shown }) {
  const { answer: response, request, unit } = shown;
  const container = useRef<HTMLDivElement>(null);
  const download = () => {
    // The charts as drawn now (SVG with its legend), so the report shows what the screen shows.
    const figures = [...(container.current?.querySelectorAll('figure.figure') ?? [])].map((figure) => ({
      title: figure.querySelector('figcaption')?.textContent?.trim() ?? '',
      html: figure.querySelector('.plot')?.innerHTML ?? '',
    }));
    const html = analysisReportHtml({ dataLabel: shown.dataLabel, request, answer: response, ranBy: shown.ranBy, ranAt: shown.ranAt, figures });
    downloadHtml(html, `analysis-${response.result.outcome}-${shown.dataLabel}.html`.replace(/[^\w.-]+/g, '-'));
  };
  return (
    <div className="results stack" ref={container}>
      <p>
        {shown.ranBy ? (
          <>
            Past analysis of <strong>{shown.dataLabel}</strong>, run by {shown.ranBy} at {shown.ranAt}.{' '}
          </>
        ) : null}
        <button type="button" onClick={download}>
          Download the report (HTML)
        </button>
      </p>
      {response.verdict && <VerdictPanel verdict={response.verdict} />}
      {/* Groups that were not randomised (units, say) support no verdict: the comparison is described instead. */}
      {!response.verdict && response.description && <ComparisonPanel description={response.description} />}
      <div className="charts">
        <LsMeansChart result={response.result} unit={unit} />
        <ForestChart response={response} unit={unit} direction={request.rule?.direction} />
        {response.result.kind === 'rbmi' && response.result.tipping_point && <TippingPointChart tipping={response.result.tipping_point} unit={unit} deltaArm={response.result.delta_arm} />}
        {response.result.kind === 'mmrm' && request.model === 'mmrm' && shown.data !== undefined && (
          <TrajectoriesChart request={request as Extract<AnalysisRequest, { model: 'mmrm' }>} data={shown.data} result={response.result} unit={unit} />
        )}
      </div>
      <ResultTables result={response.result} />
    </div>
  );
}
