// One WebSocket of the gateway: turns JSON ops into broker calls and deliveries into JSON frames
// (docs/gateway.md "WebSocket"). It owns the socket's subscriptions (queue consumers and topic
// readers), its RPC requests and its reply consumers; closing gives all of them back, so unacked
// queue deliveries are requeued as on an AMQP channel close.
//
// Bad input (not JSON, an unknown op, a missing or mistyped field) is answered with
// `error {code: 'bad_request'}` on this socket, logged once per socket (rate-limited across
// sockets), and never travels further; a socket that keeps sending bad frames is closed (1008).
// Back-pressure: deliveries stop at each subscription's prefetch; a socket whose send buffer still
// passes wsBufferedBytesMax (the client stopped reading) is closed with 1008 and everything it held
// is given back at once.
import type { WebSocket } from 'ws';
import type { AmqpQueue as Queue } from '../../../broker/amqp/model-queue.js';
import type { VirtualHost } from '../../../broker/amqp/vhost.js';
import { buildMessage } from '../../../broker/amqp/message-build.js';
import type { BadInputLog } from '../../bad-input-log.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { badRequest, httpErrorFor, notFound } from '../http-error.js';
import { propertiesFromJson } from '../properties-json.js';
import { gatewayConnectionId, type DeliverySink } from './delivery-sink.js';
import { GroupTopicSubscription } from './group-topic-subscription.js';
import { QueueSubscription } from './queue-subscription.js';
import { PENDING_REQUESTS_MAX, RpcRequests } from './rpc-requests.js';
import { TopicSubscription } from './topic-subscription.js';
import { BadOpError, parseClientOp, type ClientOp, type ClientRef, type PublishFields } from './ws-ops.js';

/** Subscriptions one socket may hold at once. */
export const SUBSCRIPTIONS_MAX = 1000;
/** Bad frames after which the socket is closed (each one was answered with an error). */
export const BAD_FRAMES_MAX = 100;
/** WebSocket close codes (RFC 6455 §7.4.1). */
export const WsCloseCode = { GOING_AWAY: 1001, POLICY_VIOLATION: 1008 } as const;
/** How long a socket the server closes gets to finish the closing handshake before it is cut. */
const CLOSE_GRACE_MS = 2_000;

type Subscription = QueueSubscription | TopicSubscription | GroupTopicSubscription;

export interface WsSessionOptions {
  readonly deps: GatewayDeps;
  readonly badInput: BadInputLog;
  readonly remoteAddress: string;
  /** Called once, when the session has given everything back. */
  readonly onClosed: (session: WsSession) => void;
}

export class WsSession implements DeliverySink {
  readonly connectionId = gatewayConnectionId();
  /** Set by every pong or frame; the heartbeat clears it and cuts a socket that stayed silent. */
  alive = true;
  private readonly ws: WebSocket;
  private readonly options: WsSessionOptions;
  private readonly bufferedBytesMax: number;
  private readonly subscriptions = new Map<ClientRef, Subscription>();
  private readonly rpc: RpcRequests;
  private lastTag = 0;
  private badFrames = 0;
  private state: 'open' | 'closed' = 'open';

