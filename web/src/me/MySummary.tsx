import { Link } from '../app/router.tsx';
import { useMe } from '../app/session.tsx';
import { Async, Facts, formatInstant } from '../app/ui.tsx';
import { useAccessLog } from './hooks.ts';

/** The participant's home section: where they stand and who looked at their data lately. */
export function MySummary() {
  const me = useMe();
  const log = useAccessLog(5);
  return (
    <div className="columns">
      <section aria-labelledby="me-heading" className="card">
        <h2 id="me-heading">You</h2>
        <Facts
          items={[
            ['Designation', me.designation],
            ['Unit', me.unit?.name ?? '—'],
          ]}
        />
        <Link to="/me">My record and chain of command</Link>
        <p>
          <Link to="/me/wellness">Today’s wellness report</Link>
        </p>
      </section>
      <section aria-labelledby="viewed-heading" className="card">
        <h2 id="viewed-heading">Recently viewed your data</h2>
        <Async loaded={log}>
          {({ entries }) =>
            entries.length ? (
              <ul>
                {entries.map((entry, i) => (
                  <li key={i}>
                    {entry.viewer}: {entry.what}, {formatInstant(entry.at)}
                  </li>
                ))}
              </ul>
            ) : (
              <p>Nobody yet.</p>
            )
          }
        </Async>
        <Link to="/me/access-log">Everyone who viewed my data</Link>
      </section>
    </div>
  );
}
