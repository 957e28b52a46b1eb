import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, ErrorMessage, Page } from '../app/ui.tsx';
import { usePeople, useUnits, type Unit } from '../roster/hooks.ts';
import { enqueue, flushOutbox, type QueuedSet } from './outbox.ts';
import { OutboxStatus } from './OutboxStatus.tsx';
import { cellKey, SetGrid, type CellValue, type GridValues } from './SetGrid.tsx';

/** Today's date and the time now in a unit's zone: sessions are entered in local time. */
function localNow(timeZone: string) {
  const now = new Date();
  const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
  return { date, time };
}

/** The trainer's session log: a unit, today's session, an exercise, then a grid of people by sets. */
export function SessionLogPage() {
  const units = useUnits();
  const [unitId, setUnitId] = useState<number | null>(null);
  const unit = units.data?.units.find((u) => u.id === unitId) ?? units.data?.units[0];
  return (
    <Page title="Log a session">
      <Async loaded={units}>
        {({ units: list }) =>
          list.length === 0 || !unit ? (
            <p>You do not train a unit yet.</p>
          ) : (
            <>
              <label className="narrow">
                Unit
                <select value={unit.id} onChange={(e) => setUnitId(Number(e.target.value))}>
                  {list.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
                </select>
              </label>
              <UnitSession key={unit.id} unit={unit} />
            </>
          )
        }
      </Async>
      <OutboxStatus />
    </Page>
  );
}

function UnitSession({ unit }: { unit: Unit }) {
  const today = localNow(unit.timeZone).date;
  const sessions = useApi('/api/training/sessions', { query: { unitId: unit.id, from: today, to: today } });
  const [chosen, setChosen] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const todays = (sessions.data?.sessions ?? []).filter((s) => s.unit.id === unit.id && s.planned.date === today);
  const sessionId = chosen ?? todays[0]?.id ?? null;

  async function start() {
    const { date, time } = localNow(unit.timeZone);
    try {
      const created = await api('post', '/api/training/sessions', { body: { unitId: unit.id, title: `${unit.name} training`, date, time } });
      setChosen(created.id);
      sessions.reload();
    } catch (failure) {
      setError(failure as Error);
    }
  }

  return (
    <section aria-labelledby="session-heading" className="stack">
      <h2 id="session-heading">Today’s session ({today})</h2>
      {todays.length > 0 && (
        <label className="narrow">
          Session
          <select value={sessionId ?? ''} onChange={(e) => setChosen(Number(e.target.value))}>
            {todays.map((s) => (
              <option key={s.id} value={s.id}>
                {s.planned.time} {s.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <p>
        <button type="button" onClick={() => void start()}>
          Start a session now
        </button>
      </p>
      {error && <ErrorMessage error={error} />}
      {sessionId !== null && <SetsForm key={sessionId} unit={unit} sessionId={sessionId} />}
    </section>
  );
}

function SetsForm({ unit, sessionId }: { unit: Unit; sessionId: number }) {
  const exercises = useApi('/api/exercises');
  const people = usePeople(unit.id);
  const [exerciseId, setExerciseId] = useState<number | null>(null);
  const [sets, setSets] = useState(3);
  const [loadUnit, setLoadUnit] = useState<'kg' | 'lb'>('kg');
  const [values, setValues] = useState<GridValues>({});
  const [message, setMessage] = useState<string | null>(null);
  const exercise = exercises.data?.exercises.find((e) => e.id === exerciseId) ?? exercises.data?.exercises[0];
  const participants = (people.data?.people ?? []).filter((p) => p.roles.includes('participant') && p.unit?.id === unit.id);

  function save(event: FormEvent) {
    event.preventDefault();
    if (!exercise) return;
    const queued: QueuedSet[] = [];
    for (const person of participants) {
      for (let n = 1; n <= sets; n++) {
        const cell = values[cellKey(person.id, n)];
        if (!cell || (cell.reps.trim() === '' && cell.load.trim() === '')) continue;
        queued.push({
          key: `${person.id}:${sessionId}:${exercise.id}:${n}`,
          label: `${person.designation} ${exercise.name} set ${n}`,
          body: {
            sessionId,
            personId: person.id,
            exerciseId: exercise.id,
            setNumber: n,
            loadUnit,
            actual: { reps: cell.reps.trim() === '' ? null : Number(cell.reps), load: cell.load.trim() === '' ? null : Number(cell.load) },
          },
        });
      }
    }
    enqueue(queued);
    setValues({});
    setMessage(`${queued.length} sets of ${exercise.name} logged.`);
    void flushOutbox();
  }

  return (
    <form onSubmit={save} className="stack">
      <div className="grid">
        <Async loaded={exercises}>
          {(data) => (
            <label>
              Exercise
              <select value={exercise?.id ?? ''} onChange={(e) => setExerciseId(Number(e.target.value))}>
                {data.exercises.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </Async>
        <label>
          Sets
          <input type="number" min="1" max="10" value={sets} onChange={(e) => setSets(Math.min(10, Math.max(1, Number(e.target.value) || 1)))} />
        </label>
        <label>
          Load unit
          <select value={loadUnit} onChange={(e) => setLoadUnit(e.target.value as 'kg' | 'lb')}>
            <option value="kg">kg</option>
            <option value="lb">lb</option>
          </select>
        </label>
      </div>
      <Async loaded={people}>
        {() => <SetGrid people={participants} sets={sets} unit={loadUnit} values={values} onChange={(key: string, value: CellValue) => setValues((v) => ({ ...v, [key]: value }))} />}
      </Async>
      <button type="submit" className="primary">
        Save the sets
      </button>
      <p aria-live="polite" className="muted">
        {message}
      </p>
    </form>
  );
}
