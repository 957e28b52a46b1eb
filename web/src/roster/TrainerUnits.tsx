import { Link } from '../app/router.tsx';
import { Async } from '../app/ui.tsx';
import { UnitWellnessCard } from '../wellness/UnitWellnessCard.tsx';
import { useUnits } from './hooks.ts';

/** The trainer's home section: the units they train (the API sends only those), their strength and today's wellness. */
export function TrainerUnits() {
  const units = useUnits();
  return (
    <section aria-labelledby="my-units-heading">
      <h2 id="my-units-heading">Units you train</h2>
      <Async loaded={units}>
        {({ units: list }) =>
          list.length ? (
            <>
              <ul className="cards">
                {list.map((unit) => (
                  <li key={unit.id} className="card">
                    <Link to={`/units/${unit.id}`}>{unit.name}</Link>
                    <p>
                      Strength <strong>{unit.strength}</strong>
                    </p>
                    <Link to={`/people?unitId=${unit.id}`}>People of {unit.name}</Link>
                  </li>
                ))}
              </ul>
              <h2>Wellness today</h2>
              <div className="cards">
                {list.map((unit) => (
                  <UnitWellnessCard key={unit.id} unit={unit} />
                ))}
              </div>
            </>
          ) : (
            <p>You do not train a unit yet.</p>
          )
        }
      </Async>
    </section>
  );
}
