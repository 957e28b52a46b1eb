import { api, type BodyOf } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { Page } from '../app/ui.tsx';
import { field, useSendingForm } from './hooks.ts';
import { SubmitAndSent } from './Sending.tsx';

type Protocol = BodyOf<'/api/trials', 'post'>;

/** Reads the protocol the investigator typed; a text that is not JSON is refused here, in words, before anything is sent. */
export function parseProtocol(text: string): Protocol {
  try {
    return JSON.parse(text) as Protocol;
  } catch (error) {
    throw new Error(`protocol: not JSON (${(error as Error).message})`, { cause: error });
  }
}

/**
 * A new trial in draft from its protocol, one JSON document (docs/trial.md: arms, blinding,
 * stratification, randomisation, visits, eligibility, outcomes, decision rule). The server checks it
 * and names the field at fault; nothing is filled in for the investigator.
 */
export function NewTrialPage() {
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const text = field(data, 'protocol');
      return { body: text, sent: [['Protocol', `${text.length.toLocaleString()} characters of JSON`]] };
    },
    async (text) => {
      const trial = await api('post', '/api/trials', { body: parseProtocol(text) });
      return `Created ${trial.code}, version ${trial.version}, a draft (protocol SHA-256 ${trial.sha256}).`;
    },
  );
  return (
    <Page title="New trial">
      <form onSubmit={onSubmit} className="card stack" aria-labelledby="protocol-heading">
        <h2 id="protocol-heading">The protocol</h2>
        <p className="muted">
          One JSON document: code, title, arms (label, description, ratio), control arm, blinding, stratification factors, randomisation, visits, eligibility, outcomes and the decision rule. A draft may be edited until it is locked.
        </p>
        <label>
          Protocol (JSON)
          <textarea name="protocol" required rows={16} spellCheck={false} />
        </label>
        <SubmitAndSent label="Create the draft" busy={busy} sent={sent} outcome={outcome} />
      </form>
      <p>
        <Link to="/trials">All trials</Link>
      </p>
    </Page>
  );
}
