// One AMQP 0-9-1 connection: the protocol header, the connection-class handshake (start, tune,
// open), heartbeats, the channel table, blocking on resource alarms, and the close handshake.
// Frames for channels go to AmqpChannel; connection-level errors close everything here.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { VirtualHost } from '../../broker/amqp/vhost.js';
import type { AmqpQueue as Queue } from '../../broker/amqp/model-queue.js';
import type { User } from '../../broker/amqp/users.js';
import type { ChannelSnapshot } from '../../broker/connection-registry.js';
import type { FieldTable } from '../../formats/amqp/field-types.js';
import {
  FRAME_MIN_SIZE, FrameReader, FrameType, HEARTBEAT_FRAME, PROTOCOL_HEADER, PROTOCOL_HEADER_BYTES,
  checkProtocolHeader, decodeMethod, encodeMethodFrame, type AmqpFrame, type AmqpMethod, type FrameBytes,
} from './codec/index.js';
import { AmqpChannel, type ChannelHost } from './channel.js';
import type { AmqpServices } from './connection-services.js';
import type { MethodDurations } from './method-durations.js';
import { AmqpCloseError, ReplyCode, replyCodeFor, replyText } from './reply-codes.js';
import { hopRead, hopWritten } from './hop-latency.js';
import { SASL_MECHANISMS, parseSaslResponse } from './sasl.js';
import { clientCapabilities, serverProperties } from './server-properties.js';

type State = 'header' | 'start-ok' | 'tune-ok' | 'open-wait' | 'open' | 'closing' | 'closed';

/** RabbitMQ's handshake_timeout: a peer that does not finish connection.open in time is dropped. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long we wait for connection.close-ok before dropping the socket. */
const CLOSE_OK_TIMEOUT_MS = 1_000;
/** Above this many bytes queued on the socket, consumers on this connection get no more deliveries until it drains. */
const SOCKET_CONGESTED_BYTES = 4 * 1024 * 1024;

export class AmqpConnection implements ChannelHost {
  readonly id: number;
  readonly remoteAddress: string;
  /** Settles when the socket is gone and every channel has released what it held. */
  readonly closed: Promise<void>;
  frameMax = FRAME_MIN_SIZE;
  capabilities: Set<string> = new Set();
  vhost: VirtualHost<Queue> | null = null;
  user: User | null = null;
  /** connection.start-ok's client-properties, for the management API. */
  clientProperties: FieldTable = new Map();
  private readonly socket: Socket;
  private readonly services: AmqpServices;
  private state: State = 'header';
  private headerBytes: Buffer = Buffer.alloc(0);
  private readonly reader = new FrameReader();
  private readonly channels = new Map<number, AmqpChannel>();
  private channelMax: number;
  private heartbeatMs = 0;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private handshakeTimer: NodeJS.Timeout | null;
  private closeTimer: NodeJS.Timeout | null = null;
  private lastReceivedMs = Date.now();
  private lastSentMs = Date.now();
  /** performance.now() at the socket read whose frames are being handled; 0 when methods are not timed. */
  frameArrivedMs = 0;
  private corked = false;
  private blocked = false;
  private pausedForAlarm = false;
  private unsubscribeAlarm: (() => void) | null = null;
  private resolveClosed!: () => void;

