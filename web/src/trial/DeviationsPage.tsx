import { api } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, formatInstant, Page } from '../app/ui.tsx';
import { field, useOffers, useSendingForm } from './hooks.ts';
import { chosenParticipantText, RandomisedSelect } from './RandomisedSelect.tsx';
import { ReasonField, SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

/** Protocol deviations, recorded by hand and found in the record by Muster (visit windows, missed doses). */
export function DeviationsPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const deviations = useApi('/api/trials/{code}/deviations', { path: { code } });
  const mayRecord = useOffers('/trials/:code/deviations/new');
  return (
    <Page title={`Deviations: ${code}`} actions={mayRecord ? <Link to={`/trials/${encodeURIComponent(code)}/deviations/new`}>Record a deviation</Link> : undefined}>
      <TrialLink code={code} />
      <Async loaded={deviations}>
        {({ deviations: list }) => (
          <>
            <p className="muted">
              {list.length} deviations, {list.filter((d) => d.detected).length} found in the record by Muster.
            </p>
            <DataTable
              label="Protocol deviations"
              stacked
              columns={['Participant', 'Kit', 'Kind', 'Description', 'Occurred', 'Found by', 'Recorded']}
              rowKey={(i) => list[i].id}
              rows={list.map((d) => [d.person?.designation ?? 'the trial', d.person?.kitCode ?? '—', d.kind, d.description, d.occurredOn, d.detected ? 'Muster' : d.recordedBy, formatInstant(d.recordedAt)])}
            />
          </>
        )}
      </Async>
    </Page>
  );
}

export function RecordDeviationPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const personId = field(data, 'personId');
      const body = { ...(personId && { personId: Number(personId) }), kind: field(data, 'kind'), description: field(data, 'description'), occurredOn: field(data, 'occurredOn'), reason: field(data, 'reason') };
      return {
        body,
        sent: [
          ['Participant', personId ? chosenParticipantText() : 'the trial as a whole'],
          ['Kind', body.kind],
          ['Description', body.description],
          ['Occurred', body.occurredOn],
          ['Reason', body.reason],
        ],
      };
    },
    async (body) => {
      const deviation = await api('post', '/api/trials/{code}/deviations', { path: { code }, body });
      return `Deviation ${deviation.id} recorded.`;
    },
  );
  return (
    <Page title={`Record a deviation: ${code}`}>
      <p>
        <Link to={`/trials/${encodeURIComponent(code)}/deviations`}>Deviations of {code}</Link>
      </p>
      <form onSubmit={onSubmit} className="card stack" aria-label="Record a protocol deviation">
        <RandomisedSelect code={code} label="Participant (optional)" required={false} />
        <label>
          Kind (e.g. wrong kit dispensed)
          <input name="kind" required maxLength={100} />
        </label>
        <label>
          Description
          <textarea name="description" required maxLength={2000} rows={3} />
        </label>
        <label className="narrow">
          Day it occurred
          <input type="date" name="occurredOn" required />
        </label>
        <ReasonField />
        <SubmitAndSent label="Record the deviation" busy={busy} sent={sent} outcome={outcome} />
      </form>
    </Page>
  );
}
