// A spawned `wharf serve` with its Kafka and AMQP listeners up, for the stream queue interop tests.
import type { TestContext } from 'node:test';
import type { Channel, ConsumeMessage } from 'amqplib';
import { spawnBroker, waitForAmqpPort, type BrokerProcess } from '../../helpers/broker-process.js';

export interface StreamTestBroker {
  readonly process: BrokerProcess;
  readonly amqpUrl: string;
  readonly bootstrap: string;
}

export async function startStreamBroker(t: TestContext, args: string[] = [], dataDir?: string): Promise<StreamTestBroker> {
  const process = spawnBroker(t, args, { dataDir });
  const kafka = await process.waitForLine((l) => l.msg === 'kafka listener ready', 'the kafka listener', 30_000);
  const amqpPort = await waitForAmqpPort(process);
  return { process, amqpUrl: `amqp://guest:guest@127.0.0.1:${amqpPort}`, bootstrap: `127.0.0.1:${String(kafka.port)}` };
}

/** SIGTERM and wait for the exit code. */
export async function stopStreamBroker(b: StreamTestBroker): Promise<number | string> {
  b.process.proc.kill('SIGTERM');
  return b.process.exited;
}

/** The x-stream-offset header of a delivery. */
export function streamOffset(m: ConsumeMessage): number {
  const v: unknown = m.properties.headers?.['x-stream-offset'];
  if (typeof v !== 'number') throw new Error(`delivery without a numeric x-stream-offset header: ${JSON.stringify(m.properties.headers)}`);
  return v;
}

/** Consumes a stream with manual acks, acking each delivery unless `ack` is false. */
export async function consumeStream(ch: Channel, queue: string, offset: unknown, ack = true): Promise<{ messages: ConsumeMessage[]; tag: string; cancelled: () => boolean }> {
  const messages: ConsumeMessage[] = [];
  let cancelled = false;
  const args: Record<string, unknown> = {};
  if (offset !== undefined) args['x-stream-offset'] = offset;
  const { consumerTag } = await ch.consume(queue, (m) => {
    if (m === null) {
      cancelled = true;
      return;
    }
    messages.push(m);
    if (ack) ch.ack(m);
  }, { noAck: false, arguments: args });
  return { messages, tag: consumerTag, cancelled: () => cancelled };
}
