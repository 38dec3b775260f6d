// Data loading for pages: fetch now and every few seconds while the page is shown.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
}

export const POLL_MS = 5_000;

export function usePoll<T>(load: () => Promise<T>, deps: unknown[], intervalMs: number = POLL_MS): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let alive = true;
    const run = (): void => {
      const mine = ++seq.current;
      load().then(
        (d) => {
          if (alive && mine === seq.current) {
            setData(d);
            setError(undefined);
          }
        },
        (err: unknown) => {
          if (alive && mine === seq.current && !(err instanceof ApiError && err.status === 401)) setError(err instanceof Error ? err.message : String(err));
        },
      );
    };
    run();
    const timer = intervalMs > 0 ? setInterval(run, intervalMs) : undefined;
    return () => {
      alive = false;
      if (timer !== undefined) clearInterval(timer);
    };
  }, [...deps, tick]);
  return { data, error, reload };
}

/** `value`, settled for `ms`: the search box asks the server once the user stops typing. */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}
