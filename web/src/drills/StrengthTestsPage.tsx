import { useState, type FormEvent } from 'react';
import { api, type BodyOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, Page } from '../app/ui.tsx';
import { usePeople, type Unit } from '../roster/hooks.ts';
import { FormOutcome, type Outcome } from '../training/FormOutcome.tsx';
import { localNow } from '../training/localTime.ts';
import { useLoadUnit } from '../training/LoadUnitPreference.tsx';
import { UnitPicker } from '../training/UnitPicker.tsx';
import { useProtocols, type Protocol } from './hooks.ts';

type Trial = BodyOf<'/api/strength-tests', 'post'>['trials'][number];
type Side = 'left' | 'right' | null;

/** The trainer records a strength test (1RM, grip, jump) following its protocol, shown beside the form. */
export function StrengthTestsPage() {
  const protocols = useProtocols();
  const [protocolId, setProtocolId] = useState<number | null>(null);
  return (
    <Page title="Strength tests">
      <Async loaded={protocols}>
        {({ protocols: list }) => {
          const protocol = list.find((p) => p.id === protocolId) ?? list[0];
          return (
            <>
              <label className="narrow">
                Test
                <select value={protocol.id} onChange={(e) => setProtocolId(Number(e.target.value))}>
                  {list.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
              </label>
              <section aria-labelledby="protocol-heading" className="card">
                <h2 id="protocol-heading">Protocol</h2>
                <p>{protocol.protocol}</p>
              </section>
              <UnitPicker>{(unit) => <TestForm key={`${unit.id}-${protocol.id}`} unit={unit} protocol={protocol} />}</UnitPicker>
            </>
          );
        }}
      </Async>
    </Page>
  );
}

/** The trial inputs a protocol takes: per hand when sided (left and right, up to its trials each), else one row. */
function trialSlots(protocol: Protocol): { side: Side; trial: number; label: string }[] {
  const sides: Side[] = protocol.sided ? ['left', 'right'] : [null];
  return sides.flatMap((side) => Array.from({ length: protocol.trials }, (_, i) => ({ side, trial: i + 1, label: `${side ? `${side === 'left' ? 'Left' : 'Right'} hand ` : ''}${protocol.kind === 'one_rm' ? 'attempt' : 'trial'} ${i + 1}` })));
}

function TestForm({ unit, protocol }: { unit: Unit; protocol: Protocol }) {
  const people = usePeople(unit.id);
  const exercises = useApi(protocol.kind === 'one_rm' ? '/api/exercises' : null);
  const preference = useLoadUnit();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const now = localNow(unit.timeZone);
  const participants = (people.data?.people ?? []).filter((p) => p.roles.includes('participant'));
  const isLoad = protocol.kind === 'one_rm';
  const unitLabel = isLoad ? (preference.data?.loadUnit ?? 'kg') : protocol.unit;

  async function record(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const trials: Trial[] = trialSlots(protocol).flatMap((slot) => {
      const value = String(data.get(`value-${slot.side}-${slot.trial}`) ?? '').trim();
      return value === '' ? [] : [{ side: slot.side, value: Number(value), success: isLoad ? data.get(`made-${slot.side}-${slot.trial}`) === 'on' : true }];
    });
    try {
      const test = await api('post', '/api/strength-tests', {
        body: {
          personId: Number(data.get('personId')),
          protocolId: protocol.id,
          exerciseId: isLoad ? Number(data.get('exerciseId')) : null,
          date: String(data.get('date')),
          time: String(data.get('time')),
          ...(isLoad && preference.data && { loadUnit: preference.data.loadUnit }),
          trials,
        },
      });
      const results = test.results.map((r) => `${r.side === 'both' ? 'best' : `${r.side} best`} ${r.best} ${r.unit}`).join(', ');
      setOutcome({ ok: true, text: `${protocol.name} recorded: ${results || 'no made attempt'}.` });
    } catch (failure) {
      setOutcome({ ok: false, text: (failure as Error).message });
    }
  }

  return (
    <form onSubmit={record} className="card stack" aria-labelledby="test-heading">
      <h2 id="test-heading">Record a {protocol.name.toLowerCase()} test</h2>
      <div className="grid">
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
        {isLoad && (
          <Async loaded={exercises}>
            {(data) => (
              <label>
                Exercise
                <select name="exerciseId" required>
                  {data!.exercises
                    .filter((e) => e.category === 'strength')
                    .map((e) => (
                      <option key={e.id} value={e.id}>
                        {e.name}
                      </option>
                    ))}
                </select>
              </label>
            )}
          </Async>
        )}
        <label>
          Date
          <input type="date" name="date" required defaultValue={now.date} />
        </label>
        <label>
          Time of day ({unit.timeZone})
          <input type="time" name="time" required defaultValue={now.time} />
        </label>
      </div>
      <fieldset className="site">
        <legend>
          {isLoad ? 'Attempts' : 'Trials'} ({unitLabel}); leave unused ones empty
        </legend>
        <div className="trials">
          {trialSlots(protocol).map((slot) => (
            <div key={`${slot.side}-${slot.trial}`}>
              <label>
                {slot.label} ({unitLabel})
                <input type="number" name={`value-${slot.side}-${slot.trial}`} min="0" step="any" />
              </label>
              {isLoad && (
                <label className="inline">
                  <input type="checkbox" name={`made-${slot.side}-${slot.trial}`} defaultChecked /> made
                </label>
              )}
            </div>
          ))}
        </div>
      </fieldset>
      <button type="submit" className="primary">
        Record the test
      </button>
      <FormOutcome outcome={outcome} />
    </form>
  );
}
