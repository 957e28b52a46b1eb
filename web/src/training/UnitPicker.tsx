import { useState, type ReactNode } from 'react';
import { Async } from '../app/ui.tsx';
import { useUnits, type Unit } from '../roster/hooks.ts';

/** A choice among the units the reader may see (a trainer: those they train), then what belongs to the chosen one. */
export function UnitPicker({ initialUnitId = null, children }: { initialUnitId?: number | null; children: (unit: Unit) => ReactNode }) {
  const units = useUnits();
  const [unitId, setUnitId] = useState<number | null>(initialUnitId);
  return (
    <Async loaded={units}>
      {({ units: list }) => {
        const unit = list.find((u) => u.id === unitId) ?? list[0];
        if (!unit) return <p>You do not train a unit yet.</p>;
        return (
          <>
            <label className="narrow">
              Unit
              <select value={unit.id} onChange={(e) => setUnitId(Number(e.target.value))}>
                {list.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
            {children(unit)}
          </>
        );
      }}
    </Async>
  );
}
