import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { TrialLink } from './TrialLink.tsx';

const percent = (share: number | null) => (share === null ? '—' : (share * 100).toFixed(1));

/** Adherence across the trial: each randomised participant you may see, pooled over them, and per arm only when the server sends arms (seesArms). */
export function AdherencePage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const adherence = useApi('/api/trials/{code}/adherence', { path: { code } });
  return (
    <Page title={`Adherence: ${code}`}>
      <TrialLink code={code} />
      <Async loaded={adherence}>
        {({ participants, arms, pooled }) => (
          <>
            <p className="muted">One dose a day is expected from the first kit to the last visit&rsquo;s day, or the day a participant left.</p>
            <DataTable
              label="Adherence pooled"
              columns={['', 'Participants', 'Taken', 'Expected', 'Missed', 'Adherence (%)', 'Mean of participants (%)']}
              rows={[...(arms ?? []).map((a) => [a.arm, a.participants, a.taken, a.expected, a.missed, percent(a.adherence), percent(a.meanOfParticipants)]), [arms ? 'All arms' : 'All arms (pooled; blinded)', pooled.participants, pooled.taken, pooled.expected, pooled.missed, percent(pooled.adherence), percent(pooled.meanOfParticipants)]]}
            />
            <h2>Participants</h2>
            <DataTable
              label="Adherence per participant"
              columns={['Participant', 'Kit', ...(arms ? ['Arm'] : []), 'First kit', 'Left the trial', 'Taken', 'Expected', 'Missed', 'Adherence (%)']}
              rowKey={(i) => participants[i].person.id}
              rows={participants.map((p) => [p.person.designation, p.kitCode, ...(arms ? [p.arm ?? '—'] : []), p.dispensedOn ?? 'no kit yet', p.withdrawnOn ?? '—', p.taken, p.expected, p.missed, percent(p.adherence)])}
            />
          </>
        )}
      </Async>
    </Page>
  );
}
