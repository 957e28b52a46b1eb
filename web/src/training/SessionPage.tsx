import { useState, type FormEvent } from 'react';
import { api, type BodyOf, type ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { outcomeOf, SubmitWithOutcome, type Outcome } from './FormOutcome.tsx';
import { Async, Facts, Page, TableScroll } from '../app/ui.tsx';
import { usePeople } from '../roster/hooks.ts';
import { SessionSets } from './SessionSets.tsx';

type Attendance = BodyOf<'/api/training/sessions/{id}/attendance/{personId}', 'put'>;
type Recorded = ResponseOf<'/api/training/sessions/{id}'>['attendance'][number];
type SessionDetailView = ResponseOf<'/api/training/sessions/{id}'>;
type Status = Attendance['status'];
const statuses: Status[] = ['present', 'absent', 'excused', 'injured'];
interface Row {
  status: Status | '';
  rpe: string;
  minutes: string;
}

/** One session on one page: when it was held (its minutes), each participant's attendance with session RPE and load, and its sets. */
export function SessionPage({ params }: { params: Record<string, string> }) {
  return (
    <Page title="Session">
      <SessionDetail sessionId={Number(params.id)} />
    </Page>
  );
}

export function SessionDetail({ sessionId }: { sessionId: number }) {
  const session = useApi('/api/training/sessions/{id}', { path: { id: sessionId } });
  return (
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
          {s.status !== 'cancelled' && <HeldForm key={`${s.id}-${s.status}-${s.actual?.at ?? ''}-${s.actual?.minutes ?? ''}`} session={s} onSaved={session.reload} />}
          <AttendanceForm key={s.id} sessionId={s.id} unitId={s.unit.id} recorded={s.attendance} onSaved={session.reload} />
          {s.status !== 'cancelled' && <SessionSets unitId={s.unit.id} sessionId={s.id} logged={s.sets} onLogged={session.reload} />}
        </div>
      )}
    </Async>
  );
}

const minutesOfDay = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const timeOfDay = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** When the session started and finished: its minutes, which every attendee's load needs (a held session always has them). */
function HeldForm({ session, onSaved }: { session: SessionDetailView; onSaved: () => void }) {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const started = session.actual ?? session.planned;
  const minutes = session.actual?.minutes ?? session.planned.minutes ?? 60;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const start = String(data.get('started'));
    // A finish before the start is after midnight.
    const length = (minutesOfDay(String(data.get('finished'))) - minutesOfDay(start) + 24 * 60) % (24 * 60);
    setOutcome(
      await outcomeOf(async () => {
        const held = await api('patch', '/api/training/sessions/{id}', { path: { id: session.id }, body: { actualDate: String(data.get('date')), actualTime: start, actualMinutes: length } });
        onSaved();
        return `Held: ${held.actual?.date} ${held.actual?.time}, ${held.actual?.minutes} min.`;
      }),
    );
  }

  return (
    <form onSubmit={save} className="card stack" aria-labelledby="held-heading">
      <h2 id="held-heading">{session.status === 'held' ? 'When it was held' : 'Mark it held'}</h2>
      <div className="grid">
        <label>
          Date
          <input type="date" name="date" required defaultValue={started.date} />
        </label>
        <label>
          Started ({session.unit.timeZone})
          <input type="time" name="started" required defaultValue={started.time} />
        </label>
        <label>
          Finished
          <input type="time" name="finished" required defaultValue={timeOfDay(minutesOfDay(started.time) + minutes)} />
        </label>
      </div>
      <SubmitWithOutcome label={session.status === 'held' ? 'Save the times' : 'Mark held'} outcome={outcome} />
    </form>
  );
}

/** A participant's load at the session, or why there is none (never a 0 for a load that cannot be computed). */
function loadLine(recorded: Recorded | undefined): string {
  if (recorded?.load != null) return `Load: ${Math.round(recorded.load)}`;
  return recorded?.loadMissing ? `Load missing: ${recorded.loadMissing}` : '';
}

function AttendanceForm({ sessionId, unitId, recorded, onSaved }: { sessionId: number; unitId: number; recorded: readonly Recorded[]; onSaved: () => void }) {
  const people = usePeople(unitId);
  const [rows, setRows] = useState<Record<number, Row>>(() =>
    Object.fromEntries(recorded.map((a) => [a.person.id, { status: a.status, rpe: a.rpe === null ? '' : String(a.rpe), minutes: a.minutes === null ? '' : String(a.minutes) }])),
  );
  const [message, setMessage] = useState<Outcome>(null);
  const participants = (people.data?.people ?? []).filter((p) => p.roles.includes('participant'));
  const rowOf = (id: number): Row => rows[id] ?? { status: '', rpe: '', minutes: '' };
  const recordedOf = (id: number) => recorded.find((a) => a.person.id === id);

  async function allPresent() {
    setMessage(
      await outcomeOf(async () => {
        const answer = await api('post', '/api/training/sessions/{id}/attendance/all-present', { path: { id: sessionId } });
        // Those just marked show as present; rows being edited keep what was typed.
        setRows((all) => ({ ...Object.fromEntries(answer.attendance.map((a) => [a.person.id, { status: a.status, rpe: a.rpe === null ? '' : String(a.rpe), minutes: a.minutes === null ? '' : String(a.minutes) }])), ...all }));
        onSaved();
        return `${answer.marked} marked present.`;
      }),
    );
  }
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
      <p className="muted">Session RPE is the participant’s CR-10 rating (0–10) of the whole session, asked about 30 minutes after it; minutes only when not the whole session. Load is RPE × minutes.</p>
      <p>
        <button type="button" onClick={() => void allPresent()}>
          All present
        </button>{' '}
        <span className="muted">marks everyone not yet recorded as present.</span>
      </p>
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
                        {/* Under the name, wrapped to its width: a phone has no room for another column. */}
                        <span className="muted" style={{ display: 'block', whiteSpace: 'normal', fontWeight: 'normal' }}>
                          {loadLine(recordedOf(person.id))}
                        </span>
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
