// Server-Sent Events (docs/gateway.md "Server-Sent Events"): `GET /v1/sse?queue=…&vhost=…` or
// `?topic=…&partition=…&offset=…` streams `event: message` / `event: record` with the JSON of the
// WebSocket frames, for receive-only clients (EventSource). A queue stream acknowledges
// automatically; both kinds stop delivering while the response's write buffer is full (and at most
// `prefetch` deliveries are unwritten), and resume on 'drain'. Records carry `id: <offset>`, so an
// EventSource that reconnects with Last-Event-ID resumes after the last record it saw. A comment
// line every 15 s keeps proxies from closing an idle stream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayDeps } from './gateway-deps.js';
import { badRequest, errorBody, httpErrorFor, HttpError, notFound } from './http-error.js';
import { readEncoding } from './payload.js';
import { gatewayConnectionId, type DeliverySink } from './ws/delivery-sink.js';
import { QueueSubscription } from './ws/queue-subscription.js';
import { TopicSubscription } from './ws/topic-subscription.js';
import { PREFETCH_DEFAULT, PREFETCH_MAX, type StartOffset } from './ws/ws-ops.js';

export const SSE_HEARTBEAT_INTERVAL_MS_DEFAULT = 15_000;

export interface SseOptions {
  heartbeatIntervalMs?: number;
}

type Subscription = QueueSubscription | TopicSubscription;

class SseStream implements DeliverySink {
  readonly connectionId = gatewayConnectionId();
  private readonly res: ServerResponse;
  private readonly onEnd: (s: SseStream) => void;
  private lastTag = 0;
  private closed = false;
  subscription: Subscription | null = null;

  constructor(res: ServerResponse, onEnd: (s: SseStream) => void) {
    this.res = res;
    this.onEnd = onEnd;
  }

  writable(): boolean {
    return !this.closed && !this.res.writableNeedDrain;
  }

  nextTag(): number {
    return ++this.lastTag;
  }

  send(frame: object, written?: () => void): void {
    if (this.closed) {
      written?.();
      return;
    }
    const f = frame as { op: string; offset?: number };
    const id = f.op === 'record' ? `id: ${f.offset}\n` : '';
    this.res.write(`event: ${f.op}\n${id}data: ${JSON.stringify(frame)}\n\n`, written === undefined ? undefined : () => written());
  }

  subscriptionEnded(_id: string | number, frame: object): void {
    this.send(frame);
    this.end();
  }

  comment(text: string): void {
    if (!this.closed) this.res.write(`: ${text}\n\n`);
  }

  drained(): void {
    this.subscription?.resume();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.subscription?.close();
    this.subscription = null;
    this.res.end();
    this.onEnd(this);
  }
}

export function createSseHandler(deps: GatewayDeps, options: SseOptions = {}): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const streams = new Set<SseStream>();
  const intervalMs = options.heartbeatIntervalMs ?? SSE_HEARTBEAT_INTERVAL_MS_DEFAULT;
  let heartbeat: NodeJS.Timeout | null = null;
  const onEnd = (s: SseStream): void => {
    streams.delete(s);
    if (streams.size === 0 && heartbeat !== null) {
      clearInterval(heartbeat);
      heartbeat = null;
    }
  };

  return (req, res, url) => {
    if (req.method !== 'GET') {
      sendError(res, new HttpError(405, 'method_not_allowed', `${req.method ?? ''} is not allowed on ${url.pathname}; use GET`, { allow: 'GET' }));
      return;
    }
    const stream = new SseStream(res, onEnd);
    let sub: Subscription;
    try {
      sub = subscribe(deps, stream, url.searchParams, req.headers['last-event-id']);
    } catch (err) {
      const { error, expected } = httpErrorFor(err);
      if (!expected) deps.logger.error({ err }, 'sse: opening a stream failed unexpectedly');
      sendError(res, error);
      return;
    }
    stream.subscription = sub;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.on('drain', () => stream.drained());
    res.on('close', () => stream.end());
    streams.add(stream);
    heartbeat ??= setInterval(() => {
      for (const s of streams) s.comment('heartbeat');
    }, intervalMs).unref();
    stream.comment('subscribed');
    if (sub instanceof TopicSubscription) sub.start();
  };
}

function subscribe(deps: GatewayDeps, stream: SseStream, q: URLSearchParams, lastEventId: string | string[] | undefined): Subscription {
  const queue = q.get('queue');
  const topic = q.get('topic');
  const encoding = readEncoding(q.get('encoding') ?? undefined);
  const prefetch = intParam(q, 'prefetch', PREFETCH_DEFAULT, 1, PREFETCH_MAX);
  if (queue !== null && topic !== null) throw badRequest('give either ?queue= or ?topic=, not both');
  if (queue !== null) {
    const vhostName = q.get('vhost') ?? '/';
    const vhost = deps.broker.amqp.vhost(vhostName);
    if (vhost === undefined) throw notFound(`no vhost '${vhostName}'`);
    return QueueSubscription.open(vhost, stream, { id: queue, queue, prefetch, ack: 'auto', encoding });
  }
  if (topic !== null) {
    const partition = intParam(q, 'partition', 0, 0, 0x7fff_ffff);
    let offset = startOffset(q.get('offset'));
    // EventSource reconnects with the id of the last event it saw: resume after that record.
    const last = typeof lastEventId === 'string' && /^[0-9]{1,16}$/.test(lastEventId) ? Number(lastEventId) : -1;
    if (last >= 0 && Number.isSafeInteger(last + 1)) offset = last + 1;
    return TopicSubscription.open(deps.broker.topics, stream, { id: topic, topic, partition, offset, prefetch, ack: 'auto', encoding });
  }
  throw badRequest('give ?queue= (and &vhost=) or ?topic= (and &partition=&offset=)');
}

function startOffset(v: string | null): StartOffset {
  if (v === null || v === 'latest') return 'latest';
  if (v === 'earliest') return v;
  if (/^[0-9]{1,16}$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  throw badRequest(`offset must be earliest, latest or an offset ≥ 0, not '${v.slice(0, 40)}'`);
}

function intParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const v = q.get(name);
  if (v === null) return fallback;
  const n = /^[0-9]{1,10}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw badRequest(`${name} must be an integer from ${min} to ${max}, not '${v.slice(0, 40)}'`);
  return n;
}

function sendError(res: ServerResponse, err: HttpError): void {
  const body = JSON.stringify(errorBody(err));
  res.writeHead(err.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...err.headers });
  res.end(body);
}
