import { useState, type FormEvent, type ReactNode } from 'react';

/**
 * The sign-in, set-up and admin forms: fields, the error the action throws (as an alert the form is
 * described by), and a submit button that says it is busy.
 */
export function AccountForm({ id, action, submitLabel, busyLabel, children }: { id: string; action: (form: FormData) => Promise<void>; submitLabel: string; busyLabel: string; children: ReactNode }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action(new FormData(event.currentTarget));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const errorId = `${id}-error`;
  return (
    <form onSubmit={submit} className="card stack" aria-describedby={error ? errorId : undefined}>
      {children}
      {error && (
        <p role="alert" id={errorId} className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? busyLabel : submitLabel}
      </button>
    </form>
  );
}

/** A new password typed twice: the set-up pages' fields. */
export function NewPasswordFields() {
  return (
    <>
      <label>
        Password
        <input name="password" type="password" autoComplete="new-password" required />
      </label>
      <label>
        Password again
        <input name="confirm" type="password" autoComplete="new-password" required />
      </label>
    </>
  );
}

/** The password from NewPasswordFields, once both are the same. */
export function newPasswordOf(form: FormData): string {
  const password = String(form.get('password'));
  if (password !== form.get('confirm')) throw new Error('The two passwords differ: type the same password twice.');
  return password;
}
