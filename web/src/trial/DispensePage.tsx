import { api } from '../api/client.ts';
import { Page } from '../app/ui.tsx';
import { field, useSendingForm } from './hooks.ts';
import { chosenParticipantText, RandomisedSelect } from './RandomisedSelect.tsx';
import { SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

/**
 * Dispensing a randomised participant's kit: the kit code is always their allocation's, so the form
 * asks only what is on the box and the day it was handed over. Every field starts empty.
 */
export function DispensePage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const reason = field(data, 'reason');
      const kit = { lot: field(data, 'lot'), expiry: field(data, 'expiry'), doses: Number(field(data, 'doses')), dispensedOn: field(data, 'dispensedOn'), ...(reason && { reason }) };
      return {
        body: { personId: Number(field(data, 'personId')), kit },
        sent: [
          ['Participant', chosenParticipantText()],
          ['Lot', kit.lot],
          ['Expiry', kit.expiry],
          ['Doses in the kit', field(data, 'doses')],
          ['Dispensed on', kit.dispensedOn],
          ['Note', reason],
        ],
      };
    },
    async ({ personId, kit }) => {
      const dispensed = await api('post', '/api/trials/{code}/participants/{id}/dispensings', { path: { code, id: personId }, body: kit });
      return `Kit ${dispensed.kitCode} dispensed on ${dispensed.dispensedOn}: lot ${dispensed.lot}, ${dispensed.doses} doses, expires ${dispensed.expiry}.`;
    },
  );
  return (
    <Page title={`Dispense a kit: ${code}`}>
      <TrialLink code={code} />
      <form onSubmit={onSubmit} className="card stack" aria-label="Dispense a kit">
        <p className="muted">The kit handed over must carry the participant&rsquo;s kit code; a lot past its expiry is refused.</p>
        <RandomisedSelect code={code} label="Participant" takingPart />
        <label className="narrow">
          Lot
          <input name="lot" required maxLength={100} autoComplete="off" />
        </label>
        <label className="narrow">
          Expiry (on the box)
          <input type="date" name="expiry" required />
        </label>
        <label className="narrow">
          Doses in the kit
          <input type="number" name="doses" required min={1} max={1000} step={1} inputMode="numeric" />
        </label>
        <label className="narrow">
          Day it was handed over
          <input type="date" name="dispensedOn" required />
        </label>
        <label>
          Note (optional; kept in the audit trail)
          <textarea name="reason" maxLength={2000} rows={2} />
        </label>
        <SubmitAndSent label="Record the kit dispensed" busy={busy} sent={sent} outcome={outcome} />
      </form>
    </Page>
  );
}
