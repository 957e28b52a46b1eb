import { useApi } from '../app/useApi.ts';
import type { Unit } from '../roster/hooks.ts';

/** One unit's training load this week (session RPE × minutes, summed over its participants), and whose load is missing and why. */
function UnitLoadRow({ unit }: { unit: Unit }) {
  const { data, error } = useApi('/api/units/{id}/training/load', { path: { id: unit.id } });
  if (!data) {
    return (
      <tr>
        <th scope="row">{unit.name}</th>
        <td colSpan={5} className={error ? 'error' : 'muted'}>
          {error ? error.message : 'Loading…'}
        </td>
      </tr>
    );
  }
  const total = data.participants.reduce((sum, p) => sum + (p.load ?? 0), 0);
  const trained = data.participants.filter((p) => p.sessions > 0).length;
  // A load that cannot be computed (no session RPE, no minutes) is missing, never counted as 0.
  const missing = data.participants.filter((p) => p.loadMissing !== null);
  return (
    <tr>
      <th scope="row">{unit.name}</th>
      <td>{data.weekStart}</td>
      <td className="number">{Math.round(total)}</td>
      <td className="number">{data.participants.length ? Math.round(total / data.participants.length) : '—'}</td>
      <td className="number">
        {trained} of {data.participants.length}
      </td>
      <td>{missing.length === 0 ? 'none' : `${missing.length} participant${missing.length === 1 ? '' : 's'}: ${[...new Set(missing.map((p) => p.loadMissing))].join('; ')}`}</td>
    </tr>
  );
}

export function UnitLoadTable({ units }: { units: readonly Unit[] }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Training load this week">
      <table>
        <thead>
          <tr>
            <th scope="col">Unit</th>
            <th scope="col">Week from</th>
            <th scope="col">Load (RPE × min)</th>
            <th scope="col">Per participant (RPE × min)</th>
            <th scope="col">Trained this week</th>
            <th scope="col">Load missing</th>
          </tr>
        </thead>
        <tbody>
          {units.map((unit) => (
            <UnitLoadRow key={unit.id} unit={unit} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
