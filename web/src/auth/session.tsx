import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  api,
  setToken,
  setUnauthorizedHandler,
  unwrap,
  type Locale,
  type Role,
  type User,
} from '../api/client';
import { changeLanguage } from '../i18n';

interface Stored {
  token: string;
  expiresAt: number;
  user: User;
}

const KEY = 'mptf.session';
/** How long before its expiry a token is renewed. */
const REFRESH_AHEAD_MS = 60_000;

function readStored(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const stored = JSON.parse(raw) as Stored;
    return stored.expiresAt > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

export interface Session {
  user: User | null;
  /** Why the last session ended, shown on the sign-in page. */
  ended: 'expired' | null;
  signIn: (email: string, password: string) => Promise<User>;
  adopt: (token: string, expiresIn: number, user: User) => void;
  signOut: () => void;
  setLocale: (locale: Locale) => Promise<void>;
  updateUser: (user: User) => void;
  hasRole: (...roles: Role[]) => boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | null>(() => {
    const s = readStored();
    setToken(s?.token ?? null);
    return s;
  });
  const [ended, setEnded] = useState<'expired' | null>(null);

  const save = useCallback((next: Stored | null) => {
    setToken(next?.token ?? null);
    if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
    else sessionStorage.removeItem(KEY);
    setStored(next);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      save(null);
      setEnded('expired');
    });
  }, [save]);

  useEffect(() => {
    if (stored) void changeLanguage(stored.user.locale);
  }, [stored]);

  // While the application is open, the token is renewed a minute before it expires, for as long as
  // the server allows (SESSION_MAX_AGE after the sign-in); a refused renewal leaves the token to
  // expire, and the next request ends the session with its notice.
  const expiresAt = stored?.expiresAt;
  useEffect(() => {
    if (expiresAt === undefined) return;
    const timer = setTimeout(
      () => {
        void api.POST('/api/v1/auth/refresh').then(({ data }) => {
          if (!data) return;
          save({ token: data.accessToken, expiresAt: Date.now() + data.expiresIn * 1000, user: data.user });
        });
      },
      Math.max(0, expiresAt - Date.now() - REFRESH_AHEAD_MS),
    );
    return () => clearTimeout(timer);
  }, [expiresAt, save]);

  const adopt = useCallback(
    (token: string, expiresIn: number, user: User) => {
      setEnded(null);
      save({ token, expiresAt: Date.now() + expiresIn * 1000, user });
    },
    [save],
  );

  const value = useMemo<Session>(
    () => ({
      user: stored?.user ?? null,
      ended,
      async signIn(email, password) {
        const answer = await unwrap(api.POST('/api/v1/auth/login', { body: { email, password } }));
        adopt(answer.accessToken, answer.expiresIn, answer.user);
        return answer.user;
      },
      adopt,
      signOut() {
        save(null);
      },
      async setLocale(locale) {
        await changeLanguage(locale);
        if (stored) {
          const user = await unwrap(api.PATCH('/api/v1/me', { body: { locale } }));
          save({ ...stored, user });
        }
      },
      updateUser(user) {
        if (stored) save({ ...stored, user });
      },
      hasRole(...roles) {
        return !!stored && stored.user.roles.some((r) => roles.includes(r));
      },
    }),
    [stored, ended, adopt, save],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user (for screens behind RequireRole). */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a session');
  return user;
}
