import { useMemo, useState } from 'react';
import { Async, DataTable } from '../app/ui.tsx';
import type { Loaded } from '../app/useApi.ts';
import { SeriesOrValue } from './SeriesOrValue.tsx';
import { formatLoad, type Best, type LoadHistory, type TrainingSet } from './hooks.ts';

/**
 * A participant's training over the last weeks: weekly load, the heaviest set a day of an
 * exercise, and personal bests. The participant's own page and the staff's page of a person
 * show the same panels; each caller loads the data (the participant's page reloads it after a set).
 */
export function TrainingPanels({ load, sets, bests }: { load: Loaded<LoadHistory>; sets: Loaded<{ sets: TrainingSet[] }>; bests: Loaded<{ bests: Best[] }> }) {
  const weekly = useMemo(() => (load.data?.weeks ?? []).map((w) => ({ date: w.weekStart, value: w.load })), [load.data]);
  return (
    <>
      <Async loaded={load}>
        {() =>
          weekly.length ? (
            <SeriesOrValue title="Weekly training load" description="session RPE × minutes, summed per week from Monday; the last point is the current week so far" yLabel="Load (arbitrary units, RPE × min)" unit="AU" points={weekly} />
          ) : (
            <p>No training recorded yet.</p>
          )
        }
      </Async>
      <Async loaded={sets}>{(data) => <LoadOverTime sets={data.sets} />}</Async>
      <h2>Personal bests</h2>
      <p className="muted">Estimated 1RM by Epley (1985): load × (1 + reps ÷ 30), from sets of 1 to 12 reps.</p>
      <Async loaded={bests}>{(data) => (data.bests.length ? <BestsTable bests={data.bests} /> : <p>No personal bests yet.</p>)}</Async>
    </>
  );
}

/** The heaviest set of one exercise on each day it was trained, warm-ups left out. */
function LoadOverTime({ sets }: { sets: TrainingSet[] }) {
  // Warm-ups are not what was lifted (docs/training.md, "Set kinds").
  const lifted = sets.filter((s) => s.kind !== 'warmup' && s.actual.load !== null && (s.actual.reps ?? 0) > 0);
  const names = [...new Set(lifted.map((s) => s.exercise.name))].sort();
  const [chosen, setChosen] = useState<string | null>(null);
  const exercise = chosen ?? names[0];
  const heaviest = new Map<string, number>();
  for (const s of lifted) if (s.exercise.name === exercise) heaviest.set(s.at.date, Math.max(heaviest.get(s.at.date) ?? 0, s.actual.load!.value));
  const points = [...heaviest].map(([date, value]) => ({ date, value }));
  if (!exercise) return null;
  const unit = lifted[0].actual.load!.unit;
  return (
    <section aria-labelledby="load-over-time" className="stack">
      <h2 id="load-over-time">Load over time</h2>
      <label className="narrow">
        Exercise
        <select value={exercise} onChange={(e) => setChosen(e.target.value)}>
          {names.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <SeriesOrValue title={`${exercise}: heaviest set per day`} description="the heaviest load lifted for at least one rep on each day" yLabel={`Load (${unit})`} unit={unit} points={points} />
    </section>
  );
}

function BestsTable({ bests }: { bests: Best[] }) {
  return (
    <DataTable
      stacked
      label="Personal bests"
      columns={['Exercise', 'Heaviest', 'Estimated 1RM (Epley)', 'Brzycki', 'Most reps']}
      rows={bests.map((best) => [
        best.exercise.name,
        `${formatLoad(best.heaviest.load)} × ${best.heaviest.reps} (${best.heaviest.date})`,
        best.bestEstimated1rm ? `${best.bestEstimated1rm.epley.toFixed(1)} ${best.bestEstimated1rm.unit}` : '—',
        best.bestEstimated1rm ? `${best.bestEstimated1rm.brzycki.toFixed(1)} ${best.bestEstimated1rm.unit}` : '—',
        best.mostReps.reps,
      ])}
    />
  );
}
