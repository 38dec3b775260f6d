// One connection to a Kafka broker. Requests get increasing correlation ids and wait in a FIFO:
// a broker answers in request order (protocol-matrix §1.7 G9), so each response must carry the
// id at the head of the queue; anything else means the stream is out of step and the connection
// is failed rather than guessed at. Any Duplex works, so tests run against an in-memory broker.
//
// Requests are encoded and responses decoded with the codec layer's schemas (messages.ts), the
// same declarations the broker uses for the opposite direction.
import type { Duplex } from 'node:stream';
import { KafkaCodecError } from '../protocols/kafka/codec/codec-error.js';
import { FrameAssembler } from '../protocols/kafka/framing.js';
import { decodeResponse, encodeRequest } from '../protocols/kafka/messages.js';
import type { ApiSchema } from '../protocols/kafka/schema/api-schema.js';
import type { Decoded, Encodable, StructFields } from '../protocols/kafka/schema/fields.js';
import { formatAddress, type BrokerAddress } from './broker-address.js';
import { ClientError, ClientErrorCode } from './client-errors.js';
import { openTcpSocket } from './tcp-connect.js';

export interface ConnectionOptions {
  /** Sent in every request header; brokers log it. */
  readonly clientId?: string;
  /** How long a request may wait for its answer before the connection is failed. */
  readonly requestTimeoutMs?: number;
  /** Largest response frame accepted (a Fetch answer is at most its max_bytes plus overhead). */
  readonly responseBytesMax?: number;
  /** How the peer is named in errors, e.g. "localhost:9092". */
  readonly peer?: string;
}

export const CLIENT_ID_DEFAULT = 'wharf-cli';
export const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;
export const RESPONSE_BYTES_MAX_DEFAULT = 128 * 1024 * 1024;
/** Period of the one coarse timer that checks request deadlines. */
const TIMEOUT_CHECK_MS = 100;
const CORRELATION_ID_MAX = 0x7fff_ffff;
/** How long close() waits for the broker to close its side before cutting the connection. */
const CLOSE_GRACE_MS = 1_000;

interface Pending {
  readonly correlationId: number;
  /** "Metadata v4", for errors. */
  readonly what: string;
  readonly deadlineMs: number;
  readonly resolve: (frame: Buffer) => void;
  readonly reject: (err: Error) => void;
}

export class KafkaConnection {
  readonly peer: string;
  private readonly clientId: string;
  private readonly requestTimeoutMs: number;
  private readonly frames: FrameAssembler;
  /** Waiting requests in send order; `head` is the oldest (no Array.shift per response). */
  private pending: (Pending | undefined)[] = [];
  private head = 0;
  private nextCorrelationId = 1;
  private failure: ClientError | null = null;
  private closing = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly closed: Promise<void>;

