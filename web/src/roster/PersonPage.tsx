import { MeasurementsPanel } from '../assess/MeasurementsPanel.tsx';
import { Link } from '../app/router.tsx';
import { hasRole, useMe } from '../app/session.tsx';
import { Async, formatDate, Page, TableScroll } from '../app/ui.tsx';
import { personLabel, useChain, usePerson, useUnitHistory, type PersonRecord } from './hooks.ts';

export function PersonPage({ params }: { params: Record<string, string> }) {
  const me = useMe();
  const id = Number(params.id);
  const person = usePerson(id);
  // Physique data: the roles src/auth/policy.ts lets read it without the participant's consent.
  const physique = hasRole(me, 'assessor', 'investigator', 'monitor');
  return (
    <Page title={person.data ? personLabel(person.data) : 'Person'}>
      <Async loaded={person}>
        {(record) => (
          <>
            <PersonDetails person={record} />
            {physique && (
              <section aria-labelledby="physique-heading">
                <h2 id="physique-heading">Body measurements</h2>
                {hasRole(me, 'assessor') && (
                  <p>
                    <Link to={`/people/${record.id}/assess`}>New physique assessment</Link>
                  </p>
                )}
                <MeasurementsPanel personId={record.id} />
              </section>
            )}
          </>
        )}
      </Async>
    </Page>
  );
}

/** A person's record, chain of command and unit history; the participant's own page uses it too. */
export function PersonDetails({ person }: { person: PersonRecord }) {
  const me = useMe();
  // Unit history is for roster staff (src/auth/policy.ts); a participant sees their record and chain.
  const staff = hasRole(me, 'admin', 'investigator', 'trainer', 'assessor', 'monitor', 'statistician');
  return (
    <div className="columns">
      <section aria-labelledby="record-heading" className="card">
        <h2 id="record-heading">Record</h2>
        <dl className="facts">
          <dt>Designation</dt>
          <dd>{person.designation}</dd>
          <dt>Name</dt>
          <dd>{person.name}</dd>
          <dt>Rank</dt>
          <dd>{person.rank || '—'}</dd>
          <dt>Unit</dt>
          <dd>{person.unit ? staff ? <Link to={`/units/${person.unit.id}`}>{person.unit.name}</Link> : person.unit.name : '—'}</dd>
          <dt>Status</dt>
          <dd>{person.status}</dd>
          <dt>Date of birth</dt>
          <dd>{person.dateOfBirth ?? '—'}</dd>
          <dt>Sex</dt>
          <dd>{person.sex ?? '—'}</dd>
          <dt>Roles</dt>
          <dd>{person.roles.join(', ')}</dd>
        </dl>
      </section>
      <ChainOfCommand personId={person.id} />
      {staff && <UnitHistory personId={person.id} />}
    </div>
  );
}

function ChainOfCommand({ personId }: { personId: number }) {
  const chain = useChain(personId);
  return (
    <section aria-labelledby="chain-heading" className="card">
      <h2 id="chain-heading">Chain of command</h2>
      <Async loaded={chain}>
        {({ chain: links }) =>
          links.length ? (
            <ol className="chain">
              {links.map((link) => (
                <li key={`${link.relation}-${link.unitId}-${link.person.id}`}>
                  <strong>{personLabel(link.person)}</strong>, {link.relation} of {link.unitName}
                </li>
              ))}
            </ol>
          ) : (
            <p>No trainer or commander on record.</p>
          )
        }
      </Async>
    </section>
  );
}

function UnitHistory({ personId }: { personId: number }) {
  const history = useUnitHistory(personId);
  return (
    <section aria-labelledby="history-heading" className="card">
      <h2 id="history-heading">Unit history</h2>
      <Async loaded={history}>
        {({ history: rows }) => (
          <TableScroll label="Unit history table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Unit</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={`${row.unitId}-${row.from}`}>
                    <td>{row.unitName}</td>
                    <td>{formatDate(row.from)}</td>
                    <td>{row.to ? formatDate(row.to) : 'now'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Async>
    </section>
  );
}
