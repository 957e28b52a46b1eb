import { api } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { field, useSendingForm } from './hooks.ts';
import { SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

/**
 * Supervised doses: the trainer ticks the participants of their units who took their dose in
 * front of them on a day they name; nobody is ticked and no day is chosen in advance. A dose
 * already logged that day (by the participant) is answered, not repeated. Adherence below.
 */
export function DosesPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const adherence = useApi('/api/trials/{code}/adherence', { path: { code } });
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const personIds = data.getAll('personId').map(Number);
      const date = field(data, 'date');
      const kits = new Map(adherence.data?.participants.map((p) => [p.person.id, `${p.person.designation} (kit ${p.kitCode})`]));
      return { body: { personIds, date }, sent: [['Day', date], ['Participants', personIds.map((id) => kits.get(id) ?? String(id)).join(', ')]] };
    },
    async (body) => {
      if (body.personIds.length === 0) throw new Error('personIds: tick at least one participant');
      const { doses } = await api('post', '/api/trials/{code}/doses', { path: { code }, body });
      adherence.reload();
      const added = doses.filter((d) => d.created).length;
      return `${added} supervised dose${added === 1 ? '' : 's'} recorded for ${body.date}${added < doses.length ? `; ${doses.length - added} already logged that day` : ''}.`;
    },
  );
  return (
    <Page title={`Supervised doses: ${code}`}>
      <TrialLink code={code} />
      <Async loaded={adherence}>
        {({ participants, pooled }) => {
          // Nobody doses after leaving the trial: those who left are not offered.
          const takingPart = participants.filter((p) => p.withdrawnOn === null);
          return (
            <>
              <form onSubmit={onSubmit} className="card stack" aria-labelledby="doses-heading">
                <h2 id="doses-heading">Doses taken under supervision</h2>
                <label className="narrow">
                  Day of the doses
                  <input type="date" name="date" required />
                </label>
                <fieldset>
                  <legend>Participants of your units who took their dose</legend>
                  {takingPart.length === 0 && <p>No randomised participant of your units is still in the trial.</p>}
                  {takingPart.map((p) => (
                    <label key={p.person.id} className="inline">
                      <input type="checkbox" name="personId" value={p.person.id} />
                      {p.person.designation} (kit {p.kitCode})
                    </label>
                  ))}
                </fieldset>
                {takingPart.length < participants.length && <p className="muted">{participants.length - takingPart.length} who left the trial are not listed.</p>}
                <SubmitAndSent label="Record the doses" busy={busy} sent={sent} outcome={outcome} />
              </form>
              <h2>Adherence</h2>
              <p>
                Pooled over {pooled.participants} participants: {pooled.taken} of {pooled.expected} expected doses taken{pooled.adherence !== null ? ` (${(pooled.adherence * 100).toFixed(1)}%)` : ''}.
              </p>
              <DataTable
                label="Adherence per participant"
                columns={['Participant', 'Kit', 'Taken', 'Expected', 'Adherence (%)']}
                rowKey={(i) => participants[i].person.id}
                rows={participants.map((p) => [p.person.designation, p.kitCode, p.taken, p.expected, p.adherence === null ? '—' : (p.adherence * 100).toFixed(1)])}
              />
            </>
          );
        }}
      </Async>
    </Page>
  );
}