  constructor(ws: WebSocket, options: WsSessionOptions) {
    this.ws = ws;
    this.options = options;
    this.bufferedBytesMax = options.deps.config.wsBufferedBytesMax;
    this.rpc = new RpcRequests({ isOpen: () => this.state === 'open', send: (frame) => this.send(frame) });
    ws.on('message', (data, isBinary) => this.onFrame(data as Buffer | Buffer[], isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.release());
    ws.on('error', () => this.release());
  }

  // ---- DeliverySink ----

  writable(): boolean {
    return this.state === 'open' && this.ws.bufferedAmount <= this.bufferedBytesMax;
  }

  nextTag(): number {
    return ++this.lastTag;
  }

  send(frame: object, written?: () => void): void {
    if (this.state !== 'open') {
      written?.();
      return;
    }
    this.ws.send(JSON.stringify(frame), written === undefined ? undefined : () => written());
    if (this.ws.bufferedAmount > this.bufferedBytesMax) this.overflow();
  }

  subscriptionEnded(id: ClientRef, frame: object): void {
    this.subscriptions.delete(id);
    this.send(frame);
  }

  // ---- lifecycle ----

  /** Heartbeat tick: ping, or cut the socket when the last ping got no pong. */
  heartbeat(): void {
    if (this.state !== 'open') return;
    if (!this.alive) {
      this.ws.terminate();
      this.release();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  /** Server shutdown: close with 1001 and give everything back now. */
  shutdown(): void {
    if (this.state !== 'open') return;
    this.ws.close(WsCloseCode.GOING_AWAY, 'server shutting down');
    this.release();
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** The client stopped reading: close with 1008 and requeue what it held (nothing is lost). */
  private overflow(): void {
    if (this.state !== 'open') return;
    this.options.badInput.warn({ remoteAddress: this.options.remoteAddress, bufferedBytes: this.ws.bufferedAmount, wsBufferedBytesMax: this.bufferedBytesMax },
      'ws: closing a WebSocket whose client stopped reading; its unacked deliveries are requeued');
    this.ws.close(WsCloseCode.POLICY_VIOLATION, `send buffer passed ${this.bufferedBytesMax} bytes`);
    this.release();
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private release(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.rpc.close();
    for (const sub of this.subscriptions.values()) sub.close();
    this.subscriptions.clear();
    this.options.onClosed(this);
  }

  // ---- ops ----

  private onFrame(data: Buffer | Buffer[], isBinary: boolean): void {
    if (this.state !== 'open') return;
    this.alive = true;
    let op: ClientOp;
    try {
      if (isBinary) throw new BadOpError('binary frames are not ops: send JSON text frames', undefined, undefined);
      op = parseClientOp(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8'));
    } catch (err) {
      this.badFrame(err);
      return;
    }
    let pending: Promise<void> | undefined;
    try {
      pending = this.run(op);
    } catch (err) {
      this.fail(op, err);
      return;
    }
    pending?.catch((err: unknown) => this.fail(op, err));
  }

  private run(op: ClientOp): Promise<void> | undefined {
    switch (op.op) {
      case 'subscribe':
        this.subscribe(op);
        return undefined;
      case 'unsubscribe': {
        const sub = this.subscription(op.id);
        this.subscriptions.delete(op.id);
        sub.close();
        this.send({ op: 'unsubscribed', id: op.id });
        return undefined;
      }
      case 'ack':
        this.subscription(op.id).ack(op.tag);
        return undefined;
      case 'nack': {
        const sub = this.subscription(op.id);
        if (!(sub instanceof QueueSubscription)) throw badRequest('nack applies to queue subscriptions; a topic subscription acks records to grant credit (subscribe again from an offset to reread)');
        sub.nack(op.tag, op.requeue);
        return undefined;
      }
      case 'publish':
        return this.publish(op);
      case 'request':
        this.request(op);
        return undefined;
      case 'ping':
        this.send(op.ref === undefined ? { op: 'pong' } : { op: 'pong', ref: op.ref });
        return undefined;
    }
  }

  private subscribe(op: ClientOp & { op: 'subscribe' }): void {
    if (this.subscriptions.has(op.id)) throw badRequest(`subscription id ${JSON.stringify(op.id)} is in use on this socket; unsubscribe first or choose another id`);
    if (this.subscriptions.size >= SUBSCRIPTIONS_MAX) throw badRequest(`a socket holds at most ${SUBSCRIPTIONS_MAX} subscriptions; unsubscribe some or open another socket`);
    if (op.kind === 'queue') {
      const sub = QueueSubscription.open(this.vhost(op.vhost), this, op);
      this.subscriptions.set(op.id, sub);
      // The queue dispatches in a microtask, so `subscribed` goes out before the first `message`.
      this.send({ op: 'subscribed', id: op.id });
      return;
    }
    const { topics, groups } = this.options.deps.broker;
    const sub = op.kind === 'group' ? GroupTopicSubscription.open(topics, groups, this, op) : TopicSubscription.open(topics, this, op);
    this.subscriptions.set(op.id, sub);
    this.send({ op: 'subscribed', id: op.id });
    sub.start();
  }

  private async publish(op: PublishFields): Promise<void> {
    const vhost = this.vhost(op.vhost);
    const message = buildMessage(op.exchange, op.routingKey, propertiesFromJson(op.properties), op.body);
    const outcome = vhost.publish(op.exchange, op.routingKey, message, op.mandatory);
    if (outcome.stored !== undefined) await outcome.stored;
    if (outcome.rejected) {
      this.send({ op: 'error', ref: op.ref, code: 'rejected', message: 'a queue refused the message (x-overflow reject-publish: it is full); retry later' });
      return;
    }
    this.send({ op: 'published', ref: op.ref, routed: outcome.routed });
  }

  private request(op: PublishFields & { ref: ClientRef; timeoutMs: number }): void {
    if (this.rpc.pendingCount >= PENDING_REQUESTS_MAX) {
      throw badRequest(`a socket may wait for at most ${PENDING_REQUESTS_MAX} replies at once; wait for some before sending more requests`);
    }
    const vhost = this.vhost(op.vhost);
    const replyTo = this.rpc.replyTo(vhost);
    const correlationId = this.rpc.wait(op.ref, op.timeoutMs);
    try {
      const properties = propertiesFromJson({ ...op.properties, correlationId, replyTo });
      const message = buildMessage(op.exchange, op.routingKey, properties, op.body);
      const outcome = vhost.publish(op.exchange, op.routingKey, message, true);
      if (!outcome.routed || outcome.rejected) {
        this.rpc.forget(correlationId);
        const why = outcome.rejected ? 'a queue refused it (x-overflow reject-publish)' : 'no queue is bound to take it';
        this.send({ op: 'error', ref: op.ref, code: 'unroutable', message: `the request was not delivered: ${why}` });
        return;
      }
      outcome.stored?.catch((err: unknown) => {
        if (this.rpc.forget(correlationId)) this.fail({ op: 'request', ...op }, err);
      });
    } catch (err) {
      this.rpc.forget(correlationId);
      throw err;
    }
  }

  private subscription(id: ClientRef): Subscription {
    const sub = this.subscriptions.get(id);
    if (sub === undefined) throw badRequest(`no subscription ${JSON.stringify(id)} on this socket`);
    return sub;
  }

  private vhost(name: string): VirtualHost<Queue> {
    const vhost = this.options.deps.broker.amqp.vhost(name);
    if (vhost === undefined) throw notFound(`no vhost '${name}'`);
    return vhost;
  }

  // ---- errors ----

  /** A broker or validation error of one op: answered on this socket with the op's ref or id. */
  private fail(op: ClientOp, err: unknown): void {
    const { error, expected } = httpErrorFor(err);
    if (!expected) this.options.deps.logger.error({ err, op: op.op }, 'ws: an op failed unexpectedly');
    if (error.code === 'bad_request') this.countBadFrame(error.message);
    const at = 'ref' in op ? { ref: op.ref } : 'id' in op ? { id: op.id } : {};
    this.send({ op: 'error', ...at, code: error.code, message: error.message });
  }

  private badFrame(err: unknown): void {
    if (!(err instanceof BadOpError)) throw err;
    const at = err.ref !== undefined ? { ref: err.ref } : err.id !== undefined ? { id: err.id } : {};
    this.send({ op: 'error', ...at, code: err.code, message: err.message });
    this.countBadFrame(err.message);
  }

  private countBadFrame(reason: string): void {
    this.badFrames++;
    if (this.badFrames === 1) {
      this.options.badInput.warn({ remoteAddress: this.options.remoteAddress, reason }, 'ws: a WebSocket client sent a bad op (answered with an error; not logged again for this socket)');
    }
    if (this.badFrames >= BAD_FRAMES_MAX && this.state === 'open') {
      this.ws.close(WsCloseCode.POLICY_VIOLATION, `${BAD_FRAMES_MAX} bad frames`);
      this.release();
    }
  }
}
