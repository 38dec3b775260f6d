// One AMQP 0-9-1 client connection: protocol header, the connection-class handshake (start →
// start-ok with PLAIN, tune → tune-ok, open → open-ok), heartbeats, frames handed to channels,
// and the close handshake. It speaks only the wire codec (src/protocols/amqp/codec), like any
// outside client. One coarse timer serves heartbeats and every request deadline.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AmqpFormatError } from '../../formats/amqp/amqp-format-error.js';
import { tableFromPlain } from '../../formats/amqp/field-table.js';
import {
  FRAME_MIN_SIZE, FrameReader, FrameType, HEARTBEAT_FRAME, PROTOCOL_HEADER,
  decodeMethod, encodeMethodFrame, type AmqpFrame, type AmqpMethod,
} from '../../protocols/amqp/codec/index.js';
import { packageVersion } from '../../util/package-version.js';
import { ClientError, ClientErrorCode } from '../client-errors.js';
import { openTcpSocket } from '../tcp-connect.js';
import { closeError, methodName, type OperationContext } from './amqp-client-errors.js';
import { AmqpClientChannel, type ChannelHost } from './amqp-channel.js';
import { formatEndpoint, type AmqpEndpoint } from './amqp-url.js';

export interface AmqpConnectOptions {
  readonly connectTimeoutMs?: number;
  /** How long a synchronous method (declare, bind, get, …) may wait for its answer. */
  readonly requestTimeoutMs?: number;
  /** Shown to the broker as connection_name. */
  readonly connectionName?: string;
}

const CONNECT_TIMEOUT_MS_DEFAULT = 10_000;
const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;
/** Our wish in tune-ok when the server offers 0 ("no limit"). */
const FRAME_MAX_WISH = 131_072;
const CHANNEL_MAX_WISH = 2047;
const TICK_MS = 250;
const CLOSE_GRACE_MS = 1_000;

type Waiter = { readonly expect: readonly string[]; readonly resolve: (m: AmqpMethod) => void };

export class AmqpClientConnection implements ChannelHost {
  readonly peer: string;
  readonly vhost: string;
  frameMax = FRAME_MIN_SIZE;
  /** Called with the reason when the broker blocks publishers (resource alarm), with null when it unblocks. */
  onBlocked: ((reason: string | null) => void) | null = null;
  readonly requestTimeoutMs: number;
  private readonly reader = new FrameReader();
  private readonly channels = new Map<number, AmqpClientChannel>();
  private nextChannelId = 1;
  private channelMax = CHANNEL_MAX_WISH;
  private heartbeatMs = 0;
  private lastReceivedMs = Date.now();
  private lastSentMs = Date.now();
  private sawFrame = false;
  private firstBytes: Buffer | null = null;
  private waiter: Waiter | null = null;
  /** What a failure during the handshake was doing (login, opening the vhost). */
  private stage: OperationContext;
  private failure: Error | null = null;
  private failureListeners: ((err: Error) => void)[] = [];
  private closing = false;
  private readonly timer: NodeJS.Timeout;
  private readonly closed: Promise<void>;

  private constructor(private readonly stream: Duplex, endpoint: AmqpEndpoint, options: AmqpConnectOptions) {
    this.peer = formatEndpoint(endpoint);
    this.vhost = endpoint.vhost;
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
    this.stage = { what: `connecting to ${this.peer}`, method: 'connection.start' };
    this.closed = new Promise((resolve) => stream.once('close', () => resolve()));
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (err: Error) => this.fail(new ClientError(ClientErrorCode.DISCONNECTED, `the connection to ${this.peer} failed (${err.message})`, { cause: err })));
    stream.on('close', () => this.fail(this.closedEarly()));
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Opens a TCP connection and completes the handshake; the connection is then open on `endpoint.vhost`. */
  static async connect(endpoint: AmqpEndpoint, options: AmqpConnectOptions = {}): Promise<AmqpClientConnection> {
    const socket = await openSocket(endpoint, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS_DEFAULT);
    const conn = new AmqpClientConnection(socket, endpoint, options);
    try {
      await conn.withDeadline(conn.handshake(endpoint, options), options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS_DEFAULT);
    } catch (err) {
      socket.destroy();
      throw err;
    }
    return conn;
  }

