import { api } from '../api/client.ts';
import { Page } from '../app/ui.tsx';
import { field, useSendingForm } from './hooks.ts';
import { chosenParticipantText, RandomisedSelect } from './RandomisedSelect.tsx';
import { Choice, ReasonField, SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

const kinds = [
  ['lost-to-follow-up', 'Lost to follow-up (no longer reachable)'],
  ['discontinued', 'Discontinued the intervention'],
] as const;

/** The investigator records the ways out of the trial other than a participant's own withdrawal; dosing stops today. */
export function LeavingPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const body = { kind: field(data, 'kind') as (typeof kinds)[number][0], reason: field(data, 'reason'), dataMayBeUsed: field(data, 'dataMayBeUsed') === 'yes' };
      return {
        body: { personId: Number(field(data, 'personId')), body },
        sent: [['Participant', chosenParticipantText()], ['How they left', body.kind], ['Reason', body.reason], ['The data already collected may be used', body.dataMayBeUsed ? 'yes' : 'no']],
      };
    },
    async ({ personId, body }) => {
      const withdrawal = await api('post', '/api/trials/{code}/participants/{id}/withdrawal', { path: { code, id: personId }, body });
      return `Recorded: ${withdrawal.kind.replace(/-/g, ' ')} on ${withdrawal.withdrawnOn}; dosing stops.`;
    },
  );
  return (
    <Page title={`Lost to follow-up or discontinued: ${code}`}>
      <TrialLink code={code} />
      <form onSubmit={onSubmit} className="card stack" aria-label="Record that a participant left the trial">
        <p className="muted">A participant who withdraws themselves does so in their own login. Once recorded, it cannot be recorded again.</p>
        <RandomisedSelect code={code} label="Participant" takingPart />
        <Choice legend="How they left" name="kind" options={kinds} />
        <Choice legend="May the data already collected be used?" name="dataMayBeUsed" options={[['yes', 'Yes, it may be used'], ['no', 'No, set it aside']]} />
        <ReasonField />
        <SubmitAndSent label="Record it" busy={busy} sent={sent} outcome={outcome} />
      </form>
    </Page>
  );
}
