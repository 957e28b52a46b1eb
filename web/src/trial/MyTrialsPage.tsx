import { api, type ResponseOf } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Facts, formatInstant, Page } from '../app/ui.tsx';
import { field, useSendingForm } from './hooks.ts';
import { Choice, ReasonField, SubmitAndSent } from './Sending.tsx';

type MyTrial = ResponseOf<'/api/me/trials'>['trials'][number];

/**
 * The participant's trials: the consent document to read and the decision to give or refuse, their
 * kit (never the arm while blinded), their visits with due days and windows, their doses (log
 * today's or a missed day's) and adherence, and withdrawal at any time.
 */
export function MyTrialsPage() {
  const trials = useApi('/api/me/trials');
  return (
    <Page title="My trials">
      <Async loaded={trials}>
        {({ trials: list }) =>
          list.length === 0 ? <p>You are not taking part in a trial.</p> : list.map((trial) => <MyTrialSection key={trial.code} trial={trial} onChange={trials.reload} />)
        }
      </Async>
    </Page>
  );
}

function MyTrialSection({ trial, onChange }: { trial: MyTrial; onChange: () => void }) {
  const taking = trial.kit !== null && trial.withdrawal === null;
  return (
    <section aria-labelledby={`trial-${trial.code}`} className="stack">
      <h2 id={`trial-${trial.code}`}>
        {trial.code}: {trial.title}
      </h2>
      <Facts
        items={[
          ['Trial status', trial.status],
          ['Your consent', trial.consent ? `${trial.consent.decision} (document version ${trial.consent.documentVersion}, ${formatInstant(trial.consent.at)})` : 'not yet given'],
          ['Screening', trial.screening ? (trial.screening.eligible ? 'eligible' : 'not eligible') : 'not yet'],
          ['Your kit', trial.kit ? `${trial.kit.kitCode}, from ${trial.kit.randomisedOn}` : 'not randomised'],
          ...(trial.kit?.arm ? [['Your arm', trial.kit.arm] as const] : []),
          ['Adherence', trial.adherence?.adherence != null ? `${trial.adherence.taken} of ${trial.adherence.expected} doses (${(trial.adherence.adherence * 100).toFixed(0)}%)` : '—'],
          ['Withdrawn', trial.withdrawal ? `${trial.withdrawal.withdrawnOn}: ${trial.withdrawal.reason}` : 'no'],
        ]}
      />
      <p>
        <Link to={`/trials/${encodeURIComponent(trial.code)}`}>Read the protocol and the consent document</Link>
      </p>
      {trial.visits.length > 0 && (
        <DataTable
          label={`My visits in ${trial.code}`}
          columns={['Visit', 'Due', 'Window', 'Assessments']}
          rows={trial.visits.map((v) => [v.name, v.due, `${v.earliest} to ${v.latest}`, v.assessments.join(', ')])}
        />
      )}
      <div className="columns">
        {trial.withdrawal === null && <Consent trial={trial} onChange={onChange} />}
        {taking && <LogDose trial={trial} onChange={onChange} />}
        {trial.withdrawal === null && (trial.kit !== null || trial.consent?.decision === 'given') && <Withdraw trial={trial} onChange={onChange} />}
      </div>
      {trial.doses.length > 0 && (
        <details>
          <summary>My doses ({trial.doses.length})</summary>
          <DataTable label={`My doses in ${trial.code}`} columns={['Day', 'Logged']} rows={[...trial.doses].reverse().map((d) => [d.date, d.source === 'self' ? 'by me' : 'supervised'])} />
        </details>
      )}
    </section>
  );
}

function Consent({ trial, onChange }: { trial: MyTrial; onChange: () => void }) {
  const documents = useApi('/api/trials/{code}/consent-documents', { path: { code: trial.code } });
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const body = { documentVersion: Number(field(data, 'documentVersion')), decision: field(data, 'decision') as 'given' | 'refused' };
      return { body, sent: [['Document version', String(body.documentVersion)], ['Decision', body.decision]] };
    },
    async (body) => {
      const answer = await api('put', '/api/me/trials/{code}/consent', { path: { code: trial.code }, body });
      onChange();
      return `Recorded: you ${answer.decision === 'given' ? 'gave' : 'refused'} consent to version ${answer.documentVersion}.`;
    },
  );
  return (
    <Async loaded={documents}>
      {({ documents: list }) => {
        const newest = list.at(-1);
        if (!newest) return null;
        if (trial.consent?.documentVersion === newest.version)
          return (
            <details className="card">
              <summary>
                You {trial.consent.decision === 'given' ? 'gave' : 'refused'} consent to version {newest.version}: read it again
              </summary>
              <h3>{newest.title}</h3>
              <p>{newest.body}</p>
            </details>
          );
        return (
          <form onSubmit={onSubmit} className="card stack" aria-labelledby={`consent-${trial.code}`}>
            <h3 id={`consent-${trial.code}`}>Consent: {newest.title}</h3>
            <p>{newest.body}</p>
            <input type="hidden" name="documentVersion" value={newest.version} />
            <Choice legend={`Having read version ${newest.version}, your decision`} name="decision" options={[['given', 'I give my consent'], ['refused', 'I refuse']]} />
            <SubmitAndSent label="Send my decision" busy={busy} sent={sent} outcome={outcome} />
          </form>
        );
      }}
    </Async>
  );
}

function LogDose({ trial, onChange }: { trial: MyTrial; onChange: () => void }) {
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const date = field(data, 'date');
      return { body: date, sent: [['Day of the dose', date]] };
    },
    async (date) => {
      const answer = await api('put', '/api/me/trials/{code}/doses/{date}', { path: { code: trial.code, date } });
      onChange();
      return answer.created ? `Dose of ${answer.dose.date} logged (kit ${answer.dose.kitCode}).` : `The dose of ${answer.dose.date} was already logged (${answer.dose.source}).`;
    },
  );
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby={`dose-${trial.code}`}>
      <h3 id={`dose-${trial.code}`}>Log a dose</h3>
      <label>
        Day you took it
        <input type="date" name="date" required />
      </label>
      <SubmitAndSent label="Log the dose" busy={busy} sent={sent} outcome={outcome} />
    </form>
  );
}

function Withdraw({ trial, onChange }: { trial: MyTrial; onChange: () => void }) {
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const body = { reason: field(data, 'reason'), dataMayBeUsed: field(data, 'dataMayBeUsed') === 'yes' };
      return { body, sent: [['Reason', body.reason], ['The data already collected may be used', body.dataMayBeUsed ? 'yes' : 'no']] };
    },
    async (body) => {
      const withdrawal = await api('post', '/api/me/trials/{code}/withdraw', { path: { code: trial.code }, body });
      onChange();
      return `You left ${trial.code} on ${withdrawal.withdrawnOn}.`;
    },
  );
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby={`withdraw-${trial.code}`}>
      <h3 id={`withdraw-${trial.code}`}>Withdraw from the trial</h3>
      <p className="muted">You may leave at any time. Say why in your own words, and whether the data already collected may be used; dosing stops today.</p>
      <ReasonField label="In your words, why (kept in the audit trail)" />
      <Choice legend="May the data already collected be used?" name="dataMayBeUsed" options={[['yes', 'Yes, it may be used'], ['no', 'No, set it aside']]} />
      <SubmitAndSent label="Withdraw" busy={busy} sent={sent} outcome={outcome} />
    </form>
  );
}
