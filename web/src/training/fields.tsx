/** Form fields the training and drills screens share: a choice that shows what belongs to it, people, exercises, a local date and time. */
import { useState, type ReactNode, type SelectHTMLAttributes } from 'react';

/** A labelled choice among items, then what belongs to the chosen one (the first until another is chosen). */
export function Picker<T extends { id: number }>({ label, items, optionLabel, initialId = null, children }: { label: string; items: readonly T[]; optionLabel: (item: T) => string; initialId?: number | null; children: (item: T) => ReactNode }) {
  const [chosenId, setChosenId] = useState<number | null>(initialId);
  const chosen = items.find((item) => item.id === chosenId) ?? items[0];
  if (!chosen) return null;
  return (
    <>
      <label className="narrow">
        {label}
        <select value={chosen.id} onChange={(e) => setChosenId(Number(e.target.value))}>
          {items.map((item) => (
            <option key={item.id} value={item.id}>
              {optionLabel(item)}
            </option>
          ))}
        </select>
      </label>
      {children(chosen)}
    </>
  );
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement>;

/** The participants among a unit's people, by designation and name. */
export function ParticipantSelect({ people, ...select }: { people: readonly { id: number; designation: string; name: string; roles: readonly string[] }[] } & SelectProps) {
  return (
    <label>
      Participant
      <select {...select}>
        {people
          .filter((p) => p.roles.includes('participant'))
          .map((p) => (
            <option key={p.id} value={p.id}>
              {p.designation} {p.name}
            </option>
          ))}
      </select>
    </label>
  );
}

export function ExerciseSelect({ exercises, ...select }: { exercises: readonly { id: number; name: string }[] } & SelectProps) {
  return (
    <label>
      Exercise
      <select {...select}>
        {exercises.map((e) => (
          <option key={e.id} value={e.id}>
            {e.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A date and a time of day local to a unit's zone (named on the time), as form fields `date` and `time`. */
export function LocalDateTimeFields({ timeZone, date, time, timeLabel = 'Time of day' }: { timeZone: string; date: string; time: string; timeLabel?: string }) {
  return (
    <>
      <label>
        Date
        <input type="date" name="date" required defaultValue={date} />
      </label>
      <label>
        {timeLabel} ({timeZone})
        <input type="time" name="time" required defaultValue={time} />
      </label>
    </>
  );
}
