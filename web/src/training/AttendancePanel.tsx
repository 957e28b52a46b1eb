import { Async, DataTable } from '../app/ui.tsx';
import { useApi } from '../app/useApi.ts';

/** A person's attendance at training sessions, newest first, with each session's load or why it has none. */
export function AttendancePanel({ personId }: { personId: number }) {
  const attendance = useApi('/api/people/{id}/training/attendance', { path: { id: personId } });
  return (
    <section aria-labelledby="attendance-heading">
      <h2 id="attendance-heading">Attendance</h2>
      <Async loaded={attendance}>
        {({ from, to, counts, sessions }) =>
          sessions.length ? (
            <>
              <p>
                Present at <strong>{counts.present}</strong> of {counts.recorded} sessions recorded from {from} to {to}
                {counts.recorded ? ` (${Math.round((100 * counts.present) / counts.recorded)}%)` : ''}.
              </p>
              <details>
                <summary>Each session</summary>
                <DataTable
                  stacked
                  label="Sessions attended"
                  columns={['Date', 'Session', 'Unit', 'Status', 'RPE', 'Load (AU)']}
                  rowKey={(i) => sessions[i].session.id}
                  rows={sessions.map((s) => [
                    s.session.planned.date,
                    s.session.title,
                    s.session.unit.name,
                    s.status,
                    s.rpe ?? '—',
                    s.load ?? (s.loadMissing ? `missing: ${s.loadMissing}` : '—'),
                  ])}
                />
              </details>
            </>
          ) : (
            <p>
              No attendance recorded from {from} to {to}.
            </p>
          )
        }
      </Async>
    </section>
  );
}
