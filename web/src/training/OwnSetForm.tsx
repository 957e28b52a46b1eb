import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async } from '../app/ui.tsx';
import { ExerciseSelect } from './fields.tsx';
import { FormOutcome, outcomeOf, type Outcome } from './FormOutcome.tsx';
import type { LoadUnit } from './LoadUnitPreference.tsx';

const optionalNumber = (value: FormDataEntryValue | null) => (value === null || String(value).trim() === '' ? null : Number(value));

/**
 * A participant logs a set of their own at a session of their unit they attended
 * (GET /api/me/training/sessions lists them); the server marks it self-reported.
 */
export function OwnSetForm({ personId, loadUnit, onLogged }: { personId: number; loadUnit: LoadUnit; onLogged: () => void }) {
  const sessions = useApi('/api/me/training/sessions');
  const exercises = useApi('/api/exercises');
  const [outcome, setOutcome] = useState<Outcome>(null);

  async function log(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setOutcome(
      await outcomeOf(async () => {
        const set = await api('post', '/api/training/sets', {
          body: {
            personId,
            sessionId: Number(data.get('sessionId')),
            exerciseId: Number(data.get('exerciseId')),
            setNumber: Number(data.get('setNumber')),
            loadUnit,
            actual: { reps: optionalNumber(data.get('reps')), load: optionalNumber(data.get('load')), rpe: optionalNumber(data.get('rpe')) },
          },
        });
        onLogged();
        return `Logged: ${set.exercise.name} set ${set.setNumber}, ${set.actual.reps ?? '—'} reps${set.actual.load ? ` at ${set.actual.load.value} ${set.actual.load.unit}` : ''}.`;
      }),
    );
  }

  return (
    <form onSubmit={log} className="card stack" aria-labelledby="own-set-heading">
      <h2 id="own-set-heading">Log a set yourself</h2>
      <Async loaded={sessions}>
        {({ sessions: list }) =>
          list.length === 0 ? (
            <p className="muted">No session of your unit in the last 14 days to log to.</p>
          ) : (
            <>
              <div className="grid">
                <label>
                  Session
                  <select name="sessionId" required>
                    {list.map((s) => (
                      <option key={s.id} value={s.id}>
                        {(s.actual ?? s.planned).date} {(s.actual ?? s.planned).time} {s.title}
                      </option>
                    ))}
                  </select>
                </label>
                <Async loaded={exercises}>
                  {(data) => <ExerciseSelect exercises={data.exercises} name="exerciseId" required />}
                </Async>
                <label>
                  Set number
                  <input type="number" name="setNumber" min="1" max="50" defaultValue="1" required />
                </label>
                <label>
                  Reps
                  <input type="number" name="reps" min="0" max="1000" />
                </label>
                <label>
                  Load ({loadUnit})
                  <input type="number" name="load" min="0" step="any" />
                </label>
                <label>
                  RPE (1–10)
                  <input type="number" name="rpe" min="1" max="10" step="0.5" />
                </label>
              </div>
              <button type="submit" className="primary">
                Log the set
              </button>
            </>
          )
        }
      </Async>
      <FormOutcome outcome={outcome} />
    </form>
  );
}
