import { api, type ResponseOf } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Facts, formatInstant, Page } from '../app/ui.tsx';
import type { AnalysisResponse, AnalysisResult } from '../analysis/hooks.ts';
import { ResultTables } from '../analysis/ResultTables.tsx';
import { VerdictPanel } from '../analysis/VerdictPanel.tsx';
import { fixed } from '../charts/PlotFigure.tsx';
import { field, useOffers, useSendingForm } from './hooks.ts';
import { ReasonField, SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

type StoredAnalysis = ResponseOf<'/api/trials/{code}/analyses'>['analyses'][number];

/**
 * The protocol's primary analysis as stored: the newest first, with the protocol version and the
 * data set's SHA-256 it followed; the verdict and the fit only for those who see arms, the pooled
 * means for blinded readers until unblinding.
 */
export function TrialAnalysisPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const analyses = useApi('/api/trials/{code}/analyses', { path: { code } });
  const mayRun = useOffers('/trials/:code/analysis/run');
  return (
    <Page title={`Analysis: ${code}`} actions={mayRun ? <Link to={`/trials/${encodeURIComponent(code)}/analysis/run`}>Run the protocol&rsquo;s analysis</Link> : undefined}>
      <TrialLink code={code} />
      <Async loaded={analyses}>
        {({ analyses: list }) => (list.length === 0 ? <p>The protocol&rsquo;s analysis has not been run yet.</p> : <StoredAnalysisView analysis={list[0]} older={list.length - 1} />)}
      </Async>
    </Page>
  );
}

export function StoredAnalysisView({ analysis, older = 0 }: { analysis: StoredAnalysis; older?: number }) {
  return (
    <section aria-labelledby={`analysis-${analysis.id}`} className="stack">
      <h2 id={`analysis-${analysis.id}`}>Analysis {analysis.id}</h2>
      <Facts
        items={[
          ['Run', `${formatInstant(analysis.createdAt)} by ${analysis.createdBy}`],
          ['Protocol version', `${analysis.protocolVersion} (SHA-256 ${analysis.protocolSha256})`],
          ['Data set SHA-256', analysis.datasetSha256],
          ['Subjects', String(analysis.pooled.n_subjects)],
          ...(older > 0 ? [['Earlier runs', String(older)] as const] : []),
        ]}
      />
      {/* The stored verdict and fit are the statistics engine's own shapes, as the analysis screen shows them. */}
      {analysis.verdict ? <VerdictPanel verdict={analysis.verdict as NonNullable<AnalysisResponse['verdict']>} /> : <p className="card">Blinded: the verdict and the comparison of arms are shown once the trial is unblinded. The means below are pooled over the arms.</p>}
      <h3>Means pooled over the arms</h3>
      <DataTable
        label="Pooled means by visit"
        columns={['Visit', 'Participants', 'Mean']}
        rows={[...(analysis.pooled.baseline ? [['baseline', analysis.pooled.baseline.n, analysis.pooled.baseline.mean === null ? '—' : fixed(analysis.pooled.baseline.mean)] as const] : []), ...analysis.pooled.visits.map((v) => [v.visit, v.n, v.mean === null ? '—' : fixed(v.mean)] as const)]}
      />
      {analysis.analysis !== undefined && <ResultTables result={analysis.analysis as AnalysisResult} />}
    </section>
  );
}

/** The statistician runs the protocol's analysis on the data as they stand, with the reason it is run now. */
export function RunAnalysisPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const reason = field(data, 'reason');
      return { body: { reason }, sent: [['Reason', reason]] };
    },
    async (body) => {
      const analysis = await api('post', '/api/trials/{code}/analyses', { path: { code }, body });
      const verdict = analysis.verdict as { sentence?: string } | undefined;
      return `Analysis ${analysis.id} stored${verdict?.sentence ? `: ${verdict.sentence}` : '.'}`;
    },
  );
  return (
    <Page title={`Run the analysis: ${code}`}>
      <p>
        <Link to={`/trials/${encodeURIComponent(code)}/analysis`}>Stored analyses of {code}</Link>
      </p>
      <form onSubmit={onSubmit} className="card stack" aria-label="Run the protocol's analysis">
        <p>The protocol fixes the data set, the model and the decision rule; the result is stored with the protocol version and the data set&rsquo;s SHA-256.</p>
        <ReasonField label="Why run it now (kept in the audit trail)" />
        <SubmitAndSent label="Run the analysis" busy={busy} sent={sent} outcome={outcome} />
      </form>
    </Page>
  );
}
