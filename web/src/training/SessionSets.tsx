import { useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable } from '../app/ui.tsx';
import { usePeople } from '../roster/hooks.ts';
import { enqueue, flushOutbox, useOutbox, useSentCount, type QueuedSet } from './outbox.ts';
import { ExerciseSelect } from './fields.tsx';
import { cellKey, SetGrid, type CellValue, type GridValues } from './SetGrid.tsx';

interface LoggedSet {
  personId: number;
  exercise: { id: number };
  setNumber: number;
  actual: { reps: number | null; load: { value: number; unit: string } | null };
}

/**
 * A session's sets: an exercise, then a grid of participants by sets. After saving, the grid
 * keeps the chosen exercise and what was logged is listed beneath it, from the server or, while
 * offline, from the outbox on this device.
 */
export function SessionSets({ unitId, sessionId, logged, onLogged }: { unitId: number; sessionId: number; logged: readonly LoggedSet[]; onLogged: () => void }) {
  const exercises = useApi('/api/exercises');
  const people = usePeople(unitId);
  const waiting = useOutbox();
  // The exercise chosen for this session, kept for the tab's life: saving, or leaving and coming back, keeps it.
  const exerciseKey = `muster.training.exercise.${sessionId}`;
  const [exerciseId, setExerciseIdState] = useState<number | null>(() => Number(sessionStorage.getItem(exerciseKey)) || null);
  const setExerciseId = (id: number) => {
    sessionStorage.setItem(exerciseKey, String(id));
    setExerciseIdState(id);
  };
  const [sets, setSets] = useState(3);
  const [loadUnit, setLoadUnit] = useState<'kg' | 'lb'>('kg');
  const [values, setValues] = useState<GridValues>({});
  const [message, setMessage] = useState<string | null>(null);
  const exercise = exercises.data?.exercises.find((e) => e.id === exerciseId) ?? exercises.data?.exercises[0];
  const participants = (people.data?.people ?? []).filter((p) => p.roles.includes('participant') && p.unit?.id === unitId);
  // Once the server has taken sets of this session (now, or once back online, perhaps before this
  // page was open again), the session is read again so they are listed as saved.
  const sent = useSentCount(sessionId);
  useEffect(() => {
    if (sent > 0) onLogged();
  }, [sent, onLogged]);

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
    // The exercise stays chosen: the next sets are usually of the same one.
    if (exerciseId === null) setExerciseId(exercise.id);
    setMessage(`${queued.length} set${queued.length === 1 ? '' : 's'} of ${exercise.name} logged.`);
    void flushOutbox();
  }

  // What is logged of this exercise: on the server, and still on this device.
  const rows = new Map<string, { personId: number; setNumber: number; reps: number | null; load: string; where: string }>();
  if (exercise) {
    for (const s of logged) if (s.exercise.id === exercise.id) rows.set(`${s.personId}:${s.setNumber}`, { personId: s.personId, setNumber: s.setNumber, reps: s.actual.reps, load: s.actual.load ? `${s.actual.load.value} ${s.actual.load.unit}` : '—', where: 'saved' });
    for (const item of waiting) {
      const body = item.body;
      if (body.sessionId !== sessionId || body.exerciseId !== exercise.id) continue;
      const load = body.actual?.load;
      rows.set(`${body.personId}:${body.setNumber}`, { personId: body.personId, setNumber: body.setNumber, reps: body.actual?.reps ?? null, load: load == null ? '—' : `${load} ${body.loadUnit ?? 'kg'}`, where: item.refused ? `refused: ${item.refused}` : 'on this device' });
    }
  }
  const designation = (id: number) => participants.find((p) => p.id === id)?.designation ?? `person ${id}`;
  const list = [...rows.values()].sort((a, b) => designation(a.personId).localeCompare(designation(b.personId)) || a.setNumber - b.setNumber);

  return (
    <section className="stack" aria-labelledby="sets-heading">
      <h2 id="sets-heading">Sets</h2>
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
      {exercise && (
        <>
          <h3>Logged: {exercise.name}</h3>
          {list.length ? (
            <DataTable
              stacked
              label={`Logged sets of ${exercise.name}`}
              columns={['Participant', 'Set', 'Reps', 'Load', 'Where']}
              rows={list.map((r) => [designation(r.personId), r.setNumber, r.reps ?? '—', r.load, r.where])}
            />
          ) : (
            <p className="muted">No sets of {exercise.name} logged in this session yet.</p>
          )}
        </>
      )}
    </section>
  );
}
