import { Facts } from '../app/ui.tsx';
import { FormOutcome, type Outcome } from '../training/FormOutcome.tsx';
import type { Sent } from './hooks.ts';

/** A form's submit button, then what it sent and what the server answered (its refusal in words). */
export function SubmitAndSent({ label, busy, sent, outcome }: { label: string; busy: boolean; sent: Sent | null; outcome: Outcome }) {
  return (
    <>
      <button type="submit" className="primary" disabled={busy}>
        {label}
      </button>
      {sent && (
        <div className="sent">
          <p className="muted">You sent:</p>
          <Facts items={sent.map(([name, value]) => [name, value || '—'])} />
        </div>
      )}
      <FormOutcome outcome={outcome} />
    </>
  );
}

/** A required choice with nothing chosen until the user chooses (no default a user could send unread). */
export function Choice({ legend, name, options }: { legend: string; name: string; options: readonly (readonly [string, string])[] }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {options.map(([value, label]) => (
        <label key={value} className="inline">
          <input type="radio" name={name} value={value} required />
          {label}
        </label>
      ))}
    </fieldset>
  );
}

/** The reason every trial change carries into the audit trail. */
export function ReasonField({ label = 'Reason (kept in the audit trail)' }: { label?: string }) {
  return (
    <label>
      {label}
      <textarea name="reason" required maxLength={2000} rows={2} />
    </label>
  );
}
