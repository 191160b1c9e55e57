import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError } from './api/client';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads data for a screen; `reload()` after an action. A stale answer never overwrites a newer one. */
export function useResource<T>(load: () => Promise<T>, deps: unknown[]): Resource<T> {
  const [tick, setTick] = useState(0);
  // A new identity whenever the inputs (ids, filters: plain values) change or a reload is asked for.
  const key = JSON.stringify(deps);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const request = useMemo(() => ({}), [key, tick]);
  const [settled, setSettled] = useState<{ request: object | null; data?: T; error?: ApiError }>({
    request: null,
  });
  useEffect(() => {
    let current = true;
    load().then(
      (data) => {
        if (current) setSettled({ request, data });
      },
      (reason: unknown) => {
        if (current) setSettled((previous) => ({ request, data: previous.data, error: asApiError(reason) }));
      },
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: settled.data, error: settled.error, loading: settled.request !== request, reload };
}

export function asApiError(reason: unknown): ApiError {
  return reason instanceof ApiError
    ? reason
    : new ApiError({ status: 0, title: String(reason), code: 'CLIENT' });
}

/** Runs an action, keeping its error (for the fields and the banner) and whether it is busy. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setError(undefined);
      try {
        return await action(...args);
      } catch (reason) {
        setError(
          reason instanceof ApiError
            ? reason
            : new ApiError({ status: 0, title: String(reason), code: 'CLIENT' }),
        );
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [action],
  );
  return { run, error, busy, clear: () => setError(undefined) };
}

/** The current time, ticking (for countdowns). */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
