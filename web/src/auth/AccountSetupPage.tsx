import { useEffect } from 'react';
import { api, ApiError } from '../api/client.ts';
import { navigate } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { Async } from '../app/ui.tsx';
import { useApi } from '../app/useApi.ts';
import { AccountForm, NewPasswordFields, newPasswordOf } from './AccountForm.tsx';

const SPENT_LINK = 'This link is not valid, was already used or has expired. Ask your administrator for a new one.';

/**
 * A person sets their own password with the one-time link an admin handed them (a new login or a
 * reset: /account-setup?token=...); the server signs them in.
 */
export function AccountSetupPage() {
  const { signedIn } = useSession();
  const token = new URLSearchParams(window.location.search).get('token');
  // Asked first, so a spent or expired link says so before anyone types a new password twice.
  const link = useApi(token ? '/api/account-setup' : null, { query: { token: token ?? '' } });
  useEffect(() => {
    document.title = 'Set your password · Muster';
  }, []);

  async function setPassword(form: FormData) {
    const password = newPasswordOf(form);
    try {
      const me = await api('post', '/api/account-setup', { body: { token: token ?? '', password } });
      // The link is spent: the address bar no longer shows it.
      navigate('/', { replace: true });
      signedIn(me);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 403) throw new Error(SPENT_LINK, { cause: failure });
      throw failure;
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>Set your password</h1>
      {token ? (
        <Async loaded={link}>
          {({ valid, username }) =>
            valid ? (
              <>
                <p>
                  Choose the password you will sign in with as <strong>{username}</strong> (at least 10 characters). This link works once.
                </p>
                <AccountForm id="account-setup" action={setPassword} submitLabel="Set password and sign in" busyLabel="Setting…">
                  <NewPasswordFields />
                </AccountForm>
              </>
            ) : (
              <p role="alert" className="error">
                {SPENT_LINK} <a href="/">Sign in</a> if you have set your password.
              </p>
            )
          }
        </Async>
      ) : (
        <p role="alert" className="error">
          This page needs the one-time link (<code>/account-setup?token=…</code>) your administrator gave you. <a href="/">Sign in</a> instead.
        </p>
      )}
    </main>
  );
}
