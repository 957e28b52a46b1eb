import type { ReactNode } from 'react';
import { Async } from '../app/ui.tsx';
import { useUnits, type Unit } from '../roster/hooks.ts';
import { Picker } from './fields.tsx';

/** A choice among the units the reader may see (a trainer: those they train), then what belongs to the chosen one. */
export function UnitPicker({ initialUnitId = null, children }: { initialUnitId?: number | null; children: (unit: Unit) => ReactNode }) {
  const units = useUnits();
  return (
    <Async loaded={units}>
      {({ units: list }) =>
        list.length === 0 ? (
          <p>You do not train a unit yet.</p>
        ) : (
          <Picker label="Unit" items={list} optionLabel={(u) => u.name} initialId={initialUnitId}>
            {children}
          </Picker>
        )
      }
    </Async>
  );
}
