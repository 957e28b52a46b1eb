import { Async } from '../app/ui.tsx';
import { usePersonDrills, useStrengthTests } from './hooks.ts';
import { AttemptTable } from './MyDrillsPage.tsx';
import { StrengthSeries } from './MyStrengthPage.tsx';

/** A person's drills (personal bests, then every attempt, newest first) and strength tests over time, for the staff who follow them. */
export function PersonDrills({ personId }: { personId: number }) {
  const drills = usePersonDrills(personId);
  const strength = useStrengthTests(personId);
  return (
    <>
      <section aria-labelledby="drills-heading">
        <h2 id="drills-heading">Drills</h2>
        <Async loaded={drills}>
          {(data) =>
            data.attempts.length ? (
              <>
                <AttemptTable label="Drill personal bests" attempts={data.bests} />
                <details>
                  <summary>All {data.attempts.length} attempts</summary>
                  <AttemptTable label="Drill attempts" attempts={[...data.attempts].reverse()} />
                </details>
              </>
            ) : (
              <p>No drill attempts yet.</p>
            )
          }
        </Async>
      </section>
      <section aria-labelledby="strength-heading">
        <h2 id="strength-heading">Strength tests</h2>
        <Async loaded={strength}>{(data) => (data.tests.length ? <StrengthSeries tests={data.tests} /> : <p>No strength tests yet.</p>)}</Async>
      </section>
    </>
  );
}
