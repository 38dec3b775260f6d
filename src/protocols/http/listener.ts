// The HTTP listener (docs/gateway.md): binds host:httpPort with node:http and serves the REST
// routes under /v1, Server-Sent Events on GET /v1/sse and WebSocket upgrades on /ws, and the web
// console (docs/console.md) on GET of other paths. Every API answer is JSON; every failure is {"error": {"code", "message"}} with its status, and a bad
// request logs at most one rate-limited line. On stop it refuses new requests, lets those in
// flight finish for a grace period, closes WebSockets and event streams, then the server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Broker } from '../../broker/broker.js';
import { ConnectionRegistry } from '../../broker/connection-registry.js';
import { TopicAutoCreator } from '../../broker/topic-auto-create.js';
import type { WharfConfig } from '../../config/config-keys.js';
import type { BrokerMetrics } from '../../observability/metrics.js';
import { WharfError } from '../../util/wharf-error.js';
import { BadInputLog } from '../bad-input-log.js';
import { ClientGoneError, declaredTooLarge, tooLarge } from './body.js';
import { isConsolePath, serveConsole } from './console-static.js';
import type { GatewayDeps } from './gateway-deps.js';
import { errorBody, httpErrorFor, HttpError, HttpErrorCode } from './http-error.js';
import type { RestDeps } from './rest/route.js';
import { createManagementApi } from './management/router.js';
import type { ListenerInfo } from './management/mgmt-route.js';
import { matchRoute } from './routes.js';
import { createSseHandler } from './sse.js';
import { createWsGateway } from './ws/ws-gateway.js';

export const ERR_HTTP_LISTEN = 'WHARF_ERR_HTTP_LISTEN';
const SHUTDOWN_GRACE_MS = 1_000;
const WS_PATH = '/ws';
const SSE_PATH = '/v1/sse';
const METRICS_PATH = '/metrics';

export interface HttpListener {
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

export async function startHttpListener(options: {
  broker: Broker; config: WharfConfig; logger: Logger; metrics?: BrokerMetrics;
  /** For the management API under /api: client connections, and the other listeners to show in /api/overview. */
  connections?: ConnectionRegistry; listeners?: readonly ListenerInfo[];
}): Promise<HttpListener> {
  const { broker, config, logger, metrics } = options;
  let boundPort = config.httpPort;
  const management = createManagementApi({
    broker, config, logger, connections: options.connections ?? new ConnectionRegistry(),
    listeners: () => [...(options.listeners ?? []), { protocol: 'http', port: boundPort, ip_address: config.host }],
  });
  const deps: GatewayDeps = { broker, config, logger };
  const rest: RestDeps = { ...deps, topicCreator: new TopicAutoCreator(broker.topics, config.defaultPartitions) };
  const badInput = new BadInputLog(logger, { protocol: 'http' });
  const ws = createWsGateway(deps);
  const sse = createSseHandler(deps);
  const inFlight = new Set<Promise<void>>();
  let closing: Promise<void> | null = null;

  const server = createServer({ requestTimeout: 120_000, headersTimeout: 30_000 });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = requestUrl(req);
    if (url !== null && req.method === 'GET' && url.pathname === SSE_PATH) {
      sse(req, res, url);
      return;
    }
    const handled = handle(req, res, url).finally(() => inFlight.delete(handled));
    inFlight.add(handled);
  });
  // Expect: 100-continue: a body that is too large is refused before the client sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = declaredTooLarge(req, config.httpBodyBytesMax);
    if (declared >= 0) {
      sendError(req, res, tooLarge(declared, config.httpBodyBytesMax));
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = requestUrl(req);
    if (closing === null && url !== null && url.pathname === WS_PATH) {
      ws.handleUpgrade(req, socket, head);
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code !== 'ECONNRESET') badInput.warn({ err: err.message, code: err.code }, 'http: a request that does not parse as HTTP/1.1 was refused');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL | null): Promise<void> {
    try {
      if (url === null) throw new HttpError(400, HttpErrorCode.BAD_REQUEST, `the request target "${req.url ?? ''}" is not a valid path`);
      if (url.pathname === SSE_PATH) throw new HttpError(405, HttpErrorCode.METHOD_NOT_ALLOWED, `${req.method ?? '?'} is not allowed on ${SSE_PATH}; use GET`, { allow: 'GET' });
      if (url.pathname === METRICS_PATH && metrics !== undefined) {
        if (req.method !== 'GET') throw new HttpError(405, HttpErrorCode.METHOD_NOT_ALLOWED, `${req.method ?? '?'} is not allowed on ${METRICS_PATH}; use GET`, { allow: 'GET' });
        sendText(res, 200, await metrics.metrics(), metrics.contentType);
        return;
      }
      if (management.owns(url.pathname)) {
        await management.handle(req, res, url);
        return;
      }
      if (url.pathname === WS_PATH) throw new HttpError(426, HttpErrorCode.BAD_REQUEST, 'the WebSocket gateway at /ws needs an Upgrade: websocket request', { upgrade: 'websocket' });
      if ((req.method === 'GET' || req.method === 'HEAD') && isConsolePath(url.pathname) && await serveConsole(req, res, url.pathname)) return;
      const match = matchRoute(url.pathname);
      if (match === null) throw new HttpError(404, HttpErrorCode.NOT_FOUND, `no route for ${url.pathname}; see docs/gateway.md for the HTTP API`);
      const method = req.method === 'GET' || req.method === 'POST' ? req.method : undefined;
      const handler = method === undefined ? undefined : match.route.methods[method];
      if (handler === undefined) {
        const allow = Object.keys(match.route.methods).join(', ');
        throw new HttpError(405, HttpErrorCode.METHOD_NOT_ALLOWED, `${req.method ?? '?'} is not allowed on ${url.pathname}; use ${allow}`, { allow });
      }
      const answer = await handler({ req, url, params: match.params, deps: rest });
      sendJson(res, answer.status, answer.body, {});
    } catch (err) {
      if (err instanceof ClientGoneError) return;
      const { error, expected } = httpErrorFor(err);
      if (!expected) logger.error({ err, method: req.method, url: req.url }, 'http: a request failed unexpectedly');
      else if (error.status < 500) badInput.warn({ method: req.method, url: req.url, status: error.status, code: error.code, message: error.message }, 'http: bad request');
      sendError(req, res, error);
    }
  }

  try {
    await listen(server, config.httpPort, config.host);
  } catch (err) {
    management.close();
    await ws.close();
    throw err;
  }
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new WharfError(ERR_HTTP_LISTEN, `HTTP listener bound to an unexpected address ${String(bound)}`);
  boundPort = bound.port;

  return {
    address: { host: bound.address, port: bound.port },
    close(): Promise<void> {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        management.close();
        await ws.close();
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, SHUTDOWN_GRACE_MS); });
        await Promise.race([Promise.allSettled([...inFlight]), grace]);
        clearTimeout(timer);
        // Event streams and requests still running after the grace period are cut.
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new WharfError(ERR_HTTP_LISTEN, `cannot listen for HTTP clients on ${host}:${port}: ${err.code ?? err.message}; free the port or choose another with --http-port`, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://wharf');
  } catch {
    return null;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>>): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, contentType: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * An error answer. When the request body was not read to its end (a 413, or a failure before the
 * route read it), the connection closes after the answer rather than reading the rest.
 */
function sendError(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  const headers: Record<string, string> = { ...error.headers };
  if (!req.complete) headers.connection = 'close';
  sendJson(res, error.status, errorBody(error), headers);
}
