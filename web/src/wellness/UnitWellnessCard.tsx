import { Link } from '../app/router.tsx';
import { Async } from '../app/ui.tsx';
import { personLabel, type Unit } from '../roster/hooks.ts';
import { useUnitWellness } from './hooks.ts';

/** One unit today: who has not reported wellness (the flags are listed once, in the home's flags block). */
export function UnitWellnessCard({ unit }: { unit: Unit }) {
  const wellness = useUnitWellness(unit.id);
  return (
    <section className="card" aria-labelledby={`wellness-${unit.id}`}>
      <h3 id={`wellness-${unit.id}`}>{unit.name}</h3>
      <Async loaded={wellness}>
        {(data) => (
          <>
            <p>
              {data.date}: <strong>{data.counts.reported}</strong> of {data.counts.participants} reported, <strong>{data.counts.flagged}</strong> flagged (listed under Flags today).
            </p>
            <details>
              <summary>Not reported today ({data.notReported.length})</summary>
              <ul>
                {data.notReported.map((person) => (
                  <li key={person.id}>
                    <Link to={`/people/${person.id}`}>{personLabel(person)}</Link>
                  </li>
                ))}
              </ul>
            </details>
          </>
        )}
      </Async>
    </section>
  );
}
