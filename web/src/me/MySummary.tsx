import { Link } from '../app/router.tsx';
import { useMe } from '../app/session.tsx';
import { Async, Facts, formatInstant } from '../app/ui.tsx';
import { formatLoad, useBests, useLoad } from '../training/hooks.ts';
import { describeFlag, useWellnessHistory } from '../wellness/hooks.ts';
import { describeReads } from './AccessLogPage.tsx';
import { useAccessLog } from './hooks.ts';

/** The participant's home section: where they stand, their day and week, and who looked at their data lately. */
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
      </section>
      <MyWeek personId={me.personId} />
      <section aria-labelledby="viewed-heading" className="card">
        <h2 id="viewed-heading">Recently viewed your data</h2>
        <Async loaded={log}>
          {({ entries }) =>
            entries.length ? (
              <ul>
                {entries.map((entry, i) => (
                  <li key={i}>
                    {entry.viewer}: {describeReads(entry.reads)}, {formatInstant(entry.at)}
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

/** Today's wellness report (or the way to send it), the last seven days' training load against the seven before, and the newest personal best. */
function MyWeek({ personId }: { personId: number }) {
  const wellness = useWellnessHistory(personId);
  const load = useLoad(personId);
  const bests = useBests(personId);
  return (
    <section aria-labelledby="week-heading" className="card">
      <h2 id="week-heading">Today and this week</h2>
      <Async loaded={wellness}>
        {({ today, reports, flags }) => {
          const todays = reports.find((r) => r.date === today);
          return todays ? (
            <p>
              Wellness reported today: score {todays.score}, {describeFlag(flags.wellness, 'your')}. <Link to="/me/wellness">Wellness history</Link>
            </p>
          ) : (
            <p>
              <Link to="/me/wellness">Send today’s wellness report</Link> (not sent yet).
            </p>
          );
        }}
      </Async>
      <Async loaded={load}>
        {({ days }) => {
          // Daily loads run up to today; the last seven days against the seven before them.
          const total = (slice: typeof days) => Math.round(slice.reduce((sum, d) => sum + d.load, 0));
          return days.some((d) => d.load > 0) ? (
            <p>
              Training load in the last 7 days: <strong>{total(days.slice(-7))}</strong> AU (the 7 days before: {total(days.slice(-14, -7))} AU). <Link to="/me/training">Training details</Link>
            </p>
          ) : (
            <p>No training recorded yet.</p>
          );
        }}
      </Async>
      <Async loaded={bests}>
        {({ bests: list }) => {
          const newest = [...list].sort((a, b) => (a.heaviest.date < b.heaviest.date ? 1 : -1))[0];
          return newest ? (
            <p>
              Newest personal best: {newest.exercise.name}, {newest.heaviest.load ? formatLoad(newest.heaviest.load) : 'body weight'} × {newest.heaviest.reps} on {newest.heaviest.date}.
            </p>
          ) : null;
        }}
      </Async>
    </section>
  );
}
