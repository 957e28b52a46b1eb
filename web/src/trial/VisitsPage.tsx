import { useState } from 'react';
import type { ResponseOf } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { hasRole, useMe } from '../app/session.tsx';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { TrialLink } from './TrialLink.tsx';

type Visit = ResponseOf<'/api/trials/{code}/visits'>['participants'][number]['visits'][number];

const statusWords: Record<Visit['status'], string> = { assessed: 'assessed', open: 'due now (window open)', upcoming: 'to come', missed: 'missed (window closed)' };
const shows = { open: 'Due now', all: 'Every visit' } as const;

/**
 * Which trial assessments are due at which visit: each participant still in the trial, their
 * visits with window (their unit's local days) and assessments, those open today first; kit codes, never arms.
 */
export function VisitsPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const schedule = useApi('/api/trials/{code}/visits', { path: { code } });
  const [show, setShow] = useState<keyof typeof shows>('open');
  // The assessment form is the assessor's screen.
  const assessor = hasRole(useMe(), 'assessor');
  return (
    <Page title={`Visits due: ${code}`}>
      <TrialLink code={code} />
      <div className="filters">
        <label>
          Show
          <select value={show} onChange={(e) => setShow(e.target.value as keyof typeof shows)}>
            {Object.entries(shows).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Async loaded={schedule}>
        {({ participants }) => {
          const rows = participants.flatMap((p) => p.visits.filter((v) => show === 'all' || v.status === 'open').map((v) => ({ p, v })));
          return rows.length === 0 ? (
            <p>{show === 'open' ? 'No visit window is open today.' : 'Nobody is randomised yet.'}</p>
          ) : (
            <DataTable
              label="Visits and the assessments due"
              columns={['Participant', 'Kit', 'Visit', 'Due', 'Window', 'Assessments', 'Status', '']}
              stacked
              rows={rows.map(({ p, v }) => [
                p.person.designation,
                p.kitCode,
                v.name,
                v.due,
                `${v.earliest} to ${v.latest}`,
                v.assessments.join(', '),
                v.assessedOn ? `${statusWords[v.status]} on ${v.assessedOn}` : statusWords[v.status],
                assessor && v.status === 'open' ? (
                  <Link key="assess" to={`/people/${p.person.id}/assess`}>
                    Assess {p.person.designation}
                  </Link>
                ) : (
                  ''
                ),
              ])}
            />
          );
        }}
      </Async>
    </Page>
  );
}