  /** Opens a new channel (numbered 1, 2, …). */
  async openChannel(): Promise<AmqpClientChannel> {
    this.throwIfFailed();
    const id = this.nextChannelId;
    if (id > this.channelMax) throw new ClientError(ClientErrorCode.PROTOCOL, `no channel left on the connection to ${this.peer} (channel_max ${this.channelMax})`);
    this.nextChannelId += 1;
    const channel = new AmqpClientChannel(this, id);
    this.channels.set(id, channel);
    await channel.call({ name: 'channel.open' }, ['channel.open-ok'], { what: `opening channel ${id}`, method: 'channel.open', vhost: this.vhost });
    return channel;
  }

  // ChannelHost

  write(bytes: Buffer): boolean {
    this.lastSentMs = Date.now();
    return this.stream.write(bytes);
  }

  writeMethod(channel: number, method: AmqpMethod): boolean {
    return this.write(encodeMethodFrame(channel, method));
  }

  /** Resolves once the socket can take more bytes (or has failed). */
  drained(): Promise<void> {
    if (!this.stream.writableNeedDrain || this.failure !== null) return Promise.resolve();
    return Promise.race([new Promise<void>((resolve) => this.stream.once('drain', () => resolve())), this.closed]);
  }

  channelClosed(id: number): void {
    this.channels.delete(id);
  }

  get failed(): Error | null {
    return this.failure;
  }

  /** Calls `fn` once if the connection fails (at once if it has). */
  onFailure(fn: (err: Error) => void): void {
    if (this.failure !== null) fn(this.failure);
    else this.failureListeners.push(fn);
  }

  /** connection.close → close-ok, then the socket is closed. Safe to call more than once or after a failure. */
  async close(): Promise<void> {
    if (!this.closing && this.failure === null) {
      this.closing = true;
      try {
        const ok = this.expect(['connection.close-ok']);
        this.writeMethod(0, { name: 'connection.close', replyCode: 200, replyText: 'Goodbye', classId: 0, methodId: 0 });
        await this.withDeadline(ok, CLOSE_GRACE_MS);
      } catch {
        // Closing anyway: the broker may already be gone.
      }
    }
    this.closing = true;
    clearInterval(this.timer);
    this.stream.end();
    const cut = setTimeout(() => this.stream.destroy(), CLOSE_GRACE_MS);
    await this.closed;
    clearTimeout(cut);
  }

