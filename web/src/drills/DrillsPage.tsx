import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { Async, Page } from '../app/ui.tsx';
import { usePeople, type Unit } from '../roster/hooks.ts';
import { outcomeOf, SubmitWithOutcome, type Outcome } from '../training/FormOutcome.tsx';
import { localNow } from '../training/localTime.ts';
import { LocalDateTimeFields, ParticipantSelect, Picker } from '../training/fields.tsx';
import { UnitPicker } from '../training/UnitPicker.tsx';
import { passLabel, useDrills, useLeaderboard, type Drill } from './hooks.ts';
import { Leaderboard } from './Leaderboard.tsx';

/** The trainer's drills: record a timed attempt (pass or fail against the standard) and see the unit's leaderboard. */
export function DrillsPage() {
  const drills = useDrills();
  return (
    <Page title="Drills">
      <Async loaded={drills}>
        {({ drills: list }) => (
          <Picker label="Drill" items={list} optionLabel={(d) => `${d.name} (standard ${d.standard})`}>
            {(drill) => (
              <>
                <p className="muted">{drill.description}</p>
                <UnitPicker>{(unit) => <UnitDrill key={`${unit.id}-${drill.id}`} unit={unit} drill={drill} />}</UnitPicker>
              </>
            )}
          </Picker>
        )}
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

  async function record(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setOutcome(
      await outcomeOf(async () => {
        const attempt = await api('post', '/api/drills/{id}/attempts', {
          path: { id: drill.id },
          body: { personId: Number(data.get('personId')), date: String(data.get('date')), time: String(data.get('time')), result: String(data.get('result')) },
        });
        const person = people.data?.people.find((p) => p.id === Number(data.get('personId')));
        onRecorded();
        return `${person?.designation}: ${attempt.time}, ${passLabel(attempt.passed)} against ${drill.standard}.`;
      }),
    );
  }

  return (
    <form onSubmit={record} className="card stack" aria-labelledby="attempt-heading">
      <h2 id="attempt-heading">Record an attempt</h2>
      <Async loaded={people}>
        {(data) => <ParticipantSelect people={data.people} name="personId" required />}
      </Async>
      <label>
        Time taken (m:ss, e.g. 4:32)
        <input name="result" required inputMode="decimal" pattern="[0-9:.]+" placeholder="4:32" />
      </label>
      <div className="grid">
        <LocalDateTimeFields timeZone={unit.timeZone} date={now.date} time={now.time} />
      </div>
      <SubmitWithOutcome label="Record the attempt" outcome={outcome} />
    </form>
  );
}
