import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken, type ResponseOf } from '../api/client.ts';

export type Me = ResponseOf<'/api/me'>;
export type Role = Me['roles'][number];

interface Session {
  /** Who is signed in: undefined while asking the server, null when nobody is. */
  me: Me | null | undefined;
  signIn(username: string, password: string): Promise<void>;
  /** Signed in by another answer (a set-up link's): the server set the cookie. */
  signedIn(me: Me): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const remember = useCallback((who: Me | null) => {
    setCsrfToken(who?.csrfToken ?? null);
    setMe(who);
  }, []);

  useEffect(() => {
    // GET /api/session, not /api/me: signed out it answers 200, so a start logs no failed request (issue 15).
    void api('get', '/api/session').then((answer) => remember(answer.signedIn ? answer.me : null));
  }, [remember]);

  const session = useMemo<Session>(
    () => ({
      me,
      signIn: async (username, password) => remember(await api('post', '/api/auth/login', { body: { username, password } })),
      signedIn: remember,
      signOut: async () => {
        await api('post', '/api/auth/logout');
        remember(null);
      },
    }),
    [me, remember],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in person; screens render only inside the signed-in shell. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe before sign-in');
  return me;
}

export const hasRole = (me: Me, ...roles: Role[]) => me.roles.some((role) => roles.includes(role));
