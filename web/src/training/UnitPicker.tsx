import type { ReactNode } from 'react';
import { useMe } from '../app/session.tsx';
import { Async } from '../app/ui.tsx';
import { useUnits, type Unit } from '../roster/hooks.ts';
import { Picker } from './fields.tsx';

/**
 * A choice among the units the reader may see (a trainer: those they train), then what belongs to
 * the chosen one; it opens on `initialUnitId`, else the reader's own unit, else the first.
 */
export function UnitPicker({ initialUnitId = null, children }: { initialUnitId?: number | null; children: (unit: Unit) => ReactNode }) {
  const units = useUnits();
  const own = useMe().unit?.id ?? null;
  return (
    <Async loaded={units}>
      {({ units: list }) =>
        list.length === 0 ? (
          <p>You do not train a unit yet.</p>
        ) : (
          <Picker label="Unit" items={list} optionLabel={(u) => u.name} initialId={initialUnitId ?? own}>
            {children}
          </Picker>
        )
      }
    </Async>
  );
}