  constructor(socket: Socket, services: AmqpServices, id: number, remoteAddress: string) {
    this.socket = socket;
    this.services = services;
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.channelMax = services.channelMax;
    this.closed = new Promise<void>((resolve) => { this.resolveClosed = resolve; });
    this.handshakeTimer = setTimeout(() => {
      this.services.badInput.warn({ connection: id, remoteAddress, state: this.state }, 'amqp: closing a connection that did not complete the handshake within 10 s');
      this.socket.destroy();
    }, HANDSHAKE_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', (err) => this.services.logger.debug({ err, connection: id }, 'amqp socket error'));
    socket.on('close', () => this.teardown());
  }

  get logger(): AmqpServices['logger'] {
    return this.services.logger;
  }

  get methodDurations(): MethodDurations | undefined {
    return this.services.methodDurations;
  }

  get messageBytesMax(): number {
    return this.services.messageBytesMax;
  }

  /** True while the socket holds more unsent bytes than a consumer should add to. */
  get congested(): boolean {
    return this.socket.writableLength > SOCKET_CONGESTED_BYTES;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  send(bytes: FrameBytes): void {
    if (this.state === 'closed') return;
    if (!this.corked) {
      // Frames produced in one turn of the event loop leave in one writev.
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
        hopWritten();
      });
    }
    if (Array.isArray(bytes)) for (const b of bytes) this.socket.write(b);
    else this.socket.write(bytes);
    this.lastSentMs = Date.now();
  }

  sendMethod(channel: number, method: AmqpMethod): void {
    this.send(encodeMethodFrame(channel, method));
  }

  /** Called by a channel that took a publish: a blocked connection stops reading until the alarm clears. */
  onPublish(): void {
    if (this.blocked && !this.pausedForAlarm) {
      this.pausedForAlarm = true;
      this.socket.pause();
    }
  }

  channelClosed(channelId: number): void {
    this.channels.delete(channelId);
  }

