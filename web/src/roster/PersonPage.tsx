import { MeasurementsPanel } from '../assess/MeasurementsPanel.tsx';
import { Link } from '../app/router.tsx';
import { hasRole, useMe } from '../app/session.tsx';
import { Async, DataTable, Facts, formatDate, Page } from '../app/ui.tsx';
import { useBests, useLoad, useSets } from '../training/hooks.ts';
import { AttendancePanel } from '../training/AttendancePanel.tsx';
import { LoadRatioPanel } from '../training/LoadRatioPanel.tsx';
import { TrainingPanels } from '../training/TrainingPanels.tsx';
import { PersonDrills } from '../drills/PersonDrills.tsx';
import { useWellnessHistory } from '../wellness/hooks.ts';
import { WellnessHistoryPanel } from '../wellness/WellnessHistoryPanel.tsx';
import { personLabel, useChain, usePerson, useUnitHistory, type PersonRecord } from './hooks.ts';
import { PersonAdmin } from './PersonAdmin.tsx';

export function PersonPage({ params }: { params: Record<string, string> }) {
  const me = useMe();
  const id = Number(params.id);
  const person = usePerson(id);
  // Physique data: the roles src/auth/policy.ts lets read it without the participant's consent.
  const physique = hasRole(me, 'assessor', 'investigator', 'monitor');
  // Training and wellness: the roles that follow participants (trainers their units' people; src/auth/policy.ts).
  const followsTraining = hasRole(me, 'trainer', 'investigator', 'monitor');
  return (
    <Page title={person.data ? personLabel(person.data) : 'Person'}>
      <Async loaded={person}>
        {(record) => (
          <>
            <PersonDetails person={record} />
            {hasRole(me, 'admin') && <PersonAdmin person={record} onChange={person.reload} />}
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
            {followsTraining && record.roles.includes('participant') && <TrainingAndWellness personId={record.id} />}
          </>
        )}
      </Async>
    </Page>
  );
}

function TrainingAndWellness({ personId }: { personId: number }) {
  const load = useLoad(personId);
  const sets = useSets(personId);
  const bests = useBests(personId);
  const wellness = useWellnessHistory(personId);
  return (
    <>
      <section aria-labelledby="training-heading">
        <h2 id="training-heading">Training</h2>
        <TrainingPanels load={load} sets={sets} bests={bests} />
      </section>
      <AttendancePanel personId={personId} />
      <LoadRatioPanel load={load} />
      <PersonDrills personId={personId} />
      <section aria-labelledby="wellness-heading">
        <h2 id="wellness-heading">Wellness</h2>
        <WellnessHistoryPanel history={wellness} whose="their" />
      </section>
    </>
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
        <Facts
          items={[
            ['Designation', person.designation],
            ['Name', person.name],
            ['Rank', person.rank || '—'],
            ['Unit', person.unit ? staff ? <Link to={`/units/${person.unit.id}`}>{person.unit.name}</Link> : person.unit.name : '—'],
            ['Status', person.status],
            ['Date of birth', person.dateOfBirth ?? '—'],
            ['Sex', person.sex ?? '—'],
            ['Roles', person.roles.join(', ')],
          ]}
        />
      </section>
      <ChainOfCommand personId={person.id} />
      {/* Keyed by the unit: a move (the admin's tools) shows in the history at once. */}
      {staff && <UnitHistory key={person.unit?.id ?? 0} personId={person.id} />}
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
        {({ history: rows }) =>
          rows.length ? (
            <DataTable label="Unit history table" columns={['Unit', 'From', 'To']} rows={rows.map((row) => [row.unitName, formatDate(row.from), row.to ? formatDate(row.to) : 'now'])} />
          ) : (
            <p>Never in a unit.</p>
          )
        }
      </Async>
    </section>
  );
}
