import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Facts, formatInstant, Page } from '../app/ui.tsx';
import type { ResponseOf } from '../api/client.ts';
import { useTrial, useTrialTasks } from './hooks.ts';

type Trial = ResponseOf<'/api/trials/{code}'>;

/**
 * The protocol's own page, open to everyone signed in: it describes the arms (never who got
 * which), the visits, eligibility, the outcome and decision rule, the published hashes, and the
 * consent documents; then the tasks the signed-in roles have in this trial.
 */
export function TrialPage({ params }: { params: Record<string, string> }) {
  const trial = useTrial(params.code);
  const tasks = useTrialTasks(params.code);
  return (
    <Page title={`Trial ${params.code}`}>
      {tasks.length > 0 && (
        <nav aria-label="This trial's tasks">
          <ul className="cards">
            {tasks.map((task) => (
              <li key={task.path} className="card">
                <Link to={task.path}>{task.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <Async loaded={trial}>{(t) => <Protocol trial={t} />}</Async>
      <ConsentDocuments code={params.code} />
    </Page>
  );
}

export function Protocol({ trial }: { trial: Trial }) {
  const { protocol } = trial;
  const primary = protocol.outcomes.primary;
  const rule = protocol.decisionRule;
  return (
    <>
      <h2>{trial.title}</h2>
      <Facts
        items={[
          ['Status', trial.status],
          ['Blinding', trial.blinding],
          ['Protocol version', String(trial.version)],
          ['Protocol SHA-256', <code key="sha">{trial.sha256}</code>],
          ['Seed commitment (SHA-256 of the seed)', trial.seedCommitment ? <code key="commitment">{trial.seedCommitment}</code> : 'drawn when the protocol is locked'],
          ['Seed', trial.seed ? <code key="seed">{trial.seed}</code> : 'revealed at unblinding'],
          ['Locked', trial.lockedAt ? formatInstant(trial.lockedAt) : 'not yet'],
        ]}
      />
      <h3>Arms</h3>
      <DataTable label="Arms" columns={['Arm', 'Description', 'Ratio']} rows={protocol.arms.map((a) => [a.label + (a.label === protocol.controlArm ? ' (control)' : ''), a.description, a.ratio])} />
      <h3>Randomisation</h3>
      <p>
        {protocol.randomisation.method === 'permuted-blocks'
          ? `Permuted blocks of randomly chosen sizes (multipliers ${protocol.randomisation.blockSizeMultipliers.join(', ')})`
          : `Minimisation with a biased coin (probability ${protocol.randomisation.probability}, ${protocol.randomisation.imbalance} imbalance)`}
        , stratified by {protocol.stratificationFactors.join(' and ') || 'nothing'}.
      </p>
      <h3>Visits</h3>
      <DataTable
        label="Visit schedule"
        columns={['Visit', 'Day', 'Window (days before, after)', 'Assessments']}
        rows={protocol.visits.map((v) => [v.name, v.day, `${v.windowBefore}, ${v.windowAfter}`, v.assessments.join(', ')])}
      />
      <h3>Eligibility</h3>
      <DataTable label="Eligibility criteria" columns={['Criterion', 'Kind', 'Text']} rows={protocol.eligibility.map((c) => [c.id, c.kind, c.text])} />
      <h3>Primary outcome and decision rule</h3>
      <Facts
        items={[
          ['Outcome', `${primary.measurement} at ${primary.visit}`],
          ['Analysis', primary.analysis === 'mmrm' ? `MMRM (${primary.covariance} covariance, ${primary.method.toUpperCase()})` : 'ANCOVA'],
          ['Covariates', primary.covariates.join(', ') || 'none'],
          ['Decision rule', `${rule.hypothesis}: ${rule.arm} ${rule.direction} than control on ${rule.outcome}, margin ${rule.margin}, ${rule.confidence * 100}% confidence`],
        ]}
      />
    </>
  );
}

function ConsentDocuments({ code }: { code: string }) {
  const documents = useApi('/api/trials/{code}/consent-documents', { path: { code } });
  return (
    <section aria-labelledby="consent-heading">
      <h2 id="consent-heading">Consent documents</h2>
      <Async loaded={documents}>
        {({ documents: list }) =>
          list.length === 0 ? (
            <p>No consent document yet.</p>
          ) : (
            <>
              {list.map((d) => (
                <article key={d.version} className="card">
                  <h3>
                    Version {d.version}: {d.title}
                  </h3>
                  <p>{d.body}</p>
                  <p className="muted">
                    {formatInstant(d.createdAt)} · SHA-256 <code>{d.sha256}</code>
                  </p>
                </article>
              ))}
            </>
          )
        }
      </Async>
    </section>
  );
}
