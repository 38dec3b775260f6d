// The REST routes of docs/gateway.md, as one table: a path pattern (":" segments are variables,
// percent-decoded) and a handler per method. The listener matches the path first, so a known
// path with a wrong method answers 405 with Allow.
import { badRequest } from './http-error.js';
import { publishRoute } from './rest/publish.js';
import { queueGetRoute } from './rest/queue-get.js';
import type { RouteHandler } from './rest/route.js';
import { topicProduceRoute } from './rest/topic-produce.js';
import { topicReadRoute } from './rest/topic-read.js';
import { matchPath, type PathMatch } from './route-match.js';

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

export type RouteMatch = PathMatch<RouteSpec>;

/** The route whose pattern fits `pathname`, with its variables decoded; null when none does. */
export function matchRoute(pathname: string): RouteMatch | null {
  return matchPath(ROUTES, pathname.split('/').slice(1), badRequest);
}
