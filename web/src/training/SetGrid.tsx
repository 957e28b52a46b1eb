import type { DirectoryEntry } from '../roster/hooks.ts';

export interface CellValue {
  reps: string;
  load: string;
}

export type GridValues = Record<string, CellValue>;
export const cellKey = (personId: number, setNumber: number) => `${personId}:${setNumber}`;

/**
 * Participants by sets, reps and load in each cell. The tab order runs along a person's row, so
 * a trainer enters one person's sets, then the next person's.
 */
export function SetGrid({ people, sets, unit, values, onChange }: { people: DirectoryEntry[]; sets: number; unit: 'kg' | 'lb'; values: GridValues; onChange: (key: string, value: CellValue) => void }) {
  const numbers = Array.from({ length: sets }, (_, i) => i + 1);
  return (
    <div className="table-scroll" tabIndex={-1}>
      <table className="set-grid">
        <caption className="visually-hidden">Sets by participant: reps and load ({unit})</caption>
        <thead>
          <tr>
            <th scope="col">Participant</th>
            {numbers.map((n) => (
              <th key={n} scope="col">
                Set {n}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {people.map((person) => (
            <tr key={person.id}>
              <th scope="row">
                {person.designation} <span className="muted">{person.name}</span>
              </th>
              {numbers.map((n) => {
                const key = cellKey(person.id, n);
                const value = values[key] ?? { reps: '', load: '' };
                return (
                  <td key={n}>
                    <div className="cell">
                      <input
                        inputMode="numeric"
                        aria-label={`${person.designation} set ${n} reps`}
                        placeholder="reps"
                        value={value.reps}
                        onChange={(e) => onChange(key, { ...value, reps: e.target.value })}
                        size={3}
                      />
                      <input
                        inputMode="decimal"
                        aria-label={`${person.designation} set ${n} load (${unit})`}
                        placeholder={unit}
                        value={value.load}
                        onChange={(e) => onChange(key, { ...value, load: e.target.value })}
                        size={4}
                      />
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
