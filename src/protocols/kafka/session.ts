// The per-connection state machine of the Kafka protocol (STYLE 8.3). Bytes become frames
// (FrameAssembler, bounded by requestBytesMax), frames become handler calls, and answers go back
// strictly in request order (protocol-matrix §1.7 G9) even when handlers finish out of order:
// each request takes a slot in a queue and the queue is written from its head as slots complete.
//
//   data ─► FrameAssembler ─► readRequest ─► Dispatch.run ─► slot ─► (in order) cork/write/uncork
//
// Bad input (an oversized or negative size, an unknown API key, an unsupported version of any
// API but ApiVersions, a malformed header or body) closes this connection with one rate-limited
// log line; nothing travels past the session. ApiVersions at a version we do not serve gets error
// 35 in the v0 layout and the connection stays open (§1.6-C). Produce with acks=0 takes a slot
// that writes nothing (G8).
//
// Back-pressure: reading pauses while `inFlightMax` requests are unanswered, while the socket's
// write buffer is full, or while a burst of frames is being worked through (at most
// FRAMES_PER_TURN_MAX per turn of the event loop, then setImmediate), so one client can neither
// grow memory without bound nor starve the others.
//
// Any Duplex works as the connection, so tests drive a session over an in-memory pair.
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { secondsSince, type DurationSink } from '../../util/duration-sink.js';
import type { ApiDurations } from './api-durations.js';
import { encodeApiVersionsUnsupported } from './api-registry.js';
import { AppendOrder } from './append-order.js';
import type { BadInputLog } from '../bad-input-log.js';
import { KafkaCodecError } from './codec/codec-error.js';
import { FrameAssembler } from './framing.js';
import { CLOSE_CONNECTION, NO_RESPONSE, type ConnectionContext, type DispatchResult, type KafkaServices } from './handlers/handler.js';
import type { HandlerTable } from './handlers/index.js';
import { readRequest } from './messages.js';
import { API_VERSIONS_KEY } from './request-header.js';

/** Unanswered requests per connection before reading pauses (librdkafka pipelines without limit). */
export const IN_FLIGHT_REQUESTS_MAX_DEFAULT = 100;
/** Frames handled per turn of the event loop before yielding to other connections. */
const FRAMES_PER_TURN_MAX = 64;
/** How long a closing connection may take to flush its last responses before it is cut. */
const END_GRACE_MS = 2_000;

export interface KafkaSessionOptions {
  readonly id: number;
  readonly remoteAddress: string;
  readonly services: KafkaServices;
  readonly handlers: HandlerTable;
  readonly requestBytesMax: number;
  readonly inFlightMax?: number;
  readonly badInput: BadInputLog;
  /** Request durations per API (metrics); absent: nothing is timed. */
  readonly requestDurations?: ApiDurations;
}

/** One request's place in the response order. */
class ResponseSlot {
  done = false;
  buffers: Buffer[] | null = null;
  /** Close the connection once this slot's turn comes (acks=0 produce that failed). */
  closeAfter = false;
  /** Told the request's duration when its response is written; null when not timed. */
  durations: DurationSink | null = null;
  /** performance.now() when the request was taken. */
  startedMs = 0;
}

export class KafkaSession {
  readonly id: number;
  readonly remoteAddress: string;
  /** Settles once the socket has closed, for whatever reason. */
  readonly closed: Promise<void>;
  private readonly socket: Duplex;
  private readonly options: KafkaSessionOptions;
  private readonly inFlightMax: number;
  private readonly assembler: FrameAssembler;
  private readonly abort = new AbortController();
  private readonly connection: ConnectionContext;
  private slots: Array<ResponseSlot | undefined> = [];
  private head = 0;
  private inFlight = 0;
  private writeBlocked = false;
  private pumpScheduled = false;
  /** Set while pump() runs, so a response finished inside it does not re-enter it (stack depth). */
  private pumping = false;
  /** False once the session stops taking requests (closing, shutting down). */
  private reading = true;
  private isClosed = false;
  private idleWaiters: Array<() => void> = [];
  private markClosed: () => void = () => undefined;
  private lastClientId = '';

