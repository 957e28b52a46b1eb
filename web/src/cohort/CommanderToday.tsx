import { Link } from '../app/router.tsx';
import { Async } from '../app/ui.tsx';
import { useUnits } from '../roster/hooks.ts';
import { UnitFlags } from './CohortFlags.tsx';
import { StrengthItems } from './CohortGlance.tsx';
import { attendancePercent, topUnits, useCohort } from './hooks.ts';

/**
 * The commander's home: what needs them today in each top unit they command (strength, the
 * injured, attendance, who is flagged, each person a link), and the way to the cohort's charts.
 * The Cohort screen is the detail; the home is the day.
 */
export function CommanderToday() {
  const units = useUnits();
  return (
    <section aria-labelledby="today-heading">
      <h2 id="today-heading">Today in your units</h2>
      <Async loaded={units}>
        {({ units: list }) => {
          const names = new Map(list.map((u) => [u.id, u.name]));
          return topUnits(list).map((unit) => <UnitToday key={unit.id} unit={unit} names={names} />);
        }}
      </Async>
      <p>
        <Link to="/cohort">The cohort in detail</Link>: strength by status, attendance and training load per unit, recent personal bests.
      </p>
    </section>
  );
}

function UnitToday({ unit, names }: { unit: { id: number; name: string }; names: ReadonlyMap<number, string> }) {
  const summary = useCohort(unit.id);
  return (
    <>
      <Async loaded={summary}>
        {(data) => {
          const [top] = data.units;
          const attendance = attendancePercent(top);
          return (
            <ul className="stats" aria-label={`${unit.name} today`}>
              <StrengthItems unit={top} />
              <li>
                <strong>{attendance ?? '—'}</strong>
                {attendance !== null && '%'} attendance since {data.attendanceFrom}
              </li>
              <li>
                <strong>{top.trained}</strong> of {top.strength} trained this week
              </li>
            </ul>
          );
        }}
      </Async>
      <UnitFlags unit={unit} names={names} />
    </>
  );
}
