// The management API under /api (docs/management-api.md): RabbitMQ's management HTTP API where
// Wharf has the same concept, plus topics and consumer groups. Every request is authenticated
// (HTTP Basic, the broker's users); only administrators may change things. The route table is
// matched on the path first, so a known path with a wrong method answers 405 with Allow. Errors
// answer RabbitMQ's {"error", "reason"} and never escape: bad input cannot take the broker down.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Broker } from '../../../broker/broker.js';
import type { ConnectionRegistry } from '../../../broker/connection-registry.js';
import type { WharfConfig } from '../../../config/config-keys.js';
import { ClientGoneError } from '../body.js';
import { matchPath, type PathMatch } from '../route-match.js';
import { authenticate, authorize, remoteAddressOf } from './auth.js';
import { BINDING_ROUTES } from './bindings.js';
import { CONNECTION_ROUTES } from './connections.js';
import { EXCHANGE_ROUTES } from './exchanges.js';
import { GROUP_ROUTES } from './groups.js';
import { MgmtError, mgmtErrorBody, mgmtErrorFor, objectNotFound } from './mgmt-error.js';
import type { ListenerInfo, MgmtDeps, MgmtMethod, MgmtRoute } from './mgmt-route.js';
import { OVERVIEW_ROUTES } from './overview.js';
import { applyList, parseListQuery, project, type Item } from './pagination.js';
import { QUEUE_ROUTES } from './queues.js';
import { RateSampler } from './rates.js';
import { TOPIC_ROUTES } from './topics.js';

export const API_PREFIX = '/api';
const METHODS: readonly MgmtMethod[] = ['GET', 'PUT', 'POST', 'DELETE'];

export const MGMT_ROUTES: readonly MgmtRoute[] = [
  ...OVERVIEW_ROUTES, ...CONNECTION_ROUTES, ...EXCHANGE_ROUTES, ...QUEUE_ROUTES, ...BINDING_ROUTES, ...TOPIC_ROUTES, ...GROUP_ROUTES,
];

export interface ManagementOptions {
  readonly broker: Broker;
  readonly config: WharfConfig;
  readonly logger: Logger;
  readonly connections: ConnectionRegistry;
  readonly listeners: () => readonly ListenerInfo[];
}

export interface ManagementApi {
  /** True for /api and everything under it. */
  owns(pathname: string): boolean;
  /** Answers the request; never throws. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  readonly rates: RateSampler;
  /** Stops the rate sampler. */
  close(): void;
}

export function matchMgmtRoute(pathname: string): PathMatch<MgmtRoute> | null {
  const segments = pathname.split('/').slice(1);
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  return matchPath(MGMT_ROUTES, segments, (message) => new MgmtError(400, 'bad_request', message));
}

export function createManagementApi(options: ManagementOptions): ManagementApi {
  const rates = new RateSampler(options.broker);
  rates.start();
  const deps: MgmtDeps = { ...options, rates };
  const { logger } = options;

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      const match = matchMgmtRoute(url.pathname);
      // Authentication comes first, so an unauthenticated client learns nothing about paths.
      const user = authenticate(options.broker.amqp.users, req.headers.authorization, remoteAddressOf(req));
      if (match === null) throw objectNotFound(`no management endpoint ${url.pathname}; see docs/management-api.md`);
      const method = (req.method === 'HEAD' ? 'GET' : req.method) as MgmtMethod;
      const handler = METHODS.includes(method) ? match.route.methods[method] : undefined;
      if (handler === undefined) {
        const allow = Object.keys(match.route.methods).join(', ');
        throw new MgmtError(405, 'method_not_allowed', `${req.method ?? '?'} is not allowed on ${url.pathname}; use ${allow}`, { allow });
      }
      authorize(user, method, match.route.adminOnly === true);
      const answer = await handler({ req, url, params: match.params, deps, user });
      let body = answer.body;
      if (answer.list === true) body = applyList(body as Item[], parseListQuery(url.searchParams));
      else if (body !== undefined && typeof body === 'object' && body !== null && !Array.isArray(body)) body = project(body as Item, parseListQuery(url.searchParams).columns);
      send(req, res, answer.status, body, answer.headers ?? {});
    } catch (err) {
      if (err instanceof ClientGoneError) return;
      const { error, expected } = mgmtErrorFor(err);
      if (!expected) logger.error({ err, method: req.method, url: req.url }, 'management: a request failed unexpectedly');
      // A browser shows its own login dialog for a 401 with WWW-Authenticate (a headless one hangs);
      // the console asks for credentials itself and marks its requests, as RabbitMQ's UI does.
      const fromConsole = req.headers['x-requested-with'] === 'XMLHttpRequest';
      const headers: Record<string, string> = fromConsole ? {} : { ...error.headers };
      // A body left unread (a 413, a refusal before the route read it) is not drained: close after answering.
      if (!req.complete && hasBody(req)) headers.connection = 'close';
      send(req, res, error.status, mgmtErrorBody(error), headers);
    }
  }

  return {
    owns: (pathname) => pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`),
    handle,
    rates,
    close: () => rates.stop(),
  };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>>): void {
  if (res.headersSent || res.destroyed) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status, { ...headers, 'cache-control': 'no-store', 'content-length': 0 });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : text);
}
