import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { Async, Page } from '../app/ui.tsx';
import { usePeople, type Unit } from '../roster/hooks.ts';
import { FormOutcome, type Outcome } from '../training/FormOutcome.tsx';
import { localNow } from '../training/localTime.ts';
import { UnitPicker } from '../training/UnitPicker.tsx';
import { passLabel, useDrills, useLeaderboard, type Drill } from './hooks.ts';
import { Leaderboard } from './Leaderboard.tsx';

/** The trainer's drills: record a timed attempt (pass or fail against the standard) and see the unit's leaderboard. */
export function DrillsPage() {
  const drills = useDrills();
  const [drillId, setDrillId] = useState<number | null>(null);
  return (
    <Page title="Drills">
      <Async loaded={drills}>
        {({ drills: list }) => {
          const drill = list.find((d) => d.id === drillId) ?? list[0];
          return (
            <>
              <label className="narrow">
                Drill
                <select value={drill.id} onChange={(e) => setDrillId(Number(e.target.value))}>
                  {list.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name} (standard {d.standard})
                    </option>
                  ))}
                </select>
              </label>
              <p className="muted">{drill.description}</p>
              <UnitPicker>{(unit) => <UnitDrill key={`${unit.id}-${drill.id}`} unit={unit} drill={drill} />}</UnitPicker>
            </>
          );
        }}
      </Async>
    </Page>
  );
}

function UnitDrill({ unit, drill }: { unit: Unit; drill: Drill }) {
  const board = useLeaderboard(unit.id, drill.id);
  return (
    <div className="columns">
      <AttemptForm unit={unit} drill={drill} onRecorded={board.reload} />
      <section aria-labelledby="board-heading">
        <h2 id="board-heading">Leaderboard</h2>
        <Leaderboard board={board} unitName={unit.name} />
      </section>
    </div>
  );
}

function AttemptForm({ unit, drill, onRecorded }: { unit: Unit; drill: Drill; onRecorded: () => void }) {
  const people = usePeople(unit.id);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const now = localNow(unit.timeZone);
  const participants = (people.data?.people ?? []).filter((p) => p.roles.includes('participant'));

  async function record(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    try {
      const attempt = await api('post', '/api/drills/{id}/attempts', {
        path: { id: drill.id },
        body: { personId: Number(data.get('personId')), date: String(data.get('date')), time: String(data.get('time')), result: String(data.get('result')) },
      });
      const person = participants.find((p) => p.id === Number(data.get('personId')));
      setOutcome({ ok: true, text: `${person?.designation}: ${attempt.time}, ${passLabel(attempt.passed)} against ${drill.standard}.` });
      onRecorded();
    } catch (failure) {
      setOutcome({ ok: false, text: (failure as Error).message });
    }
  }

  return (
    <form onSubmit={record} className="card stack" aria-labelledby="attempt-heading">
      <h2 id="attempt-heading">Record an attempt</h2>
      <Async loaded={people}>
        {() => (
          <label>
            Participant
            <select name="personId" required>
              {participants.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.designation} {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </Async>
      <label>
        Time taken (m:ss, e.g. 4:32)
        <input name="result" required inputMode="decimal" pattern="[0-9:.]+" placeholder="4:32" />
      </label>
      <div className="grid">
        <label>
          Date
          <input type="date" name="date" required defaultValue={now.date} />
        </label>
        <label>
          Time of day ({unit.timeZone})
          <input type="time" name="time" required defaultValue={now.time} />
        </label>
      </div>
      <button type="submit" className="primary">
        Record the attempt
      </button>
      <FormOutcome outcome={outcome} />
    </form>
  );
}
