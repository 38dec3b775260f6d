// Path matching shared by the REST routes (/v1) and the management API (/api): a pattern is a list
// of segments, ":" segments are variables and come back percent-decoded. Each side answers a bad
// encoding in its own error shape, so the caller says how to make that error.

export interface PatternRoute {
  readonly pattern: readonly string[];
}

export interface PathMatch<R extends PatternRoute> {
  readonly route: R;
  readonly params: string[];
}

/**
 * The first route whose pattern fits `segments` (the path split on "/", without the leading empty
 * one), with its variables decoded; null when none does. A variable that is not valid
 * percent-encoding throws `invalid(message)`.
 */
export function matchPath<R extends PatternRoute>(
  routes: readonly R[],
  segments: readonly string[],
  invalid: (message: string) => Error,
): PathMatch<R> | null {
  for (const route of routes) {
    if (route.pattern.length !== segments.length) continue;
    const params: string[] = [];
    let ok = true;
    for (let i = 0; ok && i < segments.length; i++) {
      const want = route.pattern[i] as string;
      const got = segments[i] as string;
      if (want.startsWith(':')) params.push(decodeSegment(got, invalid));
      else ok = want === got;
    }
    if (ok) return { route, params };
  }
  return null;
}

function decodeSegment(segment: string, invalid: (message: string) => Error): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid(`the path segment "${segment}" is not valid percent-encoding`);
  }
}
