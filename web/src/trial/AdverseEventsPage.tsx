import { api } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { field, useOffers, useSendingForm } from './hooks.ts';
import { chosenParticipantText, RandomisedSelect } from './RandomisedSelect.tsx';
import { Choice, SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

const grades = [
  ['1', '1 mild'],
  ['2', '2 moderate'],
  ['3', '3 severe'],
  ['4', '4 life-threatening'],
  ['5', '5 death'],
] as const;
const relatedness = ['not', 'unlikely', 'possibly', 'probably', 'definitely'] as const;
const outcomes = ['recovered', 'recovering', 'not-recovered', 'recovered-with-sequelae', 'fatal', 'unknown'] as const;

/** Adverse events of the participants you may see, newest onset first, with counts per arm for those who see arms, pooled otherwise. */
export function AdverseEventsPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const events = useApi('/api/trials/{code}/adverse-events', { path: { code } });
  const mayReport = useOffers('/trials/:code/adverse-events/new');
  return (
    <Page title={`Adverse events: ${code}`} actions={mayReport ? <Link to={`/trials/${encodeURIComponent(code)}/adverse-events/new`}>Report an adverse event</Link> : undefined}>
      <TrialLink code={code} />
      <Async loaded={events}>
        {(answer) => (
          <>
            <DataTable
              label="Adverse event counts"
              columns={['', 'Events', 'Serious', 'Participants']}
              rows={[...(answer.arms ?? []).map((a) => [a.arm, a.events, a.serious, a.participants]), ['All arms' + (answer.arms ? '' : ' (pooled; blinded)'), answer.pooled.events, answer.pooled.serious, answer.pooled.participants]]}
            />
            <h2>Events</h2>
            <DataTable
              label="Adverse events"
              stacked
              columns={['Participant', 'Kit', ...(answer.arms ? ['Arm'] : []), 'Onset', 'Description', 'Grade', 'Serious', 'Related', 'Outcome', 'Reported by']}
              rowKey={(i) => answer.events[i].id}
              rows={answer.events.map((e) => [e.person.designation, e.kitCode, ...(answer.arms ? [e.arm ?? '—'] : []), e.onset, e.description, e.severity, e.serious ? 'serious' : 'no', e.relatedness, e.outcome, e.reportedBy])}
            />
          </>
        )}
      </Async>
    </Page>
  );
}

/** Reports an adverse event; a serious one notifies every investigator at once. Every field is the reporter's own choice. */
export function ReportAdverseEventPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const body = {
        personId: Number(field(data, 'personId')),
        description: field(data, 'description'),
        onset: field(data, 'onset'),
        severity: Number(field(data, 'severity')),
        serious: field(data, 'serious') === 'yes',
        relatedness: field(data, 'relatedness') as (typeof relatedness)[number],
        outcome: field(data, 'outcome') as (typeof outcomes)[number],
      };
      return {
        body,
        sent: [
          ['Participant', chosenParticipantText()],
          ['Description', body.description],
          ['Onset', body.onset],
          ['Grade', String(body.severity)],
          ['Serious', body.serious ? 'yes' : 'no'],
          ['Related to the intervention', body.relatedness],
          ['Outcome', body.outcome],
        ],
      };
    },
    async (body) => {
      const event = await api('post', '/api/trials/{code}/adverse-events', { path: { code }, body });
      return `Adverse event ${event.id} reported for ${event.person.designation} (kit ${event.kitCode})${event.serious ? '; the investigators are notified' : ''}.`;
    },
  );
  return (
    <Page title={`Report an adverse event: ${code}`}>
      <p>
        <Link to={`/trials/${encodeURIComponent(code)}/adverse-events`}>Adverse events of {code}</Link>
      </p>
      <form onSubmit={onSubmit} className="card stack" aria-label="Report an adverse event">
        <RandomisedSelect code={code} label="Participant" />
        <label>
          What happened
          <textarea name="description" required maxLength={2000} rows={3} />
        </label>
        <label className="narrow">
          Onset (day)
          <input type="date" name="onset" required />
        </label>
        <Choice legend="Severity (CTCAE grade)" name="severity" options={grades} />
        <Choice legend="Serious (ICH E2A: death, life-threatening, hospitalisation, persistent disability, congenital anomaly, other important medical event)" name="serious" options={[['yes', 'Serious'], ['no', 'Not serious']]} />
        <Choice legend="Related to the intervention" name="relatedness" options={relatedness.map((r) => [r, r])} />
        <Choice legend="Outcome" name="outcome" options={outcomes.map((o) => [o, o.replace(/-/g, ' ')])} />
        <SubmitAndSent label="Report the adverse event" busy={busy} sent={sent} outcome={outcome} />
      </form>
    </Page>
  );
}
