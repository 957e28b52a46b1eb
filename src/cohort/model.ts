/**
 * The cohort dashboard's rule for units: a unit counts its own members and those of every unit
 * below it (as the roster's strength does). Queries group by each member's own unit; `rollUp`
 * adds each unit's numbers to it and to every unit above it among `units`.
 */
export function rollUp<T extends Record<string, number>>(units: readonly { id: number; parentId: number | null }[], own: ReadonlyMap<number, T>, zero: () => T): Map<number, T> {
  const parentOf = new Map(units.map((u) => [u.id, u.parentId]));
  const totals = new Map(units.map((u) => [u.id, zero()]));
  for (const [unitId, values] of own) {
    for (let id: number | null | undefined = unitId; id != null; id = parentOf.get(id)) {
      const total = totals.get(id);
      if (!total) break;
      for (const key of Object.keys(values) as (keyof T)[]) (total[key] as number) += values[key];
    }
  }
  return totals;
}
