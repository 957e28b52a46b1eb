import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Loaded } from '../app/useApi.ts';
import { useApi } from '../app/useApi.ts';

export type LoadUnit = 'kg' | 'lb';

/** The unit the server shows me loads in (GET /api/me/training-preferences). */
export const useLoadUnit = () => useApi('/api/me/training-preferences');

/** Switches the unit loads are shown in, for this account on every device; `onChanged` reloads what shows loads. */
export function LoadUnitPreference({ preference, onChanged }: { preference: Loaded<{ loadUnit: LoadUnit }>; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const current = preference.data?.loadUnit;
  async function change(loadUnit: LoadUnit) {
    setError(null);
    try {
      await api('put', '/api/me/training-preferences', { body: { loadUnit } });
      preference.reload();
      onChanged();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }
  return (
    <label className="narrow">
      Show loads in
      <select value={current ?? ''} disabled={!current} onChange={(e) => void change(e.target.value as LoadUnit)}>
        <option value="kg">kilograms (kg)</option>
        <option value="lb">pounds (lb)</option>
      </select>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </label>
  );
}
