// The client of the `/ws` gateway (docs/gateway.md): one socket, many subscriptions, publish and
// RPC requests correlated by `ref`, and reconnect with backoff that subscribes again.
import { WharfClientError } from './client-error.js';
import { Delivery } from './message.js';
import { encodePayload } from './payload.js';
import { parseServerOp, type ClientOp, type ErrorOp, type MessageProperties, type ServerOp } from './protocol.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './reconnect.js';
import { SOCKET_OPEN, globalWebSocket, type SocketCloseEvent, type WebSocketConstructor, type WebSocketLike } from './socket.js';
import { Subscription, type DeliveryHandler, type SubscribeOptions, type SubscriptionLink } from './subscription.js';

export interface ConnectOptions {
  /** The WebSocket class; default the global one (browsers). In Node 20 pass `ws`'s WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect after the socket drops (default true), optionally with its backoff in ms. */
  reconnect?: boolean | Partial<BackoffOptions>;
}

export interface PublishOptions {
  properties?: MessageProperties;
  /** Default '/'. */
  vhost?: string;
  /** Ask the broker to report an unroutable message as `routed: false`. */
  mandatory?: boolean;
}

export interface RequestOptions {
  /** How long to wait for the reply, in ms (default 30000). */
  timeout?: number;
  properties?: MessageProperties;
  /** Default '/'. */
  vhost?: string;
}

export interface ClientEvents {
  /** A socket opened (the first one, and each one after a reconnect). */
  open: () => void;
  /** The socket closed; `reconnecting` says whether the client will try again. */
  close: (info: { code: number; reason: string; reconnecting: boolean }) => void;
  /** A reconnect attempt is scheduled `delayMs` from now. */
  reconnecting: (info: { attempt: number; delayMs: number }) => void;
  /** A server error that belongs to no pending call, or a handler that threw. */
  error: (err: Error) => void;
  /** The server ended a subscription (its queue was deleted, it failed on resubscribe, ...). */
  cancelled: (info: { subscription: Subscription; reason: string }) => void;
}

