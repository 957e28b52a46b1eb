import { useState, type FormEvent } from 'react';
import { api, type CallOptions, type ResponseOf } from '../api/client.ts';
import type { ApiPaths } from '../api/paths.gen.ts';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, formatInstant, Page } from '../app/ui.tsx';

type Verification = ResponseOf<'/api/audit/verify'>;
type AuditEvent = ResponseOf<'/api/audit'>['events'][number];
type Filters = Pick<NonNullable<CallOptions<ApiPaths['/api/audit']['get']>['query']>, 'actor' | 'action' | 'entity' | 'from' | 'to' | 'signIns'>;
const PAGE = 50;
/** The kinds of thing events are about that the filter offers; the API takes any. */
const entities = ['person', 'unit', 'account', 'api_token', 'training_session', 'training_set', 'assessment', 'wellness_report', 'trial', 'appointment', 'analysis_dataset', 'setup_link'];

const textOf = (form: FormData, name: string) => String(form.get(name) ?? '').trim() || undefined;

/** The audit trail, newest first, filtered, a page at a time, sign-ins folded; and a check of its hash chain. */
export function AuditPage() {
  const [filters, setFilters] = useState<Filters>({ signIns: 'fold' });
  const [beforeSeq, setBeforeSeq] = useState<number | undefined>(undefined);
  const events = useApi('/api/audit', { query: { ...filters, limit: PAGE, ...(beforeSeq !== undefined && { beforeSeq }) } });
  const [verification, setVerification] = useState<Verification | null>(null);
  const [checking, setChecking] = useState(false);

  async function verify() {
    setChecking(true);
    try {
      setVerification(await api('get', '/api/audit/verify'));
    } finally {
      setChecking(false);
    }
  }

  function filter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const signIns = String(form.get('signIns'));
    setFilters({
      actor: textOf(form, 'actor'),
      action: textOf(form, 'action'),
      entity: textOf(form, 'entity'),
      from: textOf(form, 'from'),
      to: textOf(form, 'to'),
      signIns: signIns === 'show' || signIns === 'hide' ? signIns : 'fold',
    });
    setBeforeSeq(undefined);
  }

  return (
    <Page title="Audit trail">
      <div className="card stack">
        <button type="button" onClick={() => void verify()} disabled={checking}>
          {checking ? 'Verifying…' : 'Verify the hash chain'}
        </button>
        <div aria-live="polite">
          {verification &&
            (verification.ok ? (
              <p className="success">Intact: {verification.verified} events verified.</p>
            ) : (
              <p className="error" role="alert">
                Broken at event {verification.firstBad?.seq ?? '?'}: {verification.firstBad?.reason}
              </p>
            ))}
        </div>
      </div>
      <form className="filters" aria-label="Filter the audit trail" onSubmit={filter}>
        <label>
          Who (username)
          <input name="actor" autoCapitalize="none" spellCheck={false} />
        </label>
        <label>
          Action
          <input name="action" placeholder="person or person.update" autoCapitalize="none" spellCheck={false} />
        </label>
        <label>
          About
          <select name="entity" defaultValue="">
            <option value="">anything</option>
            {entities.map((entity) => (
              <option key={entity} value={entity}>
                {entity.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input name="from" type="date" />
        </label>
        <label>
          To
          <input name="to" type="date" />
        </label>
        <label>
          Sign-ins
          <select name="signIns" defaultValue="fold">
            <option value="fold">folded, a person’s run as one row</option>
            <option value="show">each shown</option>
            <option value="hide">hidden</option>
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <Async loaded={events}>
        {({ events: list, nextBeforeSeq }) => (
          <>
            {list.length === 0 && <p>No events match.</p>}
            {/* Names and reasons wrap, so every column, Reason too, fits a desktop screen without scrolling the table sideways. */}
            <div className="wrap-cells">
              <DataTable
                stacked
                label="Audit events"
                columns={['#', 'When', 'Who', 'Action', 'About', 'Reason']}
                rows={list.map((event) => [event.seq, <When key="when" event={event} />, whoOf(event), event.count > 1 ? `${event.action} ×${event.count}` : event.action, aboutOf(event), event.reason ?? ''])}
                rowKey={(i) => list[i].id}
              />
            </div>
            <div className="pager">
              {beforeSeq !== undefined && (
                <button type="button" onClick={() => setBeforeSeq(undefined)}>
                  Newest
                </button>
              )}
              {nextBeforeSeq !== null && (
                <button type="button" onClick={() => setBeforeSeq(nextBeforeSeq)}>
                  Older events
                </button>
              )}
            </div>
          </>
        )}
      </Async>
    </Page>
  );
}

const whoOf = (event: AuditEvent) => (event.actorName ? `${event.actorName}, ${event.actorLabel}` : event.actorLabel);
const aboutOf = (event: AuditEvent) => (event.entityName ? `${event.entityName} (${event.entity} ${event.entityId})` : `${event.entity} ${event.entityId}`);

/** A folded row's time opens to the time of each event folded into it. */
function When({ event }: { event: AuditEvent }) {
  if (event.count === 1) return formatInstant(event.at);
  return (
    <details>
      <summary>
        {formatInstant(event.at)} and {event.count - 1} earlier
      </summary>
      <ul>
        {event.folded.map((folded) => (
          <li key={folded.seq}>
            #{folded.seq} {formatInstant(folded.at)}
          </li>
        ))}
      </ul>
    </details>
  );
}