  /** Closes the connection with a connection-level reply code (320, 402, 5xx). */
  connectionError(code: number, detail: string, classId = 0, methodId = 0): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.services.badInput.warn({ connection: this.id, remoteAddress: this.remoteAddress, replyCode: code, classId, methodId },
      `amqp: closing connection: ${replyText(code, detail)}`);
    this.sendMethod(0, { name: 'connection.close', replyCode: code, replyText: replyText(code, detail), classId, methodId });
    this.beginClosing();
  }

  /** The open channels as the management API shows them. */
  channelSnapshots(): ChannelSnapshot[] {
    return [...this.channels.values()].map((ch) => ch.snapshot());
  }

  /** Closed by an operator (management API): connection.close 320 CONNECTION_FORCED with `reason`, as RabbitMQ does. */
  forceClose(reason: string): void {
    if (this.state !== 'open' && this.state !== 'open-wait' && this.state !== 'tune-ok' && this.state !== 'start-ok') {
      this.socket.destroy();
      return;
    }
    this.sendMethod(0, { name: 'connection.close', replyCode: ReplyCode.CONNECTION_FORCED, replyText: replyText(ReplyCode.CONNECTION_FORCED, reason), classId: 0, methodId: 0 });
    this.beginClosing();
  }

  /** Broker shutdown: connection.close 320 CONNECTION_FORCED, as RabbitMQ does when it stops. */
  shutdown(graceMs: number): Promise<void> {
    if (this.state === 'open' || this.state === 'open-wait' || this.state === 'tune-ok' || this.state === 'start-ok') {
      this.sendMethod(0, { name: 'connection.close', replyCode: ReplyCode.CONNECTION_FORCED, replyText: replyText(ReplyCode.CONNECTION_FORCED, 'broker shutdown'), classId: 0, methodId: 0 });
      this.beginClosing(graceMs);
    } else {
      this.socket.destroy();
    }
    return this.closed;
  }

  private beginClosing(waitMs = CLOSE_OK_TIMEOUT_MS): void {
    this.state = 'closing';
    for (const ch of this.channels.values()) ch.teardown();
    this.channels.clear();
    this.closeTimer = setTimeout(() => this.socket.destroy(), waitMs);
  }

  private onData(chunk: Buffer): void {
    hopRead();
    this.lastReceivedMs = Date.now();
    // One reading per socket read: the frames in it arrived together.
    if (this.services.methodDurations !== undefined) this.frameArrivedMs = performance.now();
    if (this.state === 'closed') return;
    if (this.state === 'header') {
      chunk = this.readProtocolHeader(chunk);
      if (this.state === 'header' || chunk.length === 0) return;
    }
    this.reader.push(chunk);
    try {
      for (let frame = this.reader.next(); frame !== undefined; frame = this.reader.next()) {
        this.onFrame(frame);
        if (this.isClosed()) return;
      }
    } catch (err) {
      this.failConnection(err);
    } finally {
      // The methods of this read are done and their replies leave at the uncork: time them together.
      this.services.methodDurations?.settle();
    }
  }

  /** Consumes the 8-byte protocol header; returns the bytes after it. */
  private readProtocolHeader(chunk: Buffer): Buffer {
    const bytes = this.headerBytes.length === 0 ? chunk : Buffer.concat([this.headerBytes, chunk]);
    const check = checkProtocolHeader(bytes);
    if (check === 'need-more-bytes') {
      this.headerBytes = Buffer.from(bytes);
      return Buffer.alloc(0);
    }
    if (check === 'wrong-protocol') {
      // The spec's answer to a protocol we do not speak: our own header, then close.
      this.services.badInput.warn({ connection: this.id, remoteAddress: this.remoteAddress, header: bytes.subarray(0, 8).toString('hex') },
        'amqp: closing a connection that did not start with the AMQP 0-9-1 protocol header (another protocol or version?)');
      this.state = 'closed';
      this.socket.end(PROTOCOL_HEADER);
      return Buffer.alloc(0);
    }
    this.headerBytes = Buffer.alloc(0);
    this.state = 'start-ok';
    this.sendMethod(0, {
      name: 'connection.start', versionMajor: 0, versionMinor: 9, serverProperties: serverProperties(this.services.clusterName),
      mechanisms: SASL_MECHANISMS, locales: 'en_US',
    });
    return bytes.subarray(PROTOCOL_HEADER_BYTES);
  }

  private onFrame(frame: AmqpFrame): void {
    if (frame.type === FrameType.HEARTBEAT) {
      if (frame.channel !== 0) throw new AmqpCloseError(ReplyCode.FRAME_ERROR, `heartbeat frame on channel ${frame.channel}`);
      return;
    }
    if (frame.channel === 0) {
      if (frame.type !== FrameType.METHOD) throw new AmqpCloseError(ReplyCode.UNEXPECTED_FRAME, `unexpected frame type ${frame.type} on channel 0`);
      this.onConnectionMethod(decodeMethod(frame.payload));
      return;
    }
    if (this.state === 'closing') return;
    if (this.state !== 'open') throw new AmqpCloseError(ReplyCode.CHANNEL_ERROR, `frame on channel ${frame.channel} before connection.open`);
    let channel = this.channels.get(frame.channel);
    if (channel === undefined) {
      const method = frame.type === FrameType.METHOD ? decodeMethod(frame.payload) : null;
      if (method?.name !== 'channel.open') {
        throw new AmqpCloseError(ReplyCode.CHANNEL_ERROR, `expected 'channel.open' on channel ${frame.channel}`);
      }
      if (frame.channel > this.channelMax) {
        throw new AmqpCloseError(ReplyCode.NOT_ALLOWED, `channel ${frame.channel} is above the negotiated channel_max (${this.channelMax})`);
      }
      channel = new AmqpChannel(this, frame.channel);
      this.channels.set(frame.channel, channel);
      this.sendMethod(frame.channel, { name: 'channel.open-ok' });
      this.services.methodDurations?.ended('channel.open', this.frameArrivedMs);
      return;
    }
    channel.onFrame(frame);
  }

  private onConnectionMethod(method: AmqpMethod): void {
    if (this.state === 'closing') {
      if (method.name === 'connection.close-ok') this.socket.destroy();
      else if (method.name === 'connection.close') this.sendMethod(0, { name: 'connection.close-ok' });
      return;
    }
    switch (method.name) {
      case 'connection.start-ok':
        return this.onStartOk(method.clientProperties, method.mechanism, method.response);
      case 'connection.tune-ok':
        return this.onTuneOk(method.channelMax, method.frameMax, method.heartbeat);
      case 'connection.open':
        return this.onOpen(method.virtualHost);
      case 'connection.close':
        this.services.logger.debug({ connection: this.id, replyCode: method.replyCode, replyText: method.replyText }, 'amqp: client closed the connection');
        // Frames that arrived before the close still count (an ack queued behind a slow
        // declare): let every channel finish its backlog, then answer.
        this.state = 'closing';
        void Promise.all([...this.channels.values()].map((ch) => ch.idle())).then(() => {
          if (this.isClosed()) return;
          this.sendMethod(0, { name: 'connection.close-ok' });
          for (const ch of this.channels.values()) ch.teardown();
          this.channels.clear();
          this.socket.end();
        });
        return;
      case 'connection.close-ok':
        return;
      case 'connection.update-secret':
        if (this.state !== 'open') break;
        this.sendMethod(0, { name: 'connection.update-secret-ok' });
        return;
      case 'connection.blocked':
      case 'connection.unblocked':
        return;
      default:
        break;
    }
    throw new AmqpCloseError(ReplyCode.COMMAND_INVALID, `unexpected method ${method.name} on channel 0 in state ${this.state}`);
  }

  private onStartOk(clientProperties: FieldTable, mechanism: string, response: Buffer): void {
    if (this.state !== 'start-ok') throw new AmqpCloseError(ReplyCode.COMMAND_INVALID, 'connection.start-ok received twice');
    this.capabilities = clientCapabilities(clientProperties);
    this.clientProperties = clientProperties;
    try {
      const c = parseSaslResponse(mechanism, response);
      this.user = this.services.broker.authenticate(c.mechanism, c.username, c.password, this.socket.remoteAddress ?? '');
    } catch (err) {
      const detail = `Login was refused using authentication mechanism ${mechanism}. For details see the broker logfile.`;
      this.services.logger.warn({ connection: this.id, remoteAddress: this.remoteAddress, reason: (err as Error).message }, 'amqp: login refused');
      if (this.capabilities.has('authentication_failure_close')) {
        this.sendMethod(0, { name: 'connection.close', replyCode: ReplyCode.ACCESS_REFUSED, replyText: replyText(ReplyCode.ACCESS_REFUSED, detail), classId: 10, methodId: 11 });
        this.beginClosing();
      } else {
        this.state = 'closed';
        this.socket.destroy();
      }
      return;
    }
    this.state = 'tune-ok';
    this.sendMethod(0, { name: 'connection.tune', channelMax: this.services.channelMax, frameMax: this.services.frameMax, heartbeat: this.services.heartbeatSec });
  }

  private onTuneOk(channelMax: number, frameMax: number, heartbeat: number): void {
    if (this.state !== 'tune-ok') throw new AmqpCloseError(ReplyCode.COMMAND_INVALID, 'unexpected connection.tune-ok');
    const offered = this.services.frameMax;
    const negotiated = frameMax === 0 ? offered : frameMax;
    if (negotiated > offered || negotiated < FRAME_MIN_SIZE) {
      throw new AmqpCloseError(ReplyCode.NOT_ALLOWED, `failed to negotiate connection parameters: frame_max=${frameMax}; the server allows ${FRAME_MIN_SIZE}..${offered}`);
    }
    const channels = channelMax === 0 ? this.services.channelMax : channelMax;
    if (channels > this.services.channelMax) {
      throw new AmqpCloseError(ReplyCode.NOT_ALLOWED, `failed to negotiate connection parameters: channel_max=${channelMax}; the server allows up to ${this.services.channelMax}`);
    }
    this.frameMax = negotiated;
    this.channelMax = channels;
    this.reader.setFrameMax(negotiated);
    this.heartbeatMs = heartbeat * 1000;
    this.state = 'open-wait';
    this.startHeartbeats();
  }

  private onOpen(vhostName: string): void {
    if (this.state !== 'open-wait' || this.user === null) throw new AmqpCloseError(ReplyCode.COMMAND_INVALID, 'connection.open before connection.tune-ok');
    try {
      this.vhost = this.services.broker.openVhost(this.user, vhostName);
    } catch (err) {
      throw new AmqpCloseError(ReplyCode.NOT_ALLOWED, (err as Error).message);
    }
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.state = 'open';
    this.sendMethod(0, { name: 'connection.open-ok' });
    this.services.logger.info({ protocol: 'amqp', connection: this.id, remoteAddress: this.remoteAddress, user: this.user.name, vhost: vhostName }, 'amqp: connection opened');
    const alarm = this.services.alarm;
    this.unsubscribeAlarm = alarm.onChange((blocked, reason) => this.setBlocked(blocked, reason));
    if (alarm.blocked) this.setBlocked(true, alarm.reason);
  }

  private setBlocked(blocked: boolean, reason: string): void {
    if (this.state !== 'open' || blocked === this.blocked) return;
    this.blocked = blocked;
    if (this.capabilities.has('connection.blocked')) {
      this.sendMethod(0, blocked ? { name: 'connection.blocked', reason } : { name: 'connection.unblocked' });
    }
    if (!blocked && this.pausedForAlarm) {
      this.pausedForAlarm = false;
      this.socket.resume();
    }
  }

  private startHeartbeats(): void {
    if (this.heartbeatMs <= 0) return;
    const tick = Math.max(250, Math.floor(this.heartbeatMs / 2));
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      // A paused socket reads nothing, so silence is ours, not the peer's.
      if (!this.pausedForAlarm && now - this.lastReceivedMs > 2 * this.heartbeatMs) {
        this.services.logger.warn({ connection: this.id, remoteAddress: this.remoteAddress, heartbeatSec: this.heartbeatMs / 1000 },
          'amqp: missed heartbeats from the client for two intervals; closing the connection');
        this.socket.destroy();
        return;
      }
      if (now - this.lastSentMs >= tick) this.send(HEARTBEAT_FRAME);
    }, tick);
    this.heartbeatTimer.unref();
  }

  private failConnection(err: unknown): void {
    const code = replyCodeFor(err);
    const e = err as { classId?: number; methodId?: number; message?: string };
    if (code === ReplyCode.INTERNAL_ERROR && !(err instanceof AmqpCloseError) && (err as { code?: string }).code === undefined) {
      this.services.logger.error({ err, protocol: 'amqp', connection: this.id, remoteAddress: this.remoteAddress, user: this.user?.name }, 'amqp: internal error while handling a frame');
    }
    // Errors reaching this level (framing, channel 0, a frame for a missing channel) close the
    // connection whatever their code.
    this.connectionError(code, e.message ?? String(err), e.classId ?? 0, e.methodId ?? 0);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private onDrain(): void {
    for (const ch of this.channels.values()) ch.resumeDeliveries();
  }

  private teardown(): void {
    if (this.state === 'closed' && this.heartbeatTimer === null && this.handshakeTimer === null && this.closeTimer === null && this.unsubscribeAlarm === null) {
      this.resolveClosed();
      return;
    }
    this.state = 'closed';
    for (const ch of this.channels.values()) ch.teardown();
    this.channels.clear();
    for (const t of [this.heartbeatTimer, this.closeTimer]) if (t !== null) clearInterval(t);
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.heartbeatTimer = this.closeTimer = this.handshakeTimer = null;
    this.unsubscribeAlarm?.();
    this.unsubscribeAlarm = null;
    const vhost = this.vhost;
    if (vhost === null) {
      this.resolveClosed();
      return;
    }
    this.services.logger.info({ protocol: 'amqp', connection: this.id, remoteAddress: this.remoteAddress, user: this.user?.name, vhost: vhost.name }, 'amqp: connection closed');
    vhost.connectionClosed(this.id).then(() => this.resolveClosed(), (err: unknown) => {
      this.services.logger.error({ err, connection: this.id }, 'amqp: releasing the exclusive queues of a closed connection failed');
      this.resolveClosed();
    });
  }
}
