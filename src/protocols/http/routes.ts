// The REST routes of docs/gateway.md, as one table: a path pattern (":" segments are variables,
// percent-decoded) and a handler per method. The listener matches the path first, so a known
// path with a wrong method answers 405 with Allow.
import { badRequest } from './http-error.js';
import { publishRoute } from './rest/publish.js';
import { queueGetRoute } from './rest/queue-get.js';
import type { RouteHandler } from './rest/route.js';
import { topicProduceRoute } from './rest/topic-produce.js';
import { topicReadRoute } from './rest/topic-read.js';

export interface RouteSpec {
  readonly pattern: readonly string[];
  readonly methods: Readonly<Partial<Record<'GET' | 'POST', RouteHandler>>>;
}

export const ROUTES: readonly RouteSpec[] = [
  { pattern: ['v1', 'exchanges', ':vhost', ':exchange', 'publish'], methods: { POST: publishRoute } },
  { pattern: ['v1', 'queues', ':vhost', ':queue', 'get'], methods: { POST: queueGetRoute } },
  { pattern: ['v1', 'topics', ':topic', 'records'], methods: { POST: topicProduceRoute } },
  { pattern: ['v1', 'topics', ':topic', 'partitions', ':partition', 'records'], methods: { GET: topicReadRoute } },
];

export interface RouteMatch {
  readonly route: RouteSpec;
  readonly params: string[];
}

/** The route whose pattern fits `pathname`, with its variables decoded; null when none does. */
export function matchRoute(pathname: string): RouteMatch | null {
  const segments = pathname.split('/').slice(1);
  for (const route of ROUTES) {
    if (route.pattern.length !== segments.length) continue;
    const params: string[] = [];
    let ok = true;
    for (let i = 0; ok && i < segments.length; i++) {
      const want = route.pattern[i] as string;
      const got = segments[i] as string;
      if (want.startsWith(':')) params.push(decodeSegment(got));
      else ok = want === got;
    }
    if (ok) return { route, params };
  }
  return null;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`the path segment "${segment}" is not valid percent-encoding`);
  }
}
