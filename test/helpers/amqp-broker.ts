// AMQP integration helpers: an embedded broker per test with amqplib connections closed at the
// end, a `wharf serve` child process with its AMQP listener up, and small promise helpers for
// amqplib's event-style API (channel errors, consumers).
import type { TestContext } from 'node:test';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import { startBroker, type StartBrokerOptions } from '../../src/index.js';
import { spawnBroker, waitForAmqpPort, type BrokerProcess } from './broker-process.js';
import { waitFor } from './wait-for.js';

export interface AmqpTestBroker {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** An amqplib connection closed (if still open) when the test ends. */
  connect(options?: Options.Connect | string, socketOptions?: object): Promise<ChannelModel>;
}

const closedConnections = new WeakSet<ChannelModel>();

/**
 * Closes a connection, swallowing errors of connections the test left broken on purpose. amqplib's
 * close() never settles when the broker is gone (killed), hence the bound on the wait.
 */
async function closeQuietly(conn: ChannelModel): Promise<void> {
  if (closedConnections.has(conn)) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([conn.close(), new Promise((resolve) => { timer = setTimeout(resolve, 2_000); })]);
  } catch {
    // already closed by the broker or the test
  } finally {
    clearTimeout(timer);
  }
}

function connector(t: TestContext, url: string): AmqpTestBroker['connect'] {
  return async (options, socketOptions) => {
    const target = typeof options === 'string' ? options : options === undefined ? url : { protocol: 'amqp', hostname: new URL(url).hostname, port: Number(new URL(url).port), username: 'guest', password: 'guest', ...options };
    const conn = await amqp.connect(target, socketOptions);
    conn.on('error', () => undefined);
    conn.on('close', () => closedConnections.add(conn));
    t.after(() => closeQuietly(conn));
    return conn;
  };
}

/** An embedded broker (temporary data dir, free ports) stopped when the test ends. */
export async function withAmqpBroker(t: TestContext, options: StartBrokerOptions = {}): Promise<AmqpTestBroker> {
  const broker = await startBroker(options);
  const address = broker.addresses.amqp;
  if (address === undefined) throw new Error('the embedded broker has no AMQP listener');
  const url = `amqp://guest:guest@${address.host}:${address.port}`;
  // Connections close before the broker stops, so its shutdown does not wait on them.
  const conns: ChannelModel[] = [];
  t.after(async () => {
    for (const c of conns) await closeQuietly(c);
    await broker.stop();
  });
  const connect = connector(t, url);
  return {
    url, host: address.host, port: address.port, dataDir: broker.dataDir,
    async connect(o, s) {
      const c = await connect(o, s);
      conns.push(c);
      return c;
    },
  };
}

export interface AmqpBrokerProcess {
  readonly process: BrokerProcess;
  readonly port: number;
  readonly url: string;
}

/** Spawns `wharf serve` (free ports unless `args` sets them) and waits for its AMQP listener. */
export async function startAmqpBrokerProcess(t: TestContext, args: string[] = [], options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<AmqpBrokerProcess> {
  const process = spawnBroker(t, args, options);
  const port = await waitForAmqpPort(process);
  return { process, port, url: `amqp://guest:guest@127.0.0.1:${port}` };
}

/** Connects amqplib to a spawned broker; the connection is closed quietly when the test ends. */
export function connectTo(t: TestContext, url: string, options?: object): Promise<ChannelModel> {
  return connector(t, url)(url, options);
}

export interface ChannelFailure {
  code: number | undefined;
  message: string;
  classId: number | undefined;
  methodId: number | undefined;
}

/** Runs `op` on the channel and resolves with the channel error the broker closes it with. */
export async function expectChannelError(ch: Channel, op: () => Promise<unknown>): Promise<ChannelFailure> {
  const closed = new Promise<ChannelFailure>((resolve) => {
    ch.once('error', (err: { code?: number; message: string; classId?: number; methodId?: number }) => {
      resolve({ code: err.code, message: err.message, classId: err.classId, methodId: err.methodId });
    });
  });
  const outcome = await op().then(() => 'resolved', (err: Error) => err.message);
  const failure = await closed;
  if (outcome === 'resolved' && failure.code === undefined) throw new Error('the operation succeeded and the channel was not closed');
  return failure;
}

/** Consumes `queue` and collects deliveries; the returned array fills as messages arrive. */
export async function collect(ch: Channel, queue: string, options: Options.Consume = {}): Promise<{ messages: ConsumeMessage[]; consumerTag: string; cancelled: () => boolean }> {
  const messages: ConsumeMessage[] = [];
  let cancelled = false;
  const { consumerTag } = await ch.consume(queue, (m) => {
    if (m === null) cancelled = true;
    else messages.push(m);
  }, options);
  return { messages, consumerTag, cancelled: () => cancelled };
}

/** Waits until `messages` holds at least n entries. */
export function waitForCount<T>(messages: readonly T[], n: number, what: string, timeoutMs = 10_000): Promise<true> {
  return waitFor(() => messages.length >= n, timeoutMs, `${n} ${what} (have ${messages.length})`);
}

/** Bodies as strings. */
export function bodies(messages: readonly { content: Buffer }[]): string[] {
  return messages.map((m) => m.content.toString());
}

/** Publishes on a confirm channel and waits for every confirm. */
export async function publishConfirmed(ch: ConfirmChannel, exchange: string, routingKey: string, payloads: readonly string[], options: Options.Publish = {}): Promise<void> {
  for (const p of payloads) ch.publish(exchange, routingKey, Buffer.from(p), options);
  await ch.waitForConfirms();
}

/** basic.get until the queue is empty. */
export async function drain(ch: Channel, queue: string, noAck = true): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const m = await ch.get(queue, { noAck });
    if (m === false) return out;
    out.push(m.content.toString());
  }
}
