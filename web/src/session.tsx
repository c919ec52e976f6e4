import { notifications } from '@mantine/notifications';
import { createContext, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { call, client, onUnauthenticated, toApiError, type Me } from './api';
import { queryClient } from './api/queries';

type Session = {
  user: Me | null;
  loading: boolean;
  /** Sign-in, setup and password reset already answer with the user, so no second round trip is needed. */
  setUser: (user: Me) => void;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
};

const SessionContext = createContext<Session | null>(null);
const SESSION_ENDED = 'session-ended';

export function SessionProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [user, setUser] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      const reply = await call(client.GET('/api/v1/me'));
      setUser(reply.user);
    } catch (err) {
      // A flaky network must not sign anyone out; only the server saying so does.
      if (toApiError(err).status === 401) setUser(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Cached server state belongs to one person: none of it may outlive their session or reach the next one.
  const userId = user?.id ?? null;
  const previousUserId = useRef<string | null>(null);
  useEffect(() => {
    if (previousUserId.current !== null && previousUserId.current !== userId) queryClient.clear();
    previousUserId.current = userId;
  }, [userId]);

  useEffect(() => {
    if (!user) return;
    notifications.hide(SESSION_ENDED);
    return onUnauthenticated(() => {
      setUser(null);
      notifications.show({
        id: SESSION_ENDED,
        color: 'yellow',
        title: 'You have been signed out',
        message: 'Your session is no longer valid. Sign in again to continue.',
      });
      navigate('/login', { replace: true });
    });
  }, [user, navigate]);

  const signOut = useCallback(async () => {
    try {
      await call(client.POST('/api/v1/auth/logout'));
    } catch (err) {
      const error = toApiError(err);
      if (error.status !== 401) {
        notifications.show({ id: 'sign-out-failed', color: 'red', title: 'Could not sign out', message: error.message });
        return;
      }
    }
    setUser(null);
    navigate('/login', { replace: true });
  }, [navigate]);

  const session = useMemo(() => ({ user, loading, setUser, refresh, signOut }), [user, loading, refresh, signOut]);
  return <SessionContext value={session}>{children}</SessionContext>;
}

export function useSession(): Session {
  const session = use(SessionContext);
  if (!session) throw new Error('useSession() needs a <SessionProvider> above it');
  return session;
}
