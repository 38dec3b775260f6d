// RPC latency through a broker with the lightest AMQP clients possible (`npm run bench:amqp-raw-rpc`):
// a caller and a responder written directly on Wharf's AMQP codec (no client library, no promises
// per message), so what differs between brokers is the broker. Same layout as bench:amqp's RPC
// case: the caller publishes to a queue with reply_to and correlation_id, the responder answers
// to reply_to, the caller measures the round trip. Runs Wharf and, when installed, RabbitMQ.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeBasicProperties, encodeBasicProperties } from '../src/formats/amqp/basic-properties.js';
import { tableFromPlain } from '../src/formats/amqp/field-table.js';
import {
  FrameReader, FrameType, PROTOCOL_HEADER, decodeContentHeader, decodeMethod, encodeContentFrames, encodeMethodFrame,
  type AmqpMethod,
} from '../src/protocols/amqp/codec/index.js';
import { rabbitmqMissing, startRabbitmq, startWharf, type AmqpBroker } from './amqp-bench-brokers.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: '' },
    calls: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
    bytes: { type: 'string', default: '128' },
    queue: { type: 'string', default: 'raw_rpc' },
    'no-rabbitmq': { type: 'boolean', default: false },
  },
});
const role = positionals[0] ?? 'main';
const FRAME_MAX = 131072;

type Handler = (m: AmqpMethod, content: { properties: Buffer; body: Buffer } | null) => void;

/** Opens a connection and channel 1; `handler` then sees every method (with its content). */
async function open(url: string, handler: Handler): Promise<Socket> {
  const u = new URL(url);
  const socket = connect({ host: u.hostname, port: Number(u.port), noDelay: true }, () => socket.write(PROTOCOL_HEADER));
  const reader = new FrameReader(FRAME_MAX);
  let ready: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => { ready = resolve; });
  let pending: AmqpMethod | null = null;
  let props: Buffer = Buffer.alloc(0);
  let body: Buffer[] = [];
  let left = 0;
  socket.on('data', (chunk: Buffer) => {
    reader.push(chunk);
    for (let f = reader.next(); f !== undefined; f = reader.next()) {
      if (f.type === FrameType.METHOD) {
        const m = decodeMethod(f.payload);
        if (m.name === 'connection.start') {
          socket.write(encodeMethodFrame(0, { name: 'connection.start-ok', clientProperties: tableFromPlain({ product: 'raw-rpc' }), mechanism: 'PLAIN', response: Buffer.from(`\0${u.username}\0${u.password}`), locale: 'en_US' }));
        } else if (m.name === 'connection.tune') {
          socket.write(encodeMethodFrame(0, { name: 'connection.tune-ok', channelMax: m.channelMax, frameMax: FRAME_MAX, heartbeat: 0 }));
          socket.write(encodeMethodFrame(0, { name: 'connection.open', virtualHost: '/' }));
        } else if (m.name === 'connection.open-ok') {
          socket.write(encodeMethodFrame(1, { name: 'channel.open' }));
        } else if (m.name === 'channel.open-ok') {
          ready();
        } else if (m.name === 'basic.deliver') {
          pending = m;
        } else {
          handler(m, null);
        }
      } else if (f.type === FrameType.HEADER) {
        const h = decodeContentHeader(f.payload);
        props = Buffer.from(h.properties);
        body = [];
        left = h.bodySize;
        if (left === 0 && pending !== null) handler(pending, { properties: props, body: Buffer.alloc(0) });
      } else if (f.type === FrameType.BODY) {
        body.push(Buffer.from(f.payload));
        left -= f.payload.length;
        if (left === 0 && pending !== null) handler(pending, { properties: props, body: body.length === 1 ? (body[0] as Buffer) : Buffer.concat(body) });
      }
    }
  });
  await opened;
  return socket;
}

