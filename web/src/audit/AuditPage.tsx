import { useState } from 'react';
import { api, type ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, formatInstant, Page } from '../app/ui.tsx';

type Verification = ResponseOf<'/api/audit/verify'>;
const PAGE = 50;

/** The audit trail, newest first, a page at a time; and a check of its hash chain. */
export function AuditPage() {
  const [beforeSeq, setBeforeSeq] = useState<number | undefined>(undefined);
  const events = useApi('/api/audit', { query: { limit: PAGE, ...(beforeSeq !== undefined && { beforeSeq }) } });
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
      <Async loaded={events}>
        {({ events: list }) => (
          <>
            <DataTable
              stacked
              label="Audit events"
              columns={['#', 'When', 'Who', 'Action', 'Entity', 'Reason']}
              rows={list.map((event) => [event.seq, formatInstant(event.at), event.actorLabel, event.action, `${event.entity} ${event.entityId}`, event.reason ?? ''])}
              rowKey={(i) => list[i].id}
            />
            <div className="pager">
              {beforeSeq !== undefined && (
                <button type="button" onClick={() => setBeforeSeq(undefined)}>
                  Newest
                </button>
              )}
              {list.length === PAGE && (
                <button type="button" onClick={() => setBeforeSeq(list[list.length - 1].seq)}>
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
