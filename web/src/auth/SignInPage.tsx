import { useEffect } from 'react';
import { useSession } from '../app/session.tsx';
import { AccountForm } from './AccountForm.tsx';

export function SignInPage() {
  const { signIn } = useSession();
  useEffect(() => {
    document.title = 'Sign in · Muster';
  }, []);

  return (
    <main id="main" className="sign-in">
      <h1>Muster</h1>
      <p className="muted">Training cohort and trial datapad</p>
      <AccountForm id="sign-in" action={(form) => signIn(String(form.get('username')), String(form.get('password')))} submitLabel="Sign in" busyLabel="Signing in…">
        <label>
          Username
          <input name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
      </AccountForm>
    </main>
  );
}
