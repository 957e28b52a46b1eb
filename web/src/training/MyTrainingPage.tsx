import { useMemo, useState } from 'react';
import { useMe } from '../app/session.tsx';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx';
import { formatLoad, useBests, useLoad, useSets, type Best, type TrainingSet } from './hooks.ts';
import { LoadUnitPreference, useLoadUnit } from './LoadUnitPreference.tsx';
import { OwnSetForm } from './OwnSetForm.tsx';

/** The participant's training: their sets, load over time, personal bests, and a set logged themselves; loads in their preferred unit. */
export function MyTrainingPage() {
  const me = useMe();
  const preference = useLoadUnit();
  const bests = useBests(me.personId);
  const load = useLoad(me.personId);
  const sets = useSets(me.personId);
  const weekly = useMemo(() => (load.data?.weeks ?? []).map((w) => ({ date: w.weekStart, value: w.load })), [load.data]);
  const reloadLoads = () => {
    sets.reload();
    bests.reload();
  };
  return (
    <Page title="My training">
      <LoadUnitPreference preference={preference} onChanged={reloadLoads} />
      <Async loaded={preference}>{({ loadUnit }) => <OwnSetForm personId={me.personId} loadUnit={loadUnit} onLogged={reloadLoads} />}</Async>
      <Async loaded={load}>
        {() =>
          weekly.length ? (
            <TimeSeriesChart title="Weekly training load" description="session RPE × minutes, summed per week" yLabel="Load (arbitrary units, RPE × min)" points={weekly} />
          ) : (
            <p>No training recorded yet.</p>
          )
        }
      </Async>
      <Async loaded={sets}>{(data) => <LoadOverTime sets={data.sets} />}</Async>
      <h2>Personal bests</h2>
      <p className="muted">Estimated 1RM by Epley (1985): load × (1 + reps ÷ 30), from sets of 1 to 12 reps.</p>
      <Async loaded={bests}>{(data) => (data.bests.length ? <BestsTable bests={data.bests} /> : <p>No personal bests yet.</p>)}</Async>
      <h2>My sets: the {RECENT_SETS} most recent</h2>
      <Async loaded={sets}>{(data) => (data.sets.length ? <SetsTable sets={data.sets} /> : <p>No sets in the last 12 weeks.</p>)}</Async>
    </Page>
  );
}

/** The heaviest set of one exercise on each day it was trained. */
function LoadOverTime({ sets }: { sets: TrainingSet[] }) {
  const lifted = sets.filter((s) => s.actual.load !== null && (s.actual.reps ?? 0) > 0);
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
      <TimeSeriesChart title={`${exercise}: heaviest set per day`} description="the heaviest load lifted for at least one rep on each day" yLabel={`Load (${unit})`} points={points} />
    </section>
  );
}

/** Enough to check what was logged lately; the chart and bests cover the 12 weeks. */
const RECENT_SETS = 30;

function SetsTable({ sets }: { sets: TrainingSet[] }) {
  const recent = [...sets].reverse().slice(0, RECENT_SETS);
  return (
    <DataTable
      label="My sets"
      columns={['Date', 'Exercise', 'Set', 'Reps', 'Load', 'RPE', 'Estimated 1RM (Epley)', 'Logged by']}
      rowKey={(i) => recent[i].id}
      rows={recent.map((s) => [
        s.at.date,
        s.exercise.name,
        s.setNumber,
        s.actual.reps ?? '—',
        formatLoad(s.actual.load),
        s.actual.rpe ?? '—',
        s.estimated1rm ? `${s.estimated1rm.epley} ${s.estimated1rm.unit}` : '—',
        s.selfReported ? 'you' : 'trainer',
      ])}
    />
  );
}

function BestsTable({ bests }: { bests: Best[] }) {
  return (
    <DataTable
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