  private async handshake(endpoint: AmqpEndpoint, options: AmqpConnectOptions): Promise<void> {
    const started = this.expect(['connection.start']);
    this.write(PROTOCOL_HEADER);
    const start = await started;
    if (start.name !== 'connection.start') throw new Error('unreachable');
    const mechanisms = start.mechanisms.split(' ');
    if (!mechanisms.includes('PLAIN')) {
      throw new ClientError(ClientErrorCode.PROTOCOL, `${this.peer} offers the login mechanisms ${start.mechanisms}, and the wharf tools speak only PLAIN`);
    }
    this.stage = { what: `logging in to ${this.peer} as ${endpoint.username}`, method: 'connection.start-ok' };
    const tuned = this.expect(['connection.tune']);
    this.writeMethod(0, {
      name: 'connection.start-ok',
      clientProperties: tableFromPlain({
        product: 'wharf-cli',
        version: packageVersion(),
        platform: `Node.js ${process.version}`,
        connection_name: options.connectionName ?? 'wharf-cli',
        capabilities: { publisher_confirms: true, 'basic.nack': true, 'connection.blocked': true, authentication_failure_close: true, consumer_cancel_notify: true },
      }),
      mechanism: 'PLAIN',
      response: Buffer.from(`\0${endpoint.username}\0${endpoint.password}`, 'utf8'),
      locale: 'en_US',
    });
    const tune = await tuned;
    if (tune.name !== 'connection.tune') throw new Error('unreachable');
    this.channelMax = tune.channelMax === 0 ? CHANNEL_MAX_WISH : Math.min(tune.channelMax, CHANNEL_MAX_WISH);
    this.frameMax = tune.frameMax === 0 ? FRAME_MAX_WISH : tune.frameMax;
    // The server's heartbeat proposal, as amqplib and pika take it by default.
    this.heartbeatMs = tune.heartbeat * 1000;
    this.writeMethod(0, { name: 'connection.tune-ok', channelMax: this.channelMax, frameMax: this.frameMax, heartbeat: tune.heartbeat });
    this.reader.setFrameMax(Math.max(this.frameMax, FRAME_MIN_SIZE));
    this.stage = { what: `opening vhost "${endpoint.vhost}" on ${this.peer}`, method: 'connection.open', vhost: endpoint.vhost };
    const opened = this.expect(['connection.open-ok']);
    this.writeMethod(0, { name: 'connection.open', virtualHost: endpoint.vhost });
    await opened;
    this.stage = { what: `talking to ${this.peer}`, method: '', vhost: endpoint.vhost };
  }

  private expect(names: readonly string[]): Promise<AmqpMethod> {
    return new Promise<AmqpMethod>((resolve, reject) => {
      this.waiter = { expect: names, resolve };
      this.onFailure(reject);
    });
  }

