import { useEffect } from 'react';
import { api, ApiError } from '../api/client.ts';
import { AccountForm, NewPasswordFields, newPasswordOf } from './AccountForm.tsx';

/**
 * The first admin, from the one-time link `muster serve` prints on a new database (/setup?token=...).
 * The server signs the new admin in (a session cookie); the app then starts from the top as them.
 */
export function SetupPage() {
  const token = new URLSearchParams(window.location.search).get('token');
  useEffect(() => {
    document.title = 'Set up · Muster';
  }, []);

  async function createAdmin(form: FormData) {
    const password = newPasswordOf(form);
    try {
      await api('post', '/api/setup', { body: { token: token ?? '', name: String(form.get('name')), username: String(form.get('username')), password } });
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 403) throw new Error('This set-up link is not valid or was already used. Run `muster serve` on a new database for a new link, or sign in.', { cause: failure });
      throw failure;
    }
    // A fresh start reads the new session (GET /api/me) and opens the admin's home.
    window.location.replace('/');
  }

  return (
    <main id="main" className="sign-in">
      <h1>Set up Muster</h1>
      {token ? (
        <>
          <p>Create the first administrator. This link works once.</p>
          <AccountForm id="setup" action={createAdmin} submitLabel="Create the administrator" busyLabel="Creating…">
            <label>
              Your name
              <input name="name" autoComplete="name" required />
            </label>
            <label>
              Username
              <input name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} />
            </label>
            <NewPasswordFields />
          </AccountForm>
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
