import { Link } from '../app/router.tsx';
import { Async, DataTable } from '../app/ui.tsx';
import { personLabel, useUnits } from '../roster/hooks.ts';
import { topUnits, useCohortFlags, type CohortFlags } from './hooks.ts';

/**
 * Who is flagged today in a unit and the units below it: a wellness score below, or a load
 * ratio (ACWR, EWMA 7:28 days) above, the person's own usual range. Counts per unit, then the people.
 */
export function UnitFlags({ unit, names }: { unit: { id: number; name: string }; names: ReadonlyMap<number, string> }) {
  const flags = useCohortFlags(unit.id);
  return (
    <section className="card" aria-labelledby={`flags-${unit.id}`}>
      <h3 id={`flags-${unit.id}`}>Flags in {unit.name}</h3>
      <Async loaded={flags}>{(data) => <FlagsBody data={data} names={names} />}</Async>
    </section>
  );
}

function FlagsBody({ data, names }: { data: CohortFlags; names: ReadonlyMap<number, string> }) {
  return (
    <>
      <p>
        {data.date}: <strong>{data.people.filter((p) => p.wellness).length}</strong> wellness and <strong>{data.people.filter((p) => p.loadRatio).length}</strong> load-ratio flags.
      </p>
      <DataTable
        stacked
        label="Flags per unit"
        columns={['Unit', 'Reported wellness', 'Wellness flagged', 'Load ratio known', 'Load ratio flagged']}
        rows={data.units.map((u) => [names.get(u.id) ?? `Unit ${u.id}`, u.wellness.reported, u.wellness.flagged, u.loadRatio.rated, u.loadRatio.flagged])}
        rowKey={(i) => data.units[i].id}
      />
      {data.people.length > 0 && (
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