  private withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new ClientError(ClientErrorCode.TIMEOUT, `${this.stage.what} got no answer within ${ms} ms; is ${this.peer} an AMQP 0-9-1 broker, and is it overloaded?`);
        this.fail(err);
        this.stream.destroy();
        reject(err);
      }, ms);
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  }

  private onData(chunk: Buffer): void {
    if (this.failure !== null) return;
    this.lastReceivedMs = Date.now();
    if (!this.sawFrame && this.firstBytes === null) this.firstBytes = Buffer.from(chunk.subarray(0, 8));
    try {
      this.reader.push(chunk);
      for (let f = this.reader.next(); f !== undefined && this.failure === null; f = this.reader.next()) {
        this.sawFrame = true;
        this.onFrame(f);
      }
    } catch (err) {
      if (!(err instanceof AmqpFormatError)) throw err;
      this.fail(this.notAmqp(err.message));
      this.stream.destroy();
    }
  }

  private onFrame(frame: AmqpFrame): void {
    if (frame.type === FrameType.HEARTBEAT) return;
    if (frame.channel === 0) {
      if (frame.type !== FrameType.METHOD) throw new AmqpFormatError('WHARF_ERR_AMQP_MALFORMED', `frame type ${frame.type} on channel 0`, 505);
      this.onConnectionMethod(decodeMethod(frame.payload));
      return;
    }
    const channel = this.channels.get(frame.channel);
    if (channel === undefined) {
      this.fail(new ClientError(ClientErrorCode.PROTOCOL, `${this.peer} sent a frame for channel ${frame.channel}, which is not open`));
      this.stream.destroy();
      return;
    }
    channel.onFrame(frame);
  }

  private onConnectionMethod(m: AmqpMethod): void {
    switch (m.name) {
      case 'connection.close': {
        this.writeMethod(0, { name: 'connection.close-ok' });
        // During the handshake the stage says what failed; afterwards the channel request in flight does.
        let ctx = this.stage;
        if (this.stage.method === '') {
          const failed = methodName(m.classId, m.methodId);
          ctx = [...this.channels.values()].map((ch) => ch.currentContext()).find((c) => c !== null)
            ?? { ...this.stage, what: failed === '' ? `talking to ${this.peer}` : `${failed} on ${this.peer}`, method: failed };
        }
        this.fail(closeError(ctx, m.replyCode, m.replyText, m.classId, m.methodId, true));
        this.stream.end();
        return;
      }
      case 'connection.blocked':
        this.onBlocked?.(m.reason);
        return;
      case 'connection.unblocked':
        this.onBlocked?.(null);
        return;
      default: {
        const w = this.waiter;
        if (w !== null && w.expect.includes(m.name)) {
          this.waiter = null;
          w.resolve(m);
          return;
        }
        this.fail(new ClientError(ClientErrorCode.PROTOCOL, `${this.peer} sent ${m.name} where ${w === null ? 'nothing' : w.expect.join(' or ')} was due`));
        this.stream.destroy();
      }
    }
  }

  private tick(): void {
    const now = Date.now();
    if (this.heartbeatMs > 0) {
      if (now - this.lastReceivedMs > 2 * this.heartbeatMs) {
        this.fail(new ClientError(ClientErrorCode.TIMEOUT, `${this.peer} sent nothing for two heartbeat intervals (${this.heartbeatMs / 500} s); the broker or the network is stuck`));
        this.stream.destroy();
        return;
      }
      if (now - this.lastSentMs >= this.heartbeatMs / 2) this.write(HEARTBEAT_FRAME);
    }
    for (const ch of this.channels.values()) {
      const late = ch.overdue(now);
      if (late !== null) {
        this.fail(new ClientError(ClientErrorCode.TIMEOUT, `${late} got no answer from ${this.peer} within ${this.requestTimeoutMs} ms; is the broker overloaded or stuck?`));
        this.stream.destroy();
        return;
      }
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
    if (this.closing) throw new ClientError(ClientErrorCode.DISCONNECTED, `the connection to ${this.peer} is closing`);
  }

  private notAmqp(detail: string): ClientError {
    const first = this.firstBytes;
    if (!this.sawFrame && first !== null && first.subarray(0, 4).toString('latin1') === 'AMQP') {
      const v = [...first.subarray(4, 8)].join('-');
      return new ClientError(ClientErrorCode.PROTOCOL, `${this.peer} speaks AMQP protocol ${v}, not 0-9-1 (AMQP 1.0 brokers answer so); point --url at an AMQP 0-9-1 broker such as Wharf or RabbitMQ`);
    }
    return new ClientError(ClientErrorCode.PROTOCOL, `${this.peer} sent bytes that are not AMQP 0-9-1 (${detail}); is --url pointing at the AMQP port (Wharf: 5672) rather than Kafka's (9092) or HTTP?`);
  }

  private closedEarly(): Error {
    if (this.closing) return new ClientError(ClientErrorCode.DISCONNECTED, `the connection to ${this.peer} is closed`);
    if (this.stage.method === 'connection.start') {
      return new ClientError(ClientErrorCode.DISCONNECTED, `${this.peer} closed the connection before the AMQP handshake; is --url pointing at the AMQP port (Wharf: 5672) rather than Kafka's (9092)?`);
    }
    if (this.stage.method === 'connection.start-ok') {
      return new ClientError(ClientErrorCode.DISCONNECTED, `${this.peer} closed the connection during login; check the user name and password in --url`);
    }
    return new ClientError(ClientErrorCode.DISCONNECTED, `${this.peer} closed the connection; is the broker still running? (its log says why)`);
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    this.waiter = null;
    clearInterval(this.timer);
    const listeners = this.failureListeners;
    this.failureListeners = [];
    for (const ch of this.channels.values()) ch.connectionFailed(err);
    for (const fn of listeners) fn(err);
  }
}

function openSocket(endpoint: AmqpEndpoint, timeoutMs: number): Promise<Socket> {
  return openTcpSocket(endpoint.host, endpoint.port, formatEndpoint(endpoint), timeoutMs);
}
