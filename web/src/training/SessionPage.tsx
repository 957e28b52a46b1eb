import { useState, type FormEvent } from 'react';
import { api, type BodyOf } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { outcomeOf, SubmitWithOutcome, type Outcome } from './FormOutcome.tsx';
import { Async, Facts, Page, TableScroll } from '../app/ui.tsx';
import { usePeople } from '../roster/hooks.ts';

type Attendance = BodyOf<'/api/training/sessions/{id}/attendance/{personId}', 'put'>;
type Status = Attendance['status'];
const statuses: Status[] = ['present', 'absent', 'excused', 'injured'];
interface Row {
  status: Status | '';
  rpe: string;
  minutes: string;
}

/** One session: when it was planned and held, and each participant's attendance with their session RPE (CR-10) and minutes. */
export function SessionPage({ params }: { params: Record<string, string> }) {
  const session = useApi('/api/training/sessions/{id}', { path: { id: Number(params.id) } });
  return (
    <Page title="Session and attendance">
      <Async loaded={session}>
        {(s) => (
          <div className="stack">
            <Facts
              items={[
                ['Session', s.title],
                ['Unit', `${s.unit.name} (${s.unit.timeZone})`],
                ['Planned', `${s.planned.date} ${s.planned.time}${s.planned.minutes === null ? '' : `, ${s.planned.minutes} min`}`],
                ['Held', s.actual ? `${s.actual.date} ${s.actual.time}${s.actual.minutes === null ? '' : `, ${s.actual.minutes} min`}` : '—'],
                ['Status', s.status],
                ['Sets logged', s.sets.length],
              ]}
            />
            {s.status !== 'cancelled' && <Link to={`/training/log?unitId=${s.unit.id}&session=${s.id}`}>Log sets of this session</Link>}
            <AttendanceForm key={s.id} sessionId={s.id} unitId={s.unit.id} recorded={s.attendance} onSaved={session.reload} />
          </div>
        )}
      </Async>
    </Page>
  );
}

function AttendanceForm({ sessionId, unitId, recorded, onSaved }: { sessionId: number; unitId: number; recorded: { person: { id: number }; status: Status; rpe: number | null; minutes: number | null }[]; onSaved: () => void }) {
  const people = usePeople(unitId);
  const [rows, setRows] = useState<Record<number, Row>>(() =>
    Object.fromEntries(recorded.map((a) => [a.person.id, { status: a.status, rpe: a.rpe === null ? '' : String(a.rpe), minutes: a.minutes === null ? '' : String(a.minutes) }])),
  );
  const [message, setMessage] = useState<Outcome>(null);
  const participants = (people.data?.people ?? []).filter((p) => p.roles.includes('participant'));
  const rowOf = (id: number): Row => rows[id] ?? { status: '', rpe: '', minutes: '' };
  const change = (id: number, patch: Partial<Row>) => setRows((all) => ({ ...all, [id]: { ...rowOf(id), ...patch } }));

  async function save(event: FormEvent) {
    event.preventDefault();
    const marked = participants.filter((p) => rowOf(p.id).status !== '');
    setMessage(
      await outcomeOf(async () => {
        for (const person of marked) {
          const row = rowOf(person.id);
          const body: Attendance = { status: row.status as Status, rpe: row.rpe === '' ? null : Number(row.rpe), minutes: row.minutes === '' ? null : Number(row.minutes) };
          await api('put', '/api/training/sessions/{id}/attendance/{personId}', { path: { id: sessionId, personId: person.id }, body }).catch((failure: Error) => {
            throw new Error(`${person.designation}: ${failure.message}`);
          });
        }
        onSaved();
        return `Attendance saved for ${marked.length} participants.`;
      }),
    );
  }

  return (
    <form onSubmit={save} className="stack" aria-labelledby="attendance-heading">
      <h2 id="attendance-heading">Attendance</h2>
      <p className="muted">Session RPE is the participant’s CR-10 rating (0–10) of the whole session, asked about 30 minutes after it; minutes only when not the whole session.</p>
      <Async loaded={people}>
        {() => (
          <TableScroll label="Attendance by participant">
            <table className="set-grid attendance">
              <thead>
                <tr>
                  <th scope="col">Participant</th>
                  <th scope="col">Attendance</th>
                  <th scope="col">
                    <abbr title="Session RPE, CR-10">RPE</abbr>
                  </th>
                  <th scope="col">
                    <abbr title="Minutes, when not the whole session">Min</abbr>
                  </th>
                </tr>
              </thead>
              <tbody>
                {participants.map((person) => {
                  const row = rowOf(person.id);
                  return (
                    <tr key={person.id}>
                      <th scope="row">
                        {person.designation}
                        <br />
                        <span className="muted">{person.name}</span>
                      </th>
                      <td>
                        <select aria-label={`${person.designation} attendance`} value={row.status} onChange={(e) => change(person.id, { status: e.target.value as Status | '' })}>
                          <option value="">not yet</option>
                          {statuses.map((status) => (
                            <option key={status} value={status}>
                              {status}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <input aria-label={`${person.designation} session RPE`} inputMode="decimal" size={3} value={row.rpe} disabled={row.status !== 'present'} onChange={(e) => change(person.id, { rpe: e.target.value })} />
                      </td>
                      <td>
                        <input aria-label={`${person.designation} minutes`} inputMode="numeric" size={3} value={row.minutes} onChange={(e) => change(person.id, { minutes: e.target.value })} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Async>
      <SubmitWithOutcome label="Save attendance" outcome={message} />
    </form>
  );
}
