import { useState } from 'react';
import { api } from '../api/client.ts';
import { useMe } from '../app/session.tsx';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { passLabel, useDrills, useLeaderboard, usePersonDrills, type Attempt } from './hooks.ts';
import { Picker } from '../training/fields.tsx';
import { Leaderboard } from './Leaderboard.tsx';

/** The participant's drills: personal bests and attempts (pass or fail), their unit's board, and leaving their name off boards. */
export function MyDrillsPage() {
  const me = useMe();
  const mine = usePersonDrills(me.personId);
  return (
    <Page title="My drills">
      <OptOut />
      <h2>Personal bests</h2>
      <Async loaded={mine}>{(data) => (data.bests.length ? <AttemptTable label="My personal bests" attempts={data.bests} /> : <p>No drill attempts yet.</p>)}</Async>
      {/* The board opens on the drill of their latest attempt. */}
      {me.unit && <Async loaded={mine}>{(data) => <UnitBoard unit={me.unit!} initialDrillId={data.attempts.at(-1)?.drill.id ?? null} />}</Async>}
      <h2>All attempts</h2>
      <Async loaded={mine}>{(data) => (data.attempts.length ? <AttemptTable label="My drill attempts" attempts={[...data.attempts].reverse()} /> : <p>None.</p>)}</Async>
    </Page>
  );
}

export function AttemptTable({ label, attempts }: { label: string; attempts: Attempt[] }) {
  return (
    <DataTable
      label={label}
      columns={['Drill', 'Time', 'Standard', 'Result', 'Date']}
      rowKey={(i) => attempts[i].id}
      rows={attempts.map((a) => [a.drill.name, a.time, a.drill.standard, passLabel(a.passed), a.at.date])}
    />
  );
}

function OptOut() {
  const setting = useApi('/api/me/leaderboards');
  // What was chosen here, shown at once; the server's answer confirms it (or the error undoes it).
  const [chosen, setChosen] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function change(optOut: boolean) {
    setError(null);
    setChosen(optOut);
    try {
      setChosen((await api('put', '/api/me/leaderboards', { body: { optOut } })).optOut);
    } catch (failure) {
      setChosen(null);
      setError((failure as Error).message);
    }
  }
  return (
    <Async loaded={setting}>
      {({ optOut }) => (
        <div className="card">
          <label className="inline">
            <input type="checkbox" checked={chosen ?? optOut} onChange={(e) => void change(e.target.checked)} />
            Leave my name off unit leaderboards (my times still count; others see “Name withheld”)
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </div>
      )}
    </Async>
  );
}

function UnitBoard({ unit, initialDrillId }: { unit: { id: number; name: string }; initialDrillId: number | null }) {
  const drills = useDrills();
  return (
    <section aria-labelledby="unit-board" className="stack">
      <h2 id="unit-board">{unit.name} leaderboard</h2>
      <Async loaded={drills}>
        {({ drills: list }) => (
          <Picker label="Drill" items={list} optionLabel={(d) => d.name} initialId={initialDrillId}>
            {(drill) => <UnitDrillBoard key={drill.id} unit={unit} drillId={drill.id} />}
          </Picker>
        )}
      </Async>
    </section>
  );
}

function UnitDrillBoard({ unit, drillId }: { unit: { id: number; name: string }; drillId: number }) {
  return <Leaderboard board={useLeaderboard(unit.id, drillId)} unitName={unit.name} />;
}
