import { api } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, formatInstant, Page } from '../app/ui.tsx';
import { parseProtocol } from './NewTrialPage.tsx';
import { field, useSendingForm, useTrial } from './hooks.ts';
import { ReasonField, SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

/**
 * The investigator's protocol work: edit the draft (or amend once locked), lock it (the seed is
 * drawn and its commitment published), close recruitment, unblind, add a consent document version;
 * every change with its reason. The protocol's versions with their SHA-256 and reasons below.
 */
export function ManagePage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const trial = useTrial(code);
  const versions = useApi('/api/trials/{code}/versions', { path: { code } });
  const changed = () => {
    trial.reload();
    versions.reload();
  };
  return (
    <Page title={`Protocol and consent: ${code}`}>
      <TrialLink code={code} />
      <Async loaded={trial}>
        {(t) => (
          <div className="columns wide">
            <ProtocolEdit code={code} locked={t.status !== 'draft'} current={JSON.stringify(t.protocol, null, 2)} onDone={changed} />
            <div className="stack">
              <p>
                Status: <strong>{t.status}</strong>
              </p>
              {t.status === 'draft' && <StatusChange code={code} action="lock" label="Lock the protocol and draw the seed" onDone={changed} />}
              {t.status === 'recruiting' && <StatusChange code={code} action="close" label="Close recruitment" onDone={changed} />}
              {t.status === 'closed' && <StatusChange code={code} action="unblind" label="Unblind the trial" onDone={changed} />}
              <ConsentDocumentForm code={code} />
            </div>
          </div>
        )}
      </Async>
      <h2>Versions</h2>
      <Async loaded={versions}>
        {({ versions: list }) => (
          <DataTable
            label="Protocol versions"
            columns={['Version', 'SHA-256', 'Reason', 'When', 'By']}
            stacked
            rows={list.map((v) => [v.version, <code key="sha">{v.sha256}</code>, v.reason, formatInstant(v.createdAt), v.createdBy])}
          />
        )}
      </Async>
    </Page>
  );
}

/** Edits the draft in place, or (once locked) makes a new version: the text is the protocol being changed, and the reason is the investigator's own. */
function ProtocolEdit({ code, locked, current, onDone }: { code: string; locked: boolean; current: string; onDone: () => void }) {
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const text = field(data, 'protocol');
      const reason = field(data, 'reason');
      return { body: { text, reason }, sent: [['Protocol', `${text.length.toLocaleString()} characters of JSON`], ['Reason', reason]] };
    },
    async ({ text, reason }) => {
      const protocol = parseProtocol(text);
      // The box starts with the protocol being changed; sending it back unchanged would record a version that changes nothing.
      if (JSON.stringify(protocol) === JSON.stringify(JSON.parse(current))) throw new Error('protocol: unchanged; edit it before saving');
      const body = { protocol, reason };
      const trial = locked ? await api('post', '/api/trials/{code}/amendments', { path: { code }, body }) : await api('put', '/api/trials/{code}/protocol', { path: { code }, body });
      onDone();
      return `${trial.code} is now at version ${trial.version} (SHA-256 ${trial.sha256}).`;
    },
  );
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby="edit-heading">
      <h2 id="edit-heading">{locked ? 'Amend the protocol (a new version)' : 'Edit the draft'}</h2>
      <label>
        Protocol (JSON)
        <textarea name="protocol" required rows={14} spellCheck={false} defaultValue={current} key={current} />
      </label>
      <ReasonField />
      <SubmitAndSent label={locked ? 'Save the amendment' : 'Save the draft'} busy={busy} sent={sent} outcome={outcome} />
    </form>
  );
}

const statusRoutes = { lock: '/api/trials/{code}/lock', close: '/api/trials/{code}/close', unblind: '/api/trials/{code}/unblind' } as const;

export function StatusChange({ code, action, label, onDone }: { code: string; action: keyof typeof statusRoutes; label: string; onDone: () => void }) {
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const reason = field(data, 'reason');
      return { body: { reason }, sent: [['Reason', reason]] };
    },
    async (body) => {
      const trial = await api('post', statusRoutes[action], { path: { code }, body });
      onDone();
      return action === 'lock' ? `Locked. Seed commitment published: ${trial.seedCommitment}.` : `${trial.code} is now ${trial.status}.`;
    },
  );
  return (
    <form onSubmit={onSubmit} className="card stack" aria-label={label}>
      <ReasonField />
      <SubmitAndSent label={label} busy={busy} sent={sent} outcome={outcome} />
    </form>
  );
}

function ConsentDocumentForm({ code }: { code: string }) {
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const body = { title: field(data, 'title'), body: field(data, 'body') };
      return { body, sent: [['Title', body.title], ['Text', `${body.body.length.toLocaleString()} characters`]] };
    },
    async (body) => {
      const document = await api('post', '/api/trials/{code}/consent-documents', { path: { code }, body });
      return `Consent document version ${document.version} added (SHA-256 ${document.sha256}).`;
    },
  );
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby="consent-form-heading">
      <h2 id="consent-form-heading">A new consent document version</h2>
      <label>
        Title
        <input name="title" required maxLength={300} />
      </label>
      <label>
        Text participants read
        <textarea name="body" required rows={6} />
      </label>
      <SubmitAndSent label="Add the version" busy={busy} sent={sent} outcome={outcome} />
    </form>
  );
}
