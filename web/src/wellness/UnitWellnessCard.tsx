import { Link } from '../app/router.tsx';
import { Async } from '../app/ui.tsx';
import { personLabel, type Unit } from '../roster/hooks.ts';
import { useUnitWellness } from './hooks.ts';

/** One unit today: who has not reported wellness, and whose score is outside their own usual range. */
export function UnitWellnessCard({ unit }: { unit: Unit }) {
  const wellness = useUnitWellness(unit.id);
  return (
    <section className="card" aria-labelledby={`wellness-${unit.id}`}>
      <h3 id={`wellness-${unit.id}`}>{unit.name}</h3>
      <Async loaded={wellness}>
        {(data) => {
          const flagged = data.participants.flatMap((p) => (p.today?.flag.state === 'flagged' ? [{ person: p.person, today: p.today }] : []));
          return (
            <>
              <p>
                {data.date}: <strong>{data.participants.length - data.notReported.length}</strong> of {data.participants.length} reported,{' '}
                <strong>{flagged.length}</strong> flagged.
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
              {flagged.length > 0 && (
                <>
                  <p>Flagged: today’s score below their own usual range</p>
                  <ul aria-label={`Wellness flags in ${unit.name}`}>
                    {flagged.map(({ person, today }) => (
                      <li key={person.id}>
                        <Link to={`/people/${person.id}`}>{personLabel(person)}</Link>: score {today.score} against a usual {today.flag.mean?.toFixed(1)}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          );
        }}
      </Async>
    </section>
  );
}
