import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { useLocation } from '../app/router.tsx';
import { Async, ErrorMessage, Page } from '../app/ui.tsx';
import { usePeople, type Unit } from '../roster/hooks.ts';
import { enqueue, flushOutbox, type QueuedSet } from './outbox.ts';
import { OutboxStatus } from './OutboxStatus.tsx';
import { localNow } from './localTime.ts';
import { ExerciseSelect } from './fields.tsx';
import { UnitPicker } from './UnitPicker.tsx';
import { cellKey, SetGrid, type CellValue, type GridValues } from './SetGrid.tsx';


/**
 * The trainer's session log: a unit, today's session, an exercise, then a grid of people by sets.
 * Opened from a planned session (`?unitId=&session=`), it starts on that session.
 */
export function SessionLogPage() {
  const query = new URLSearchParams(useLocation().search);
  const plannedUnit = Number(query.get('unitId')) || null;
  const plannedSession = Number(query.get('session')) || null;
  return (
    <Page title="Log a session">
      <UnitPicker initialUnitId={plannedUnit}>{(unit) => <UnitSession key={unit.id} unit={unit} plannedSession={unit.id === plannedUnit ? plannedSession : null} />}</UnitPicker>
      <OutboxStatus />
    </Page>
  );
}

function UnitSession({ unit, plannedSession }: { unit: Unit; plannedSession: number | null }) {
  const today = localNow(unit.timeZone).date;
  const sessions = useApi('/api/training/sessions', { query: { unitId: unit.id, from: today, to: today } });
  const planned = useApi(plannedSession === null ? null : '/api/training/sessions/{id}', { path: { id: plannedSession ?? 0 } });
  const [chosen, setChosen] = useState<number | null>(plannedSession);
  const [error, setError] = useState<Error | null>(null);
  const todays = (sessions.data?.sessions ?? []).filter((s) => s.unit.id === unit.id && s.planned.date === today);
  // A planned session opened from the plan may be on another day: offer it too.
  if (planned.data && !todays.some((s) => s.id === planned.data!.id)) todays.unshift(planned.data);
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
                {s.planned.date === today ? '' : `${s.planned.date} `}
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
          {(data) => <ExerciseSelect exercises={data.exercises} value={exercise?.id ?? ''} onChange={(e) => setExerciseId(Number(e.target.value))} />}
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