  constructor(socket: Duplex, options: KafkaSessionOptions) {
    this.socket = socket;
    this.options = options;
    this.id = options.id;
    this.remoteAddress = options.remoteAddress;
    this.inFlightMax = options.inFlightMax ?? IN_FLIGHT_REQUESTS_MAX_DEFAULT;
    this.assembler = new FrameAssembler({ requestBytesMax: options.requestBytesMax });
    this.connection = { id: options.id, remoteAddress: options.remoteAddress, signal: this.abort.signal, appendOrder: new AppendOrder() };
    this.closed = new Promise<void>((resolve) => {
      this.markClosed = resolve;
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.pump();
    });
    // Resets and write-after-end are the peer's doing; 'close' follows and cleans up.
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.onClose());
  }

  /** The client.id of the latest request ('' until one arrives, or when the client sends none). */
  get clientId(): string {
    return this.lastClientId;
  }

  /** Requests taken and not yet answered (or, for acks=0, not yet finished). */
  get inFlightRequests(): number {
    return this.inFlight;
  }

  /**
   * Stops taking requests, lets long polls answer at once, waits up to `graceMs` for the
   * responses in flight to be written, then closes the connection.
   */
  async shutdown(graceMs: number): Promise<void> {
    if (this.isClosed) return;
    this.reading = false;
    this.updateFlow();
    this.abort.abort();
    await withTimeout(this.idle(), graceMs);
    this.endAfterWrites();
    await withTimeout(this.closed, END_GRACE_MS);
    this.destroy();
  }

  private onData(chunk: Buffer): void {
    if (!this.reading) return;
    try {
      this.assembler.push(chunk);
    } catch (err) {
      this.rejectInput(err, null);
      return;
    }
    this.pump();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      let frames = 0;
      while (this.reading && this.inFlight < this.inFlightMax && !this.writeBlocked) {
        if (frames === FRAMES_PER_TURN_MAX) {
          this.schedulePump();
          break;
        }
        let frame: Buffer | null;
        try {
          frame = this.assembler.next();
        } catch (err) {
          this.rejectInput(err, null);
          return;
        }
        if (frame === null) break;
        frames++;
        this.handleFrame(frame);
      }
    } finally {
      this.pumping = false;
    }
    this.updateFlow();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Reads only while a new request could be taken at once. */
  private updateFlow(): void {
    if (this.isClosed) return;
    const wanted = this.reading && this.inFlight < this.inFlightMax && !this.writeBlocked && !this.pumpScheduled;
    if (wanted && this.socket.isPaused()) this.socket.resume();
    else if (!wanted && !this.socket.isPaused()) this.socket.pause();
  }

  private handleFrame(frame: Buffer): void {
    const { handlers } = this.options;
    let incoming;
    try {
      incoming = readRequest(frame, handlers.registry);
    } catch (err) {
      this.rejectInput(err, null);
      return;
    }
    const { apiKey, apiVersion, correlationId } = incoming.header;
    if (incoming.kind === 'unknown-api') {
      this.rejectInput(null, { apiKey, apiVersion, reason: `unknown or unserved API key ${apiKey}` });
      return;
    }
    if (incoming.kind === 'unsupported-version') {
      if (apiKey === API_VERSIONS_KEY) {
        // KIP-511: answer in the v0 layout, keep the connection (closing makes librdkafka loop, G2).
        this.finish(this.takeSlot(), encodeApiVersionsUnsupported(handlers.registry, correlationId));
        return;
      }
      const api = incoming.api;
      this.rejectInput(null, { apiKey, apiVersion, reason: `${api.name} v${apiVersion} is not served (versions ${api.versionMin}-${api.versionMax})` });
      return;
    }
    // Clients send the same id on every request; keep the first string, not each request's copy.
    if (incoming.header.clientId !== this.lastClientId) this.lastClientId = incoming.header.clientId;
    const dispatch = handlers.lookup(apiKey);
    if (dispatch === undefined) {
      this.rejectInput(null, { apiKey, apiVersion, reason: `no handler for API key ${apiKey}` });
      return;
    }
    const ctx = { services: this.options.services, connection: this.connection, header: incoming.header };
    const durations = this.options.requestDurations;
    const startedMs = durations === undefined ? 0 : performance.now();
    let pending: Promise<DispatchResult>;
    try {
      pending = dispatch.run(ctx, frame, incoming.bodyOffset);
    } catch (err) {
      if (err instanceof KafkaCodecError) this.rejectInput(err, { apiKey, apiVersion });
      else this.internalError(err, apiKey, apiVersion);
      return;
    }
    const slot = this.takeSlot();
    if (durations !== undefined) {
      slot.durations = durations.forApi(apiKey, dispatch.declaration.name);
      slot.startedMs = startedMs;
    }
    if (dispatch.frameReusable) {
      // The handler keeps no view of the frame once it has resolved: its memory goes back to the
      // assembler for the next large request (framing.ts). Not on failure: a bug may leave the log
      // holding it.
      pending.then(
        (result) => {
          this.assembler.release(frame);
          this.finish(slot, result);
        },
        (err: unknown) => this.internalError(err, apiKey, apiVersion),
      );
      return;
    }
    pending.then(
      (result) => this.finish(slot, result),
      (err: unknown) => this.internalError(err, apiKey, apiVersion),
    );
  }

  private takeSlot(): ResponseSlot {
    const slot = new ResponseSlot();
    this.slots.push(slot);
    this.inFlight++;
    return slot;
  }

  private finish(slot: ResponseSlot, result: DispatchResult): void {
    if (this.isClosed) return;
    slot.done = true;
    if (result === CLOSE_CONNECTION) slot.closeAfter = true;
    else if (result !== NO_RESPONSE) slot.buffers = result;
    this.flush();
  }

  /** Writes every completed response at the head of the queue, in request order. */
  private flush(): void {
    let corked = false;
    while (!this.isClosed && this.head < this.slots.length) {
      const slot = this.slots[this.head];
      if (slot === undefined || !slot.done) break;
      this.slots[this.head] = undefined;
      this.head++;
      this.inFlight--;
      if (slot.buffers !== null && this.socket.writable) {
        if (!corked) this.socket.cork();
        corked = true;
        for (const b of slot.buffers) if (!this.socket.write(b)) this.writeBlocked = true;
      }
      if (slot.durations !== null) slot.durations.observe(secondsSince(slot.startedMs, performance.now()));
      if (slot.closeAfter) {
        if (corked) this.socket.uncork();
        this.options.services.logger.debug({ connection: this.id }, 'kafka: closing the connection after a failed acks=0 produce, as Kafka does');
        this.endAfterWrites();
        return;
      }
    }
    if (corked) this.socket.uncork();
    if (this.head === this.slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    if (this.inFlight === 0) this.wakeIdleWaiters();
    this.pump();
  }

  /** Bad input: one rate-limited line, then the connection closes (STYLE 8.4). */
  private rejectInput(err: unknown, fields: Record<string, unknown> | null): void {
    if (this.isClosed) return;
    const code = err instanceof KafkaCodecError ? err.code : undefined;
    const reason = err instanceof Error ? err.message : (fields?.reason ?? 'bad input');
    this.options.badInput.warn(
      { connection: this.id, remoteAddress: this.remoteAddress, code, ...fields, reason },
      'kafka: closing a connection that sent a request Wharf cannot serve',
    );
    this.destroy();
  }

  /** A handler failed where it should have answered with an error code: a Wharf bug. */
  private internalError(err: unknown, apiKey: number, apiVersion: number): void {
    if (this.isClosed) return;
    this.options.services.logger.error({ err, protocol: 'kafka', connection: this.id, remoteAddress: this.remoteAddress, apiKey, apiVersion }, 'kafka: a handler failed; closing the connection');
    this.destroy();
  }

  private endAfterWrites(): void {
    if (this.isClosed) return;
    this.reading = false;
    this.abort.abort();
    this.socket.end(() => this.destroy());
  }

  private destroy(): void {
    if (!this.socket.destroyed) this.socket.destroy();
    this.cleanUp();
  }

  private onClose(): void {
    this.cleanUp();
    this.markClosed();
  }

  private cleanUp(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.reading = false;
    this.abort.abort();
    this.slots = [];
    this.head = 0;
    this.inFlight = 0;
    this.wakeIdleWaiters();
  }

  private idle(): Promise<void> {
    if (this.inFlight === 0 || this.isClosed) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    p.then(() => {
      clearTimeout(timer);
      resolve();
    }, resolve);
  });
}
