import { useMe } from '../app/session.tsx';
import { Async, DataTable, ExportLinks, Page } from '../app/ui.tsx';
import { formatLoad, useBests, useLoad, useSets, type TrainingSet } from './hooks.ts';
import { LoadUnitPreference, useLoadUnit } from './LoadUnitPreference.tsx';
import { OwnSetForm } from './OwnSetForm.tsx';
import { TrainingPanels } from './TrainingPanels.tsx';

/** The participant's training: their sets, load over time, personal bests, and a set logged themselves; loads in their preferred unit. */
export function MyTrainingPage() {
  const me = useMe();
  const preference = useLoadUnit();
  const bests = useBests(me.personId);
  const load = useLoad(me.personId);
  const sets = useSets(me.personId);
  const reloadLoads = () => {
    sets.reload();
    bests.reload();
  };
  return (
    <Page title="My training">
      <LoadUnitPreference preference={preference} onChanged={reloadLoads} />
      <Async loaded={preference}>{({ loadUnit }) => <OwnSetForm personId={me.personId} loadUnit={loadUnit} onLogged={reloadLoads} />}</Async>
      <TrainingPanels load={load} sets={sets} bests={bests} />
      <h2>My sets: the {RECENT_SETS} most recent</h2>
      <Async loaded={sets}>{(data) => (data.sets.length ? <SetsTable sets={data.sets} /> : <p>No sets in the last 12 weeks.</p>)}</Async>
      {/* Every set of theirs, not only the recent ones: the export answers a participant with their own. */}
      <ExportLinks path="/api/training/export" what="my training sets" />
    </Page>
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
