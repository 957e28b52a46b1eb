import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, type ResponseOf } from '../api/client.ts';

export type Me = ResponseOf<'/api/me'>;
export type Role = Me['roles'][number];

interface Session {
  /** Who is signed in: undefined while asking the server, null when nobody is. */
  me: Me | null | undefined;
  signIn(username: string, password: string): Promise<void>;
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
    api('get', '/api/me').then(remember, (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) remember(null);
      else throw error;
    });
  }, [remember]);

  const session = useMemo<Session>(
    () => ({
      me,
      signIn: async (username, password) => remember(await api('post', '/api/auth/login', { body: { username, password } })),
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
