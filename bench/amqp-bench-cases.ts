// Scenarios of `npm run bench:amqp`: each declares fresh queues on one broker, runs amqplib client
// processes (bench/amqp-bench-client.ts) through the ready/go/done protocol and deletes what it
// declared. The same function runs against Wharf and RabbitMQ.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AmqpBroker } from './amqp-bench-brokers.js';
import { REPO_ROOT, runProtocolClients, type Broker, type ClientCommand, type Measured } from './kafka-bench-processes.js';

const require = createRequire(import.meta.url);
const amqp = require('amqplib') as typeof import('amqplib');

const CLIENT = join(REPO_ROOT, 'dist', 'bench', 'amqp-bench-client.js');
const RUN_TIMEOUT_MS = 600_000;

export const SCENARIOS = ['durable', 'transient', 'rpc', 'fanout', 'stream'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_TEXT: Record<Scenario, string> = {
  durable: '(a) durable queue, persistent, confirms, manual ack',
  transient: '(b) transient queue, no confirms, no-ack',
  rpc: 'RPC round trip (sequential)',
  fanout: 'fan-out, 1 → 4 queues, no-ack',
  stream: 'stream queue, persistent, confirms, manual ack (credit)',
};

export interface CaseOptions {
  messages: number;
  fanoutMessages: number;
  fanoutQueues: number;
  rpcCalls: number;
  rpcWarmup: number;
  confirmWindow: number;
  prefetch: number;
  ackEvery: number;
}

export interface Row {
  scenario: Scenario;
  broker: AmqpBroker['name'];
  bodyBytes: number;
  round: number;
  /** Messages consumed (RPC: calls completed), summed over consumers. */
  messages: number;
  measured: Measured;
  /** RPC round trips in ms, sorted. */
  latenciesMs: number[];
}

let runCounter = 0;

function node(args: string[]): ClientCommand {
  return { command: process.execPath, args: [CLIENT, ...args] };
}

/** runProtocolClients reads only the broker's pid. */
function measuredBroker(b: AmqpBroker): Broker {
  return { pid: b.pid, port: 0, bootstrap: b.url, dataDir: '', stop: async () => 'not stopped here' };
}

/** Declares with one short-lived connection, runs `work`, then deletes what was declared. */
async function withTopology<T>(url: string, declare: (ch: import('amqplib').Channel) => Promise<void>,
  remove: (ch: import('amqplib').Channel) => Promise<void>, work: () => Promise<T>): Promise<T> {
  const c = await amqp.connect(url);
  try {
    const ch = await c.createChannel();
    await declare(ch);
    try {
      return await work();
    } finally {
      await remove(ch).catch(() => undefined);
    }
  } finally {
    await c.close().catch(() => undefined);
  }
}

export async function runCase(scenario: Scenario, broker: AmqpBroker, bodyBytes: number, round: number, o: CaseOptions): Promise<Row> {
  const id = `bench-${scenario}-${bodyBytes}-${process.pid}-${++runCounter}`;
  const b = measuredBroker(broker);
  const row = (messages: number, measured: Measured, latenciesMs: number[] = []): Row =>
    ({ scenario, broker: broker.name, bodyBytes, round, messages, measured, latenciesMs });
  switch (scenario) {
    case 'durable':
    case 'transient':
    case 'stream': {
      const durable = scenario !== 'transient';
      const stream = scenario === 'stream';
      return withTopology(broker.url,
        async (ch) => { await ch.assertQueue(id, { durable, autoDelete: false, ...(stream ? { arguments: { 'x-queue-type': 'stream' } } : {}) }); },
        async (ch) => { await ch.deleteQueue(id); },
        async () => {
          const ack = stream ? 'stream' : durable ? 'manual' : 'none';
          const m = await runProtocolClients(b, [
            node(['consume', broker.url, id, String(o.messages), ack, String(o.prefetch), String(o.ackEvery)]),
            node(['publish', broker.url, '', id, String(o.messages), String(bodyBytes), durable ? 'persistent' : 'transient', String(o.confirmWindow)]),
          ], RUN_TIMEOUT_MS);
          return row(m.reports[0]?.records ?? 0, m);
        });
    }
    case 'fanout': {
      const queues = Array.from({ length: o.fanoutQueues }, (_, i) => `${id}-q${i}`);
      return withTopology(broker.url,
        async (ch) => {
          await ch.assertExchange(id, 'fanout', { durable: false, autoDelete: false });
          for (const q of queues) {
            await ch.assertQueue(q, { durable: false, autoDelete: false });
            await ch.bindQueue(q, id, '');
          }
        },
        async (ch) => {
          for (const q of queues) await ch.deleteQueue(q);
          await ch.deleteExchange(id);
        },
        async () => {
          const m = await runProtocolClients(b, [
            ...queues.map((q) => node(['consume', broker.url, q, String(o.fanoutMessages), 'none', '0', '1'])),
            node(['publish', broker.url, id, '', String(o.fanoutMessages), String(bodyBytes), 'transient', '0']),
          ], RUN_TIMEOUT_MS);
          return row(m.reports.slice(0, queues.length).reduce((sum, r) => sum + r.records, 0), m);
        });
    }
    case 'rpc':
      return withTopology(broker.url,
        async (ch) => { await ch.assertQueue(id, { durable: false, autoDelete: false }); },
        async (ch) => { await ch.deleteQueue(id); },
        async () => {
          const m = await runProtocolClients(b, [
            node(['respond', broker.url, id, String(o.rpcWarmup + o.rpcCalls)]),
            node(['call', broker.url, id, String(o.rpcCalls), String(bodyBytes), String(o.rpcWarmup)]),
          ], RUN_TIMEOUT_MS);
          const latencies = [...(m.reports[1]?.latenciesMs ?? [])].sort((x, y) => x - y);
          return row(m.reports[1]?.records ?? 0, m, latencies);
        });
  }
}
