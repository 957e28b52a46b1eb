import { Link } from '../app/router.tsx';
import { Async, DataTable } from '../app/ui.tsx';
import { useApi } from '../app/useApi.ts';
import { localNow } from './localTime.ts';

/** A day either side of today's UTC date covers every unit's zone; each session's own local date then decides. */
const dayAround = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/**
 * The trainer's home section: today's sessions of the units they train, each a step from its
 * attendance and its grid of sets; "today" is each unit's own local day.
 */
export function TodaysSessions() {
  const sessions = useApi('/api/training/sessions', { query: { from: dayAround(-1), to: dayAround(1) } });
  return (
    <section aria-labelledby="todays-sessions-heading">
      <h2 id="todays-sessions-heading">Today’s sessions</h2>
      <Async loaded={sessions}>
        {(data) => {
          const todays = data.sessions.filter((s) => (s.actual ?? s.planned).date === localNow(s.unit.timeZone).date && s.status !== 'cancelled');
          return todays.length ? (
            <DataTable
              stacked
              label="Sessions today by unit"
              columns={['Time', 'Unit', 'Session', 'Status', '']}
              rowKey={(i) => todays[i].id}
              rows={todays.map((s) => [
                (s.actual ?? s.planned).time,
                s.unit.name,
                s.title,
                s.status,
                <span key="links" className="actions">
                  <Link to={`/training/sessions/${s.id}`}>Attendance</Link> <Link to={`/training/log?unitId=${s.unit.id}&session=${s.id}`}>Log sets</Link>
                </span>,
              ])}
            />
          ) : (
            <p>
              No session today. <Link to="/training/sessions">Plan one</Link> or <Link to="/training/log">start one now</Link>.
            </p>
          );
        }}
      </Async>
    </section>
  );
}
