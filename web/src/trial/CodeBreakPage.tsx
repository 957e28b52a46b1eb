import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import { Page } from '../app/ui.tsx';
import { field, useSendingForm } from './hooks.ts';
import { chosenParticipantText, RandomisedSelect } from './RandomisedSelect.tsx';
import { ReasonField, SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

interface Broken {
  designation: string;
  kitCode: string;
  arm: string;
}

/**
 * The emergency code-break of one participant: the investigator re-enters their own password and
 * gives the reason. The arm is shown once, to them, until they hide it or leave the page; it is kept
 * nowhere in the browser, and the success line and "you sent" never hold it.
 */
export function CodeBreakPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const [broken, setBroken] = useState<Broken | null>(null);
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const body = { password: String(data.get('password') ?? ''), reason: field(data, 'reason') };
      return { body: { personId: Number(field(data, 'personId')), body }, sent: [['Participant', chosenParticipantText()], ['Password', body.password ? 're-entered' : ''], ['Reason', body.reason]] };
    },
    async ({ personId, body }) => {
      setBroken(null);
      const answer = await api('post', '/api/trials/{code}/participants/{id}/code-break', { path: { code, id: personId }, body });
      setBroken({ designation: answer.participant.designation, kitCode: answer.kitCode, arm: answer.arm });
      return `Code broken for ${answer.participant.designation} (kit ${answer.kitCode}); every investigator is notified.`;
    },
  );
  return (
    <Page title={`Emergency code-break: ${code}`}>
      <TrialLink code={code} />
      {broken && <Revealed broken={broken} onHide={() => setBroken(null)} />}
      <form onSubmit={onSubmit} className="card stack" aria-label="Break the code of one participant">
        <p className="muted">
          For a medical emergency only, when treating the participant depends on what they took. The break is recorded with your reason and every investigator is notified; the record never holds the arm.
        </p>
        <RandomisedSelect code={code} label="Participant" />
        <label className="narrow">
          Your password (re-enter it to confirm it is you)
          <input type="password" name="password" required autoComplete="current-password" />
        </label>
        <ReasonField label="The emergency (kept in the audit trail)" />
        <SubmitAndSent label="Break the code" busy={busy} sent={sent} outcome={outcome} />
      </form>
    </Page>
  );
}

/** The arm, once: focused so it is read at once, and gone when hidden. */
function Revealed({ broken, onHide }: { broken: Broken; onHide: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card stack" aria-labelledby="revealed-heading">
      <h2 id="revealed-heading" ref={heading} tabIndex={-1}>
        {broken.designation} (kit {broken.kitCode}) received: {broken.arm}
      </h2>
      <p className="muted">Shown to you this once: it leaves the page when you hide it or go elsewhere.</p>
      <div>
        <button type="button" onClick={onHide}>
          I have noted it: hide the arm
        </button>
      </div>
    </section>
  );
}
