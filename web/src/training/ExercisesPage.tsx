import { useState, type FormEvent } from 'react';
import { api, type ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { ExerciseSelect } from './fields.tsx';
import { outcomeOf, SubmitWithOutcome, type Outcome } from './FormOutcome.tsx';

type Exercise = ResponseOf<'/api/exercises'>['exercises'][number];

const categories = ['strength', 'bodyweight', 'conditioning'] as const;
/** "Tyre flip, Tire flip" → the names typed, each trimmed. */
const namesIn = (text: string) => text.split(',').map((name) => name.trim()).filter(Boolean);

/**
 * The exercise catalogue that sessions, sets and imports name: every exercise with the other
 * names an import may use for it. Trainers add exercises, and names to an existing one (for a
 * spelling a coach's sheet or another app uses) so that a refused import row goes through.
 */
export function ExercisesPage() {
  const exercises = useApi('/api/exercises');
  return (
    <Page title="Exercises">
      <Async loaded={exercises}>
        {({ exercises: list }) => (
          <>
            <div className="columns">
              <AddExercise onAdded={exercises.reload} />
              <AddNames exercises={list} onAdded={exercises.reload} />
            </div>
            <h2>Catalogue</h2>
            <DataTable
              label="The exercise catalogue"
              columns={['Exercise', 'Category', 'Other names imports match']}
              rowKey={(i) => list[i].id}
              rows={list.map((e) => [e.name, e.category, e.aliases.join(', ') || '—'])}
            />
          </>
        )}
      </Async>
    </Page>
  );
}

/** A form whose submission reports its outcome and clears on success. */
function useCatalogueForm(submit: (data: FormData) => Promise<string>) {
  const [outcome, setOutcome] = useState<Outcome>(null);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const result = await outcomeOf(() => submit(new FormData(form)));
    if (result?.ok) form.reset();
    setOutcome(result);
  }
  return { outcome, onSubmit };
}

function AddExercise({ onAdded }: { onAdded: () => void }) {
  const { outcome, onSubmit } = useCatalogueForm(async (data) => {
    const added = await api('post', '/api/exercises', {
      body: { name: String(data.get('name')), category: String(data.get('category')) as (typeof categories)[number], aliases: namesIn(String(data.get('aliases'))) },
    });
    onAdded();
    return `Added ${added.name}.`;
  });
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby="add-exercise">
      <h2 id="add-exercise">Add an exercise</h2>
      <label>
        Name
        <input name="name" required maxLength={100} />
      </label>
      <label>
        Category
        <select name="category" defaultValue="strength">
          {categories.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        Other names (comma-separated, optional)
        <input name="aliases" />
      </label>
      <SubmitWithOutcome label="Add the exercise" outcome={outcome} />
    </form>
  );
}

function AddNames({ exercises, onAdded }: { exercises: readonly Exercise[]; onAdded: () => void }) {
  const { outcome, onSubmit } = useCatalogueForm(async (data) => {
    const updated = await api('post', '/api/exercises/{id}/aliases', { path: { id: Number(data.get('exercise')) }, body: { aliases: namesIn(String(data.get('aliases'))) } });
    onAdded();
    return `${updated.name} is also matched as: ${updated.aliases.join(', ')}.`;
  });
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby="add-names">
      <h2 id="add-names">Add other names to an exercise</h2>
      <ExerciseSelect exercises={exercises} name="exercise" />
      <label>
        Other names (comma-separated)
        <input name="aliases" required />
      </label>
      <SubmitWithOutcome label="Add the names" outcome={outcome} />
    </form>
  );
}
