import { useState } from 'react';
import { api } from '../api/client.ts';

/** A button that moves one appointment a step (relay, acknowledge), then reloads the list; the server's refusal in words. */
export function StepButton({ id, step, label, onDone }: { id: number; step: 'relay' | 'acknowledge'; label: string; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function press() {
    setBusy(true);
    setError(null);
    try {
      await api('post', step === 'relay' ? '/api/appointments/{id}/relay' : '/api/appointments/{id}/acknowledge', { path: { id }, body: {} });
      onDone();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="primary" disabled={busy} onClick={press}>
        {label}
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </>
  );
}
