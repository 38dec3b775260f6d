// A raw-socket AMQP 0-9-1 client built on Wharf's own codec, for tests that send what no real
// client would: bad headers, bad frames, methods out of order, silence instead of heartbeats.
import { connect, type Socket } from 'node:net';
import {
  FRAME_END, FrameReader, FrameType, PROTOCOL_HEADER, decodeMethod, encodeContentFrames, encodeMethodFrame,
  type AmqpFrame, type AmqpMethod,
} from '../../src/protocols/amqp/codec/index.js';
import { encodeBasicProperties } from '../../src/formats/amqp/basic-properties.js';
import type { BasicProperties } from '../../src/formats/amqp/field-types.js';
import { tableFromPlain } from '../../src/formats/amqp/field-table.js';
import { waitFor } from './wait-for.js';

export interface ReceivedFrame {
  type: number;
  channel: number;
  method: AmqpMethod | null;
}

export class RawAmqpClient {
  readonly socket: Socket;
  readonly frames: ReceivedFrame[] = [];
  /** Every byte received, for tests that look below frames (the protocol header answer). */
  raw: Buffer = Buffer.alloc(0);
  closed = false;
  frameMax = 4096;
  private readonly reader = new FrameReader(16 * 1024 * 1024);
  private seen = 0;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.raw = Buffer.concat([this.raw, chunk]);
      if (this.raw.subarray(0, 4).toString('latin1') === 'AMQP') return; // a protocol header answer, not frames
      this.reader.push(chunk);
      for (let f = this.reader.next(); f !== undefined; f = this.reader.next()) this.frames.push(decodeFrame(f));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawAmqpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new RawAmqpClient(socket)));
      socket.once('error', reject);
    });
  }

  /**
   * Header, start-ok (PLAIN guest/guest unless `password` is given), tune-ok with the given
   * heartbeat, open of `vhost` (default /); waits for open-ok unless `awaitOpenOk` is false.
   */
  static async handshake(port: number, o: { heartbeatSec?: number; frameMax?: number; vhost?: string; password?: string; awaitOpenOk?: boolean } = {}): Promise<RawAmqpClient> {
    const c = await RawAmqpClient.open(port);
    c.write(PROTOCOL_HEADER);
    await c.expect('connection.start');
    c.send(0, {
      name: 'connection.start-ok',
      clientProperties: tableFromPlain({ product: 'wharf-raw-test', capabilities: { consumer_cancel_notify: true, 'connection.blocked': true, publisher_confirms: true } }),
      mechanism: 'PLAIN', response: Buffer.from(`\0guest\0${o.password ?? 'guest'}`), locale: 'en_US',
    });
    const tune = await c.expect('connection.tune');
    c.frameMax = o.frameMax ?? tune.frameMax;
    c.send(0, { name: 'connection.tune-ok', channelMax: tune.channelMax, frameMax: c.frameMax, heartbeat: o.heartbeatSec ?? 0 });
    c.send(0, { name: 'connection.open', virtualHost: o.vhost ?? '/' });
    if (o.awaitOpenOk !== false) await c.expect('connection.open-ok');
    return c;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  send(channel: number, method: AmqpMethod): void {
    this.write(encodeMethodFrame(channel, method));
  }

  async openChannel(channel: number): Promise<void> {
    this.send(channel, { name: 'channel.open' });
    await this.expect('channel.open-ok');
  }

  /** basic.publish plus its content frames. */
  publish(channel: number, exchange: string, routingKey: string, body: Buffer, properties: BasicProperties = {}): void {
    this.send(channel, { name: 'basic.publish', exchange, routingKey, mandatory: false, immediate: false });
    this.write(encodeContentFrames(channel, encodeBasicProperties(properties), body, this.frameMax));
  }

  /** The next method of that name received after the previous expect() (earlier frames are skipped). */
  async expect<N extends AmqpMethod['name']>(name: N, timeoutMs = 10_000): Promise<Extract<AmqpMethod, { name: N }>> {
    const found = await waitFor(() => {
      for (let i = this.seen; i < this.frames.length; i++) {
        const m = this.frames[i]?.method;
        if (m?.name === name) {
          this.seen = i + 1;
          return m;
        }
      }
      if (this.closed) throw new Error(`socket closed before ${name}; got ${this.frames.map((f) => f.method?.name ?? `type ${f.type}`).join(', ')}`);
      return undefined;
    }, timeoutMs, `method ${name}`);
    return found as Extract<AmqpMethod, { name: N }>;
  }

  waitClosed(timeoutMs = 10_000): Promise<true> {
    return waitFor(() => this.closed, timeoutMs, 'the broker to close the socket');
  }

  end(): void {
    this.socket.destroy();
  }
}

function decodeFrame(f: AmqpFrame): ReceivedFrame {
  return { type: f.type, channel: f.channel, method: f.type === FrameType.METHOD ? decodeMethod(Buffer.from(f.payload)) : null };
}

/** A frame with arbitrary type, channel and payload, and a chosen frame-end octet. */
export function rawFrame(type: number, channel: number, payload: Buffer, end = FRAME_END): Buffer {
  const buf = Buffer.alloc(8 + payload.length);
  buf[0] = type;
  buf.writeUInt16BE(channel, 1);
  buf.writeUInt32BE(payload.length, 3);
  payload.copy(buf, 7);
  buf[7 + payload.length] = end;
  return buf;
}
