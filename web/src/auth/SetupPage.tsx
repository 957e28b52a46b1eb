import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.ts';

/**
 * The first admin, from the one-time link `muster serve` prints on a new database (/setup?token=...).
 * The server signs the new admin in (a session cookie); the app then starts from the top as them.
 */
export function SetupPage() {
  const token = new URLSearchParams(window.location.search).get('token');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Set up · Muster';
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password'));
    if (password !== form.get('confirm')) {
      setError('The two passwords differ: type the same password twice.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('post', '/api/setup', { body: { token: token ?? '', name: String(form.get('name')), username: String(form.get('username')), password } });
      // A fresh start reads the new session (GET /api/me) and opens the admin's home.
      window.location.replace('/');
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      setError(failure.status === 403 ? 'This set-up link is not valid or was already used. Run `muster serve` on a new database for a new link, or sign in.' : failure.message);
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>Set up Muster</h1>
      {token ? (
        <>
          <p>Create the first administrator. This link works once.</p>
          <form onSubmit={submit} className="card stack" aria-describedby={error ? 'setup-error' : undefined}>
            <label>
              Your name
              <input name="name" autoComplete="name" required />
            </label>
            <label>
              Username
              <input name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} />
            </label>
            <label>
              Password
              <input name="password" type="password" autoComplete="new-password" required />
            </label>
            <label>
              Password again
              <input name="confirm" type="password" autoComplete="new-password" required />
            </label>
            {error && (
              <p role="alert" id="setup-error" className="error">
                {error}
              </p>
            )}
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create the administrator'}
            </button>
          </form>
        </>
      ) : (
        <p role="alert" className="error">
          This page needs the one-time link (<code>/setup?token=…</code>) that <code>muster serve</code> printed when it started on a new database.{' '}
          <a href="/">Sign in</a> instead.
        </p>
      )}
    </main>
  );
}
