import { useState } from 'react';
import { Link } from '../app/router.tsx';
import { Async, DataTable } from '../app/ui.tsx';
import { personLabel, useUnits } from '../roster/hooks.ts';
import { topUnits, useCohortFlags, type CohortFlags } from './hooks.ts';

/** People listed until the reader asks for all: a battalion has a thousand flagged on a day. */
const FIRST_FLAGGED = 20;

/**
 * Who is flagged today in a unit and the units below it: a wellness score below, or a load
 * ratio (ACWR, EWMA 7:28 days) above, the person's own usual range. Counts per unit, then the
 * people furthest outside their range first: the first 20, or all when asked.
 */
export function UnitFlags({ unit, names }: { unit: { id: number; name: string }; names: ReadonlyMap<number, string> }) {
  const [all, setAll] = useState(false);
  const flags = useCohortFlags(unit.id, all ? undefined : FIRST_FLAGGED);
  return (
    <section className="card" aria-labelledby={`flags-${unit.id}`}>
      <h3 id={`flags-${unit.id}`}>Flags in {unit.name}</h3>
      <Async loaded={flags}>{(data) => <FlagsBody data={data} names={names} showAll={() => setAll(true)} />}</Async>
    </section>
  );
}

function FlagsBody({ data, names, showAll }: { data: CohortFlags; names: ReadonlyMap<number, string>; showAll: () => void }) {
  // The unit's own row carries the totals of the units below it.
  const totals = data.units.find((u) => u.id === data.unit.id);
  const shown = data.people.length;
  return (
    <>
      <p>
        {data.date}: <strong>{totals?.wellness.flagged ?? 0}</strong> wellness and <strong>{totals?.loadRatio.flagged ?? 0}</strong> load-ratio flags.
      </p>
      <DataTable
        stacked
        label="Flags per unit"
        columns={['Unit', 'Reported wellness', 'Wellness flagged', 'Load ratio known', 'Load ratio flagged']}
        rows={data.units.map((u) => [names.get(u.id) ?? `Unit ${u.id}`, u.wellness.reported, u.wellness.flagged, u.loadRatio.rated, u.loadRatio.flagged])}
        rowKey={(i) => data.units[i].id}
      />
      {shown > 0 && (
        <>
          <p>
            {shown < data.flaggedPeople ? (
              <>
                The {shown} furthest outside their usual range, of {data.flaggedPeople} people flagged.{' '}
                <button type="button" onClick={showAll}>
                  Show all {data.flaggedPeople}
                </button>
              </>
            ) : (
              `${data.flaggedPeople} ${data.flaggedPeople === 1 ? 'person' : 'people'} flagged, furthest outside their usual range first.`
            )}
          </p>
          <ul aria-label="Flagged people">
            {data.people.map(({ person, unitId, wellness, loadRatio }) => (
              <li key={person.id}>
                <Link to={`/people/${person.id}`}>{personLabel(person)}</Link>, {names.get(unitId)}:{' '}
                {[
                  wellness && `wellness score ${wellness.score} against a usual ${wellness.flag.mean?.toFixed(1)}`,
                  loadRatio && `load ratio ${loadRatio.value.toFixed(2)} against a usual ${loadRatio.mean?.toFixed(2)}`,
                ]
                  .filter(Boolean)
                  .join('; ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** The trainer's home section: today's wellness and load-ratio flags in the units they train. */
export function TrainerFlags() {
  const units = useUnits();
  return (
    <section aria-labelledby="trainer-flags-heading">
      <h2 id="trainer-flags-heading">Flags today</h2>
      <Async loaded={units}>
        {({ units: list }) => {
          const names = new Map(list.map((u) => [u.id, u.name]));
          return topUnits(list).map((unit) => <UnitFlags key={unit.id} unit={unit} names={names} />);
        }}
      </Async>
    </section>
  );
}
