import { useState, type FormEvent } from 'react';
import { api, type BodyOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, Page } from '../app/ui.tsx';
import { usePeople, type Unit } from '../roster/hooks.ts';
import { outcomeOf, SubmitWithOutcome, type Outcome } from '../training/FormOutcome.tsx';
import { localNow } from '../training/localTime.ts';
import { useLoadUnit } from '../training/LoadUnitPreference.tsx';
import { ExerciseSelect, LocalDateTimeFields, ParticipantSelect, Picker } from '../training/fields.tsx';
import { UnitPicker } from '../training/UnitPicker.tsx';
import { useProtocols, type Protocol } from './hooks.ts';

type Trial = BodyOf<'/api/strength-tests', 'post'>['trials'][number];
type Side = 'left' | 'right' | null;

/** The trainer records a strength test (1RM, grip, jump) following its protocol, shown beside the form. */
export function StrengthTestsPage() {
  const protocols = useProtocols();
  return (
    <Page title="Strength tests">
      <Async loaded={protocols}>
        {({ protocols: list }) => (
          <Picker label="Test" items={list} optionLabel={(p) => p.name}>
            {(protocol) => (
              <>
                <section aria-labelledby="protocol-heading" className="card">
                  <h2 id="protocol-heading">Protocol</h2>
                  <p>{protocol.protocol}</p>
                </section>
                <UnitPicker>{(unit) => <TestForm key={`${unit.id}-${protocol.id}`} unit={unit} protocol={protocol} />}</UnitPicker>
              </>
            )}
          </Picker>
        )}
      </Async>
    </Page>
  );
}

/** The trial inputs a protocol takes: per hand when sided (left and right, up to its trials each), else one row. */
const sidesOf = (protocol: Protocol): Side[] => (protocol.sided ? ['left', 'right'] : [null]);

function trialSlots(protocol: Protocol): { side: Side; trial: number; label: string }[] {
  return sidesOf(protocol).flatMap((side) => Array.from({ length: protocol.trials }, (_, i) => ({ side, trial: i + 1, label: `${side ? `${side === 'left' ? 'Left' : 'Right'} hand ` : ''}${protocol.kind === 'one_rm' ? 'attempt' : 'trial'} ${i + 1}` })));
}

function TestForm({ unit, protocol }: { unit: Unit; protocol: Protocol }) {
  const people = usePeople(unit.id);
  const exercises = useApi(protocol.kind === 'one_rm' ? '/api/exercises' : null);
  const preference = useLoadUnit();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const now = localNow(unit.timeZone);
  const isLoad = protocol.kind === 'one_rm';
  const unitLabel = isLoad ? (preference.data?.loadUnit ?? 'kg') : protocol.unit;

  async function record(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const trials: Trial[] = trialSlots(protocol).flatMap((slot) => {
      const value = String(data.get(`value-${slot.side}-${slot.trial}`) ?? '').trim();
      return value === '' ? [] : [{ side: slot.side, value: Number(value), success: isLoad ? data.get(`made-${slot.side}-${slot.trial}`) === 'on' : true }];
    });
    setOutcome(
      await outcomeOf(async () => {
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
        return `${protocol.name} recorded: ${results || 'no made attempt'}.`;
      }),
    );
  }

  return (
    <form onSubmit={record} className="card stack" aria-labelledby="test-heading">
      <h2 id="test-heading">Record a {protocol.name.toLowerCase()} test</h2>
      <div className="grid">
        <Async loaded={people}>
          {(data) => <ParticipantSelect people={data.people} name="personId" required />}
        </Async>
        {isLoad && (
          <Async loaded={exercises}>
            {(data) => <ExerciseSelect exercises={data!.exercises.filter((e) => e.category === 'strength')} name="exerciseId" required />}
          </Async>
        )}
        <LocalDateTimeFields timeZone={unit.timeZone} date={now.date} time={now.time} />
      </div>
      <fieldset className="site">
        <legend>
          {isLoad ? 'Attempts' : 'Trials'} ({unitLabel}); leave unused ones empty
        </legend>
        {/* One row per hand, so left and right read as the protocol takes them. */}
        {sidesOf(protocol).map((side) => (
          <div key={String(side)} className="trials">
            {trialSlots(protocol)
              .filter((slot) => slot.side === side)
              .map((slot) => (
                <div key={slot.trial}>
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
        ))}
      </fieldset>
      <SubmitWithOutcome label="Record the test" outcome={outcome} />
    </form>
  );
}