  constructor(private readonly stream: Duplex, options: ConnectionOptions = {}) {
    this.peer = options.peer ?? 'the broker';
    this.clientId = options.clientId ?? CLIENT_ID_DEFAULT;
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
    this.frames = new FrameAssembler({ requestBytesMax: options.responseBytesMax ?? RESPONSE_BYTES_MAX_DEFAULT });
    this.closed = new Promise((resolveClosed) => stream.once('close', () => resolveClosed()));
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (err: Error) => this.fail(this.disconnected(`the connection to ${this.peer} failed (${err.message})`, err)));
    stream.on('close', () => this.fail(this.disconnected(`${this.peer} closed the connection`)));
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.length - this.head;
  }

  /** Sends a request and resolves with its decoded response. */
  async request<Req extends StructFields, Res extends StructFields>(
    schema: ApiSchema<Req, Res>, version: number, body: Encodable<Req>, timeoutMs = this.requestTimeoutMs,
  ): Promise<Decoded<Res>> {
    const frame = await this.requestFrame(schema, version, body, timeoutMs);
    try {
      return decodeResponse(schema, version, frame).body;
    } catch (err) {
      if (!(err instanceof KafkaCodecError)) throw err;
      const failure = new ClientError(ClientErrorCode.PROTOCOL,
        `the answer of ${this.peer} to ${schema.name} v${version} does not parse (${err.message}); is ${this.peer} a Kafka broker?`, { cause: err });
      this.fail(failure);
      throw failure;
    }
  }

  /** Sends a request and resolves with its raw response frame (header included, size prefix not). */
  requestFrame<Req extends StructFields>(
    schema: ApiSchema<Req, StructFields>, version: number, body: Encodable<Req>, timeoutMs = this.requestTimeoutMs,
  ): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const refusal = this.refusal();
      if (refusal !== null) {
        reject(refusal);
        return;
      }
      const correlationId = this.write(schema, version, body);
      this.pending.push({ correlationId, what: `${schema.name} v${version}`, deadlineMs: Date.now() + timeoutMs, resolve, reject });
      this.timer ??= setInterval(() => this.checkDeadlines(), TIMEOUT_CHECK_MS);
    });
  }

  /**
   * Sends a request the broker does not answer (Produce with acks=0, §1.7 G8). Resolves once the
   * bytes are handed to the socket; a later failure surfaces on the next request or on close.
   */
  send<Req extends StructFields>(schema: ApiSchema<Req, StructFields>, version: number, body: Encodable<Req>): Promise<void> {
    const refusal = this.refusal();
    if (refusal !== null) return Promise.reject(refusal);
    this.write(schema, version, body);
    if (!this.stream.writableNeedDrain) return Promise.resolve();
    // Back-pressure: wait for the socket to drain (or to close, which later requests report).
    return Promise.race([new Promise<void>((resolve) => this.stream.once('drain', () => resolve())), this.closed]);
  }

  /** Why a new request cannot be sent, or null when it can. */
  private refusal(): ClientError | null {
    if (this.failure !== null) return this.failure;
    if (this.closing) return this.disconnected(`the connection to ${this.peer} is closing; no new requests are sent`);
    return null;
  }

  /** Flushes what was sent, closes the connection and fails requests still waiting. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      if (this.inFlight > 0) this.fail(this.disconnected(`the connection to ${this.peer} was closed with requests waiting for answers`));
      this.stream.end();
      // A peer that never finishes its side must not keep the client open.
      const cut = setTimeout(() => this.stream.destroy(), CLOSE_GRACE_MS);
      void this.closed.then(() => clearTimeout(cut));
    }
    await this.closed;
  }

  private write<Req extends StructFields>(schema: ApiSchema<Req, StructFields>, version: number, body: Encodable<Req>): number {
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = correlationId === CORRELATION_ID_MAX ? 1 : correlationId + 1;
    const buffers = encodeRequest(schema, version, correlationId, this.clientId, body);
    this.stream.cork();
    for (const b of buffers) this.stream.write(b);
    this.stream.uncork();
    return correlationId;
  }

  private onData(chunk: Buffer): void {
    if (this.failure !== null) return;
    try {
      this.frames.push(chunk);
      let frame: Buffer | null;
      while (this.failure === null && (frame = this.frames.next()) !== null) this.onFrame(frame);
    } catch (err) {
      if (!(err instanceof KafkaCodecError)) throw err;
      this.fail(new ClientError(ClientErrorCode.PROTOCOL, `${this.peer} sent a bad frame (${err.message}); is it a Kafka broker?`, { cause: err }));
    }
  }

  private onFrame(frame: Buffer): void {
    const next = this.pending[this.head];
    const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1;
    if (next === undefined || correlationId !== next.correlationId) {
      const expected = next === undefined ? 'no answer at all' : `correlation id ${next.correlationId} (${next.what})`;
      this.fail(new ClientError(ClientErrorCode.PROTOCOL,
        `${this.peer} answered with correlation id ${correlationId} where ${expected} was due; the connection is out of step`));
      return;
    }
    this.pending[this.head] = undefined;
    this.head += 1;
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
      this.stopTimer();
    } else if (this.head >= 64 && this.head * 2 >= this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    next.resolve(frame);
  }

  private checkDeadlines(): void {
    const now = Date.now();
    for (let i = this.head; i < this.pending.length; i++) {
      const p = this.pending[i];
      if (p !== undefined && p.deadlineMs <= now) {
        // Answers come in order, so one missing answer leaves the stream unusable.
        this.fail(new ClientError(ClientErrorCode.TIMEOUT, `${this.peer} did not answer ${p.what} within ${this.requestTimeoutMs} ms; is the broker overloaded or stuck?`));
        this.stream.destroy();
        return;
      }
    }
  }

  private disconnected(message: string, cause?: Error): ClientError {
    return new ClientError(ClientErrorCode.DISCONNECTED, message, cause === undefined ? undefined : { cause });
  }

  private fail(err: ClientError): void {
    if (this.failure === null) this.failure = err;
    this.stopTimer();
    const waiting = this.pending.slice(this.head);
    this.pending = [];
    this.head = 0;
    for (const p of waiting) p?.reject(this.failure);
    if (err.code === ClientErrorCode.PROTOCOL) this.stream.destroy();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Opens a TCP connection; refused, unreachable or slow connects become WHARF_ERR_CLIENT_CONNECT. */
export function connectKafka(address: BrokerAddress, options: ConnectionOptions & { connectTimeoutMs?: number } = {}): Promise<KafkaConnection> {
  const peer = options.peer ?? formatAddress(address);
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  return openTcpSocket(address.host, address.port, peer, connectTimeoutMs).then((socket) => new KafkaConnection(socket, { ...options, peer }));
}
