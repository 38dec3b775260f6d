// A history router: console pages are real paths (/queues/%2F/jobs), so deep links and the back
// button work; the broker answers index.html for them.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const l of listeners) l();
}

export function useLocation(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = (): void => setPath(location.pathname);
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** The decoded segments of a path: /queues/%2F/jobs → ["queues", "/", "jobs"]. */
export function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

/** A console path from raw segments, each percent-encoded. */
export const href = (...parts: string[]): string => `/${parts.map((p) => encodeURIComponent(p)).join('/')}`;
