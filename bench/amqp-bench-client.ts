// amqplib client process driven by bench/amqp-bench.ts (`npm run bench:amqp`). It speaks the line
// protocol of the Kafka bench's clients: `{"event":"ready"}` on stdout once connected and
// subscribed, a line on stdin starts the timed part, `{"event":"done",...}` ends it, and the
// process stays alive until stdin closes so the bench can read its /proc/<pid>/stat.
//
//   publish URL EXCHANGE ROUTING_KEY MESSAGES BODY_BYTES MODE CONFIRM_WINDOW
//       MODE persistent: persistent messages on a confirm channel, at most CONFIRM_WINDOW unconfirmed;
//       MODE transient: non-persistent messages, no confirms (waits for 'drain' when amqplib's buffer is full)
//   consume URL QUEUE MESSAGES ACK PREFETCH ACK_EVERY
//       ACK manual: basic.ack every ACK_EVERY messages (multiple=true when ACK_EVERY > 1), basic.qos PREFETCH;
//       ACK none: no-ack consumer;
//       ACK stream: like manual, on a stream queue read from its first offset (x-stream-offset: first)
//   respond URL QUEUE REQUESTS   RPC server: answers each request to its reply-to with its correlation id;
//       done after REQUESTS answers (the caller's warm-up calls included)
//   call URL QUEUE CALLS BODY_BYTES WARMUP
//       RPC client: WARMUP untimed calls, then CALLS sequential calls; reports each round trip in ms
//
// The bench declares every queue and exchange before it starts the clients.
import { createRequire } from 'node:module';
import { finish as finishHandshake, handshake } from './client-handshake.js';
import type { Channel, ConfirmChannel, ConsumeMessage, ChannelModel } from 'amqplib';

const require = createRequire(import.meta.url);
const amqp = require('amqplib') as typeof import('amqplib');

/** Reports the timed part, waits for the bench's end, then closes the connection. */
async function finish(connection: ChannelModel, fields: Record<string, unknown>): Promise<void> {
  await finishHandshake(fields);
  await connection.close().catch(() => undefined);
}

function body(bytes: number): Buffer {
  return Buffer.alloc(bytes, 'wharf-amqp-bench-');
}

/** Resolves when amqplib's write buffer has room again. */
function drained(ch: Channel): Promise<void> {
  return new Promise((res) => ch.once('drain', res));
}

async function publish(args: string[]): Promise<void> {
  const [url = '', exchange = '', routingKey = '', messagesText, bytesText, mode, windowText] = args;
  const messages = Number(messagesText);
  const bytes = Number(bytesText);
  const window = Number(windowText);
  const connection = await amqp.connect(url);
  const content = body(bytes);
  await handshake();
  const started = performance.now();
  let failed = 0;
  if (mode === 'persistent') {
    const ch: ConfirmChannel = await connection.createConfirmChannel();
    let unconfirmed = 0;
    let wake: (() => void) | null = null;
    const confirmed = (err: unknown): void => {
      if (err !== null && err !== undefined) failed++;
      unconfirmed--;
      const w = wake;
      wake = null;
      w?.();
    };
    for (let i = 0; i < messages; i++) {
      while (unconfirmed >= window) await new Promise<void>((res) => { wake = res; });
      unconfirmed++;
      if (!ch.publish(exchange, routingKey, content, { persistent: true }, confirmed)) await drained(ch);
    }
    while (unconfirmed > 0) await new Promise<void>((res) => { wake = res; });
  } else {
    const ch = await connection.createChannel();
    for (let i = 0; i < messages; i++) {
      if (!ch.publish(exchange, routingKey, content, { persistent: false })) await drained(ch);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await finish(connection, { records: messages, bytes: messages * bytes, seconds, failed, firstError: failed > 0 ? 'nacked' : null });
}

async function consume(args: string[]): Promise<void> {
  const [url = '', queue = '', messagesText, ack, prefetchText, ackEveryText] = args;
  const messages = Number(messagesText);
  const ackEvery = Number(ackEveryText);
  const stream = ack === 'stream';
  const manual = ack === 'manual' || stream;
  const connection = await amqp.connect(url);
  const ch = await connection.createChannel();
  if (manual) await ch.prefetch(Number(prefetchText));
  let received = 0;
  let bodyBytes = 0;
  let ended = 0;
  const done = new Promise<void>((res) => {
    void ch.consume(queue, (m: ConsumeMessage | null) => {
      if (m === null) return;
      received++;
      bodyBytes += m.content.length;
      if (manual && (received % ackEvery === 0 || received === messages)) ch.ack(m, ackEvery > 1);
      if (received === messages) {
        ended = performance.now();
        res();
      }
    }, { noAck: !manual, ...(stream ? { arguments: { 'x-stream-offset': 'first' } } : {}) });
  });
  // The bench declares a fresh queue per run, so nothing arrives before the publisher starts.
  await handshake();
  const started = performance.now();
  await done;
  await finish(connection, { records: received, bytes: bodyBytes, seconds: (ended - started) / 1000 });
}

async function respond(args: string[]): Promise<void> {
  const [url = '', queue = '', requestsText] = args;
  const requests = Number(requestsText);
  const connection = await amqp.connect(url);
  const ch = await connection.createChannel();
  let answered = 0;
  let allAnswered: () => void = () => undefined;
  const done = new Promise<void>((res) => { allAnswered = res; });
  await ch.consume(queue, (m: ConsumeMessage | null) => {
    if (m === null) return;
    ch.publish('', String(m.properties.replyTo), m.content, { correlationId: String(m.properties.correlationId) });
    if (++answered === requests) allAnswered();
  }, { noAck: true });
  await handshake();
  const started = performance.now();
  await done;
  await finish(connection, { records: answered, bytes: 0, seconds: (performance.now() - started) / 1000 });
}

async function call(args: string[]): Promise<void> {
  const [url = '', queue = '', callsText, bytesText, warmupText] = args;
  const calls = Number(callsText);
  const warmup = Number(warmupText);
  const connection = await amqp.connect(url);
  const ch = await connection.createChannel();
  const replyQueue = (await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false })).queue;
  let waiting: { id: string; resolve: () => void } | null = null;
  await ch.consume(replyQueue, (m: ConsumeMessage | null) => {
    if (m === null || waiting === null || m.properties.correlationId !== waiting.id) return;
    const w = waiting;
    waiting = null;
    w.resolve();
  }, { noAck: true });
  const content = body(Number(bytesText));
  let next = 0;
  const roundTrip = (): Promise<void> => new Promise<void>((resolve) => {
    const id = String(++next);
    waiting = { id, resolve };
    ch.publish('', queue, content, { replyTo: replyQueue, correlationId: id });
  });
  for (let i = 0; i < warmup; i++) await roundTrip();
  await handshake();
  const latenciesMs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await roundTrip();
    latenciesMs.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  await finish(connection, { records: calls, bytes: calls * content.length, seconds, latenciesMs });
}

const [role = '', ...rest] = process.argv.slice(2);
const roles: Record<string, (args: string[]) => Promise<void>> = { publish, consume, respond, call };
const run = roles[role];
if (run === undefined) {
  process.stderr.write(`usage: amqp-bench-client.js publish|consume|respond|call ...; got ${role}\n`);
  process.exit(2);
}
run(rest).then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