interface Pending {
  readonly resolve: (value: ServerOp) => void;
  readonly reject: (err: WharfClientError) => void;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export class WharfClient {
  readonly url: string;
  private readonly WebSocketClass: WebSocketConstructor;
  private readonly backoff: Backoff | undefined;
  private socket: WebSocketLike | undefined = undefined;
  private socketEpoch = 0;
  private closing = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private nextRef = 1;
  private nextSubscriptionId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly subscriptions = new Map<string, Subscription>();
  /** Subscriptions the server confirmed on the current socket. */
  private readonly confirmed = new Set<string>();
  private readonly listeners = new Map<keyof ClientEvents, Set<(...args: never[]) => void>>();
  private readonly closeWaiters: (() => void)[] = [];
  private readonly link: SubscriptionLink;

  /** Use connect(); the constructor does not open a socket. */
  constructor(url: string, options: ConnectOptions = {}) {
    const WebSocketClass = options.WebSocket ?? globalWebSocket();
    if (WebSocketClass === undefined) {
      throw new TypeError('no global WebSocket here (Node 20): pass one, e.g. connect(url, { WebSocket }) with `import { WebSocket } from "ws"`');
    }
    this.url = url;
    this.WebSocketClass = WebSocketClass;
    const reconnect = options.reconnect ?? true;
    this.backoff = reconnect === false ? undefined : new Backoff({ ...DEFAULT_BACKOFF, ...(reconnect === true ? {} : reconnect) });
    // Arrow functions so `this` is the client, whoever calls them.
    this.link = {
      send: (op) => this.send(op as ClientOp),
      epoch: () => this.socketEpoch,
      remove: (sub) => this.forget(sub),
      handlerFailed: (_sub, err) => this.emit('error', err instanceof Error ? err : new Error(String(err))),
    };
  }

  /** Opens the first socket; rejects with 'disconnected' if it cannot. */
  open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.openSocket((err) => (err === undefined ? resolve() : reject(err)));
    });
  }

  get connected(): boolean {
    return this.socket !== undefined && this.socket.readyState === SOCKET_OPEN;
  }

  on<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => this.off(event, fn);
  }

  off<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): void {
    this.listeners.get(event)?.delete(fn);
  }

  /** Starts consuming a queue or reading a topic partition; survives reconnects. */
  subscribe(options: SubscribeOptions, handler: DeliveryHandler): Subscription {
    if (this.closing) throw new WharfClientError('disconnected', 'the client is closed');
    const sub = new Subscription(`s${this.nextSubscriptionId++}`, options, handler, this.link);
    this.subscriptions.set(sub.id, sub);
    this.send(sub.subscribeOp());
    return sub;
  }

  /** Publishes to an exchange ('' is the default exchange); resolves once the broker routed it. */
  async publish(exchange: string, routingKey: string, body: string | Uint8Array, options: PublishOptions = {}): Promise<{ routed: boolean }> {
    const ref = `r${this.nextRef++}`;
    const op: ClientOp = { op: 'publish', ref, exchange, vhost: options.vhost ?? '/', routingKey, ...encodePayload(body) };
    if (options.properties !== undefined) op.properties = options.properties;
    if (options.mandatory !== undefined) op.mandatory = options.mandatory;
    const answer = await this.call(ref, op, undefined);
    return { routed: answer.op === 'published' && answer.routed === true };
  }

  /**
   * RPC over the broker: publishes with a correlation id and a reply-to that leads back to this
   * socket, and resolves with the reply. Rejects with code 'timeout', 'disconnected' or the server's.
   */
  async request(exchange: string, routingKey: string, body: string | Uint8Array, options: RequestOptions = {}): Promise<Delivery> {
    const timeoutMs = options.timeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const ref = `r${this.nextRef++}`;
    const op: ClientOp = { op: 'request', ref, exchange, vhost: options.vhost ?? '/', routingKey, ...encodePayload(body), timeoutMs };
    if (options.properties !== undefined) op.properties = options.properties;
    const answer = await this.call(ref, op, timeoutMs);
    if (answer.op !== 'reply') throw new WharfClientError('protocol', `expected a reply, got ${answer.op}`);
    return Delivery.fromReply(answer);
  }

  /** Closes the socket for good: no reconnect; pending calls reject with 'disconnected'. */
  close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.failPending('the client was closed');
    for (const sub of [...this.subscriptions.values()]) sub.unsubscribe();
    const socket = this.socket;
    if (socket === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.closeWaiters.push(resolve);
      socket.close(1000, 'client closed');
    });
  }

  // ---- socket lifecycle ----

  /** `opened` is told once: undefined when the socket opened, the error when it closed first. */
  private openSocket(opened: ((err?: WharfClientError) => void) | undefined): void {
    const epoch = ++this.socketEpoch;
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketClass(this.url);
    } catch (err) {
      const e = new WharfClientError('disconnected', `cannot open ${this.url}: ${err instanceof Error ? err.message : String(err)}`);
      if (opened !== undefined) opened(e);
      else this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    let wasOpen = false;
    socket.onopen = () => {
      if (epoch !== this.socketEpoch) return;
      wasOpen = true;
      this.backoff?.reset();
      for (const sub of this.subscriptions.values()) this.send(sub.subscribeOp());
      opened?.();
      this.emit('open');
    };
    socket.onmessage = (event) => {
      if (epoch !== this.socketEpoch || typeof event.data !== 'string') return;
      const op = parseServerOp(event.data);
      if (op !== undefined) this.dispatch(op);
    };
    socket.onerror = () => undefined; // a close event always follows; it carries what we act on
    socket.onclose = (event: SocketCloseEvent) => {
      if (epoch !== this.socketEpoch) return;
      this.socket = undefined;
      this.socketEpoch++; // deliveries of this socket can no longer be settled
      this.confirmed.clear();
      this.failPending(`the connection to ${this.url} closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`);
      const reconnecting = !this.closing && this.backoff !== undefined && (wasOpen || opened === undefined);
      if (!wasOpen && opened !== undefined) opened(new WharfClientError('disconnected', `cannot connect to ${this.url} (${event.code})`));
      this.emit('close', { code: event.code, reason: event.reason, reconnecting });
      if (reconnecting) this.scheduleReconnect();
      for (const resolve of this.closeWaiters.splice(0)) resolve();
    };
  }

  private scheduleReconnect(): void {
    if (this.closing || this.backoff === undefined) return;
    const delayMs = this.backoff.next();
    this.emit('reconnecting', { attempt: this.backoff.attempts, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closing) this.openSocket(undefined);
    }, delayMs);
  }

  private send(op: ClientOp): boolean {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== SOCKET_OPEN) return false;
    socket.send(JSON.stringify(op));
    return true;
  }

  /** Sends an op that the server answers by `ref`; the promise settles with that answer. */
  private call(ref: string, op: ClientOp, timeoutMs: number | undefined): Promise<ServerOp> {
    return new Promise<ServerOp>((resolve, reject) => {
      if (!this.send(op)) {
        reject(new WharfClientError('disconnected', this.closing ? 'the client is closed' : `not connected to ${this.url}`));
        return;
      }
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.pending.delete(ref);
        reject(new WharfClientError('timeout', `no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
    });
  }

  private settle(ref: string): Pending | undefined {
    const p = this.pending.get(ref);
    if (p === undefined) return undefined;
    this.pending.delete(ref);
    if (p.timer !== undefined) clearTimeout(p.timer);
    return p;
  }

  private failPending(message: string): void {
    for (const ref of [...this.pending.keys()]) this.settle(ref)?.reject(new WharfClientError('disconnected', message));
  }

  // ---- server ops ----

  private dispatch(op: ServerOp): void {
    switch (op.op) {
      case 'message':
        this.subscriptions.get(op.id)?.onMessage(op);
        return;
      case 'record':
        this.subscriptions.get(op.id)?.onRecord(op);
        return;
      case 'published':
      case 'reply':
        this.settle(op.ref)?.resolve(op);
        return;
      case 'subscribed':
        this.confirmed.add(op.id);
        this.subscriptions.get(op.id)?.confirmed();
        return;
      case 'cancelled': {
        const sub = this.subscriptions.get(op.id);
        if (sub === undefined) return;
        const reason = op.reason ?? 'cancelled by the server';
        sub.failed(new WharfClientError('cancelled', reason));
        this.emit('cancelled', { subscription: sub, reason });
        return;
      }
      case 'error':
        this.onError(op);
        return;
      case 'unsubscribed':
      case 'pong':
        return;
    }
  }

  private onError(op: ErrorOp): void {
    const err = new WharfClientError(op.code, op.message);
    if (op.ref !== undefined) {
      const p = this.settle(op.ref);
      if (p !== undefined) return p.reject(err);
    }
    if (op.id !== undefined) {
      const sub = this.subscriptions.get(op.id);
      // An error before `subscribed` means the subscribe itself failed: the subscription is over.
      if (sub !== undefined && !this.confirmed.has(op.id)) {
        sub.failed(err);
        this.emit('cancelled', { subscription: sub, reason: `${op.code}: ${op.message}` });
        return;
      }
    }
    this.emit('error', err);
  }

  private forget(sub: Subscription): void {
    this.subscriptions.delete(sub.id);
    this.confirmed.delete(sub.id);
  }

  private emit<K extends keyof ClientEvents>(event: K, ...args: Parameters<ClientEvents[K]>): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const fn of [...set]) {
      try {
        (fn as (...a: Parameters<ClientEvents[K]>) => void)(...args);
      } catch (err) {
        // A listener's bug must not break the socket's dispatch; report it like a DOM event would.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

/** Connects to a Wharf gateway, e.g. `connect('ws://localhost:8080/ws')`. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<WharfClient> {
  const client = new WharfClient(url, options);
  await client.open();
  return client;
}