function publish(socket: Socket, routingKey: string, properties: Buffer, body: Buffer): void {
  socket.cork();
  socket.write(encodeMethodFrame(1, { name: 'basic.publish', exchange: '', routingKey, mandatory: false, immediate: false }));
  socket.write(encodeContentFrames(1, properties, body, FRAME_MAX));
  process.nextTick(() => socket.uncork());
}

function declareAndConsume(socket: Socket, queue: string, exclusive: boolean): void {
  socket.write(encodeMethodFrame(1, { name: 'queue.declare', queue, passive: false, durable: false, exclusive, autoDelete: true, noWait: false, arguments: new Map() }));
  socket.write(encodeMethodFrame(1, { name: 'basic.consume', queue, consumerTag: '', noLocal: false, noAck: true, exclusive: false, noWait: false, arguments: new Map() }));
}

if (role === 'responder') {
  const socket = await open(values.url, (m, content) => {
    if (m.name === 'basic.consume-ok') process.stdout.write('ready\n');
    if (m.name !== 'basic.deliver' || content === null) return;
    const p = decodeBasicProperties(content.properties);
    publish(socket, p.replyTo ?? '', encodeBasicProperties({ correlationId: p.correlationId }), content.body);
  });
  declareAndConsume(socket, values.queue, false);
} else if (role === 'caller') {
  const replyQueue = `raw_rpc_reply_${process.pid}`;
  const body = Buffer.alloc(Number(values.bytes), 0x61);
  const warmup = Number(values.warmup);
  const total = warmup + Number(values.calls);
  const times: number[] = [];
  let n = 0;
  let sentAt = 0n;
  let socket: Socket | null = null;
  const send = (): void => {
    sentAt = process.hrtime.bigint();
    publish(socket as Socket, values.queue, encodeBasicProperties({ replyTo: replyQueue, correlationId: String(n) }), body);
  };
  socket = await open(values.url, (m, content) => {
    if (m.name === 'basic.consume-ok') {
      send();
      return;
    }
    if (m.name !== 'basic.deliver' || content === null) return;
    if (n >= warmup) times.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
    n++;
    if (n < total) {
      send();
      return;
    }
    times.sort((a, b) => a - b);
    const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
    process.stdout.write(`${JSON.stringify({ calls: times.length, p50: q(0.5), p99: q(0.99), p999: q(0.999) })}\n`);
    process.exit(0);
  });
  declareAndConsume(socket, replyQueue, true);
} else {
  const self = process.argv[1] ?? '';
  const measure = async (broker: AmqpBroker): Promise<void> => {
    const common = ['--url', broker.url, '--bytes', values.bytes, '--queue', `raw_rpc_${Date.now()}`];
    const responder = spawn(process.execPath, [self, 'responder', ...common], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => responder.stdout.setEncoding('utf8').once('data', () => resolve()));
    const caller = spawn(process.execPath, [self, 'caller', ...common, '--calls', values.calls, '--warmup', values.warmup], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    caller.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    await new Promise((resolve) => caller.on('exit', resolve));
    responder.kill();
    const r = JSON.parse(out.trim()) as { calls: number; p50: number; p99: number; p999: number };
    process.stdout.write(`${broker.name.padEnd(8)} ${values.bytes} B, ${r.calls} sequential calls, raw clients: p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, p99.9 ${r.p999.toFixed(3)} ms\n`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'wharf-raw-rpc-'));
  try {
    const wharf = await startWharf({ dataDir: join(dir, 'wharf'), flushPolicy: 'always', profileDir: null });
    try {
      await measure(wharf);
    } finally {
      await wharf.stop();
    }
    const missing = rabbitmqMissing();
    if (!values['no-rabbitmq'] && missing === null) {
      const rabbit = await startRabbitmq(join(dir, 'rabbitmq'));
      try {
        await measure(rabbit);
      } finally {
        await rabbit.stop();
      }
    } else if (missing !== null) {
      process.stdout.write(`RabbitMQ not measured: ${missing}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
