import { useMemo } from 'react';
import { useMe } from '../app/session.tsx';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx';
import { useBests, useLoad, type Best } from './hooks.ts';

/** The participant's training: weekly load (session-RPE) and personal bests. */
export function MyTrainingPage() {
  const me = useMe();
  const bests = useBests(me.personId);
  const load = useLoad(me.personId);
  const weekly = useMemo(() => (load.data?.weeks ?? []).map((w) => ({ date: w.weekStart, value: w.load })), [load.data]);
  return (
    <Page title="My training">
      <Async loaded={load}>
        {() =>
          weekly.length ? (
            <TimeSeriesChart title="Weekly training load" description="session RPE × minutes, summed per week" yLabel="Load (arbitrary units, RPE × min)" points={weekly} />
          ) : (
            <p>No training recorded yet.</p>
          )
        }
      </Async>
      <h2>Personal bests</h2>
      <Async loaded={bests}>{(data) => (data.bests.length ? <BestsTable bests={data.bests} /> : <p>No personal bests yet.</p>)}</Async>
    </Page>
  );
}

function BestsTable({ bests }: { bests: Best[] }) {
  return (
    <DataTable
      label="Personal bests"
      columns={['Exercise', 'Heaviest', 'Estimated 1RM (Epley)', 'Most reps']}
      rows={bests.map((best) => [
        best.exercise.name,
        `${best.heaviest.load.value} ${best.heaviest.load.unit} × ${best.heaviest.reps} (${best.heaviest.date})`,
        best.bestEstimated1rm ? `${best.bestEstimated1rm.epley.toFixed(1)} ${best.bestEstimated1rm.unit}` : '—',
        best.mostReps.reps,
      ])}
    />
  );
}
