import { api, type ResponseOf } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Facts, formatInstant, Page } from '../app/ui.tsx';
import type { AnalysisResponse, AnalysisResult, RbmiResult } from '../analysis/hooks.ts';
import { ResultTables } from '../analysis/ResultTables.tsx';
import { TippingPointChart } from '../analysis/TippingPointChart.tsx';
import { VerdictPanel } from '../analysis/VerdictPanel.tsx';
import { fixed } from '../charts/PlotFigure.tsx';
import { field, useOffers, useSendingForm } from './hooks.ts';
import { ReasonField, SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

type StoredAnalysis = ResponseOf<'/api/trials/{code}/analyses'>['analyses'][number];
type Estimand = NonNullable<StoredAnalysis['estimand']>;
type Sensitivity = NonNullable<StoredAnalysis['sensitivity']>[number];

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
          ['Protocol version', <span className="digest">{`${analysis.protocolVersion} (SHA-256 ${analysis.protocolSha256})`}</span>],
          ['Data set SHA-256', <span className="digest">{analysis.datasetSha256}</span>],
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
      {analysis.estimand && <EstimandPanel estimand={analysis.estimand} />}
      {analysis.analysis !== undefined && (
        <>
          <h3>Primary analysis</h3>
          <ResultTables result={analysis.analysis as AnalysisResult} />
        </>
      )}
      {analysis.sensitivity && analysis.sensitivity.length > 0 && <SensitivityPanel runs={analysis.sensitivity} />}
    </section>
  );
}

const eventNames: Record<Estimand['intercurrent_events'][number]['event'], string> = {
  withdrew: 'Withdrawal',
  'lost-to-follow-up': 'Loss to follow-up',
  discontinued: 'Discontinuation of the supplement',
};

/** What the trial estimates (ICH E9(R1)): population, outcome, each intercurrent event with its strategy, summary measure. */
function EstimandPanel({ estimand }: { estimand: Estimand }) {
  return (
    <section aria-labelledby="estimand-heading" className="card stack">
      <h3 id="estimand-heading">Estimand</h3>
      <Facts
        items={[
          ['Population', estimand.population],
          ['Outcome', estimand.variable],
          ['Summary measure', estimand.summary_measure],
        ]}
      />
      <DataTable
        label="Intercurrent events and their strategies"
        columns={['Intercurrent event', 'Strategy', 'Imputation', 'Participants with it']}
        rows={estimand.intercurrent_events.map((ice) => [
          eventNames[ice.event],
          `${ice.strategy.replaceAll('-', ' ')}${ice.description ? `: ${ice.description}` : ''}`,
          ice.imputation ?? '—',
          ice.participants,
        ])}
      />
    </section>
  );
}

/** The last visit's contrast of a sensitivity analysis, as numbers. */
function lastContrast(run: Sensitivity): string {
  const result = run.analysis as AnalysisResult | null;
  if (result === null || result.kind === 'ancova') return '—';
  const contrast = result.contrasts.at(-1);
  if (!contrast) return '—';
  const p = contrast.p < 0.001 ? '< 0.001' : contrast.p.toFixed(3);
  return `${contrast.contrast} at ${contrast.visit}: ${fixed(contrast.estimate)} (95% CI ${fixed(contrast.lower)} to ${fixed(contrast.upper)}), p ${p}`;
}

const methodOf = (run: Sensitivity) =>
  run.command.kind === 'rbmi'
    ? `reference-based imputation, ${run.command.strategy}${run.command.delta ? `, delta ${run.command.delta}` : ''}${run.command['tipping-point'] ? ', tipping point' : ''}`
    : `MMRM${run.command.ddfm ? `, ${run.command.ddfm} df` : ''}${run.command.vcov ? `, ${run.command.vcov} covariance` : ''}`;

/** Each sensitivity analysis: its method, its result at the last visit and its verdict; the tipping-point plot where there is one. */
function SensitivityPanel({ runs }: { runs: readonly Sensitivity[] }) {
  const tipping = runs.flatMap((run) => {
    const result = run.analysis as RbmiResult | null;
    return result?.kind === 'rbmi' && result.tipping_point ? [{ run, result, tipping: result.tipping_point }] : [];
  });
  return (
    <section aria-labelledby="sensitivity-heading" className="stack">
      <h3 id="sensitivity-heading">Sensitivity analyses</h3>
      {runs.map((run, k) => (
        <section key={run.name} aria-labelledby={`sensitivity-${k}`} className="card">
          <h4 id={`sensitivity-${k}`}>{run.name}</h4>
          <Facts
            items={[
              ['Method', methodOf(run)],
              ['Result', run.error ? `not run: ${run.error}` : lastContrast(run)],
              ['Verdict', run.verdict?.sentence ?? '—'],
            ]}
          />
        </section>
      ))}
      {tipping.map(({ run, result, tipping: point }) => (
        <TippingPointChart key={run.name} tipping={point} unit="" deltaArm={result.delta_arm} />
      ))}
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
