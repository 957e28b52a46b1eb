import { useState } from 'react';
import { api, type ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { field, useSendingForm, useTrial } from './hooks.ts';
import { Choice, ReasonField, SubmitAndSent } from './Sending.tsx';
import { TrialLink } from './TrialLink.tsx';

type Person = ResponseOf<'/api/people'>['people'][number];
type Trial = ResponseOf<'/api/trials/{code}'>;

/**
 * Enrolment, one participant at a time: find them by name or designation (on the server), then
 * their paper consent form (refused when the recorder is in their chain of command), the screening
 * questions of the protocol, and randomisation. Every answer is the investigator's own: nothing is
 * chosen in advance.
 */
export function EnrolPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const trial = useTrial(code);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<Person | null>(null);
  const found = useApi(query.trim() ? '/api/people' : null, { query: { q: query.trim(), role: 'participant', limit: 10 } });
  return (
    <Page title={`Enrol: ${code}`}>
      <TrialLink code={code} />
      <div className="filters">
        <label>
          Find a participant (name or designation)
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
      </div>
      {query.trim() && (
        <Async loaded={found}>
          {({ people }) =>
            people.length === 0 ? (
              <p>Nobody matches.</p>
            ) : (
              <DataTable
                label="Participants found"
                columns={['Designation', 'Name', 'Unit', '']}
                rowKey={(i) => people[i].id}
                rows={people.map((p) => [
                  p.designation,
                  p.name,
                  p.unit?.name ?? '—',
                  <button key="choose" type="button" onClick={() => setChosen(p)} aria-pressed={chosen?.id === p.id}>
                    Enrol {p.designation}
                  </button>,
                ])}
              />
            )
          }
        </Async>
      )}
      {chosen && (
        <Async loaded={trial}>
          {(t) => (
            <section aria-labelledby="enrolling-heading">
              <h2 id="enrolling-heading">
                Enrolling {chosen.designation} {chosen.name}
              </h2>
              <div className="columns" key={chosen.id}>
                <PaperConsent code={code} person={chosen} />
                <Screening trial={t} person={chosen} />
                <Randomise code={code} person={chosen} />
              </div>
            </section>
          )}
        </Async>
      )}
    </Page>
  );
}

function PaperConsent({ code, person }: { code: string; person: Person }) {
  const documents = useApi('/api/trials/{code}/consent-documents', { path: { code } });
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const body = { documentVersion: Number(field(data, 'documentVersion')), decision: field(data, 'decision') as 'given' | 'refused', reason: field(data, 'reason') };
      return { body, sent: [['Consent document version', String(body.documentVersion)], ['Decision', body.decision], ['Reason', body.reason]] };
    },
    async (body) => {
      const answer = await api('post', '/api/trials/{code}/participants/{id}/consent', { path: { code, id: person.id }, body });
      return `Recorded: ${answer.participant} ${answer.decision} consent to version ${answer.documentVersion}.`;
    },
  );
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby="paper-consent-heading">
      <h3 id="paper-consent-heading">1. Paper consent form</h3>
      <Async loaded={documents}>
        {({ documents: list }) => (
          <label>
            Document version signed
            <select name="documentVersion" required defaultValue="">
              <option value="" disabled>
                Choose the version on the form
              </option>
              {list.map((d) => (
                <option key={d.version} value={d.version}>
                  Version {d.version}: {d.title}
                </option>
              ))}
            </select>
          </label>
        )}
      </Async>
      <Choice legend="The participant’s decision" name="decision" options={[['given', 'Gave consent'], ['refused', 'Refused']]} />
      <ReasonField />
      <SubmitAndSent label="Record the consent form" busy={busy} sent={sent} outcome={outcome} />
    </form>
  );
}

function Screening({ trial, person }: { trial: Trial; person: Person }) {
  const criteria = trial.protocol.eligibility;
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const answers = Object.fromEntries(criteria.map((c) => [c.id, field(data, `criterion-${c.id}`) === 'yes']));
      const reason = field(data, 'reason');
      return {
        body: { answers, ...(reason && { reason }) },
        sent: [...criteria.map((c) => [`${c.id} ${c.text}`, answers[c.id] ? 'yes' : 'no'] as const), ['Reason', reason]],
      };
    },
    async (body) => {
      const answer = await api('post', '/api/trials/{code}/participants/{id}/screening', { path: { code: trial.code, id: person.id }, body });
      return answer.eligible ? `${answer.participant} is eligible.` : `${answer.participant} is not eligible: ${answer.reason ?? 'no reason given'}.`;
    },
  );
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby="screening-heading">
      <h3 id="screening-heading">2. Screening</h3>
      {criteria.map((c) => (
        <Choice key={c.id} legend={`${c.id} (${c.kind}): ${c.text}`} name={`criterion-${c.id}`} options={[['yes', 'Yes'], ['no', 'No']]} />
      ))}
      <label>
        Reason (for a screen failure; kept in the audit trail)
        <textarea name="reason" maxLength={2000} rows={2} />
      </label>
      <SubmitAndSent label="Record the screening" busy={busy} sent={sent} outcome={outcome} />
    </form>
  );
}

function Randomise({ code, person }: { code: string; person: Person }) {
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const reason = field(data, 'reason');
      return { body: { reason }, sent: [['Participant', person.designation], ['Reason', reason]] };
    },
    async (body) => {
      const allocation = await api('post', '/api/trials/{code}/participants/{id}/randomise', { path: { code, id: person.id }, body });
      // The arm is in the answer only for those who see arms (seesArms on the server).
      return `Randomised ${allocation.participant.designation}: slot ${allocation.sequence}, kit ${allocation.kitCode}${allocation.arm ? `, arm ${allocation.arm}` : ''}.`;
    },
  );
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby="randomise-heading">
      <h3 id="randomise-heading">3. Randomise</h3>
      <p className="muted">Once consented and eligible. The answer is a kit code; the arm stays concealed.</p>
      <ReasonField />
      <SubmitAndSent label={`Randomise ${person.designation}`} busy={busy} sent={sent} outcome={outcome} />
    </form>
  );
}
