// /api/queues: list (depth, ready/unacked, consumers, rates), declare, delete, purge, and get
// messages as RabbitMQ's management API does. HTTP acts as its own connection id, so a queue
// exclusive to an AMQP connection answers 409 resource_locked to changes.
import { hostname } from 'node:os';
import type { AmqpQueue as Queue } from '../../../broker/amqp/model-queue.js';
import type { QueueEntry } from '../../../broker/amqp/types.js';
import type { VirtualHost } from '../../../broker/amqp/vhost.js';
import { encodePayload, readEncoding } from '../payload.js';
import { GET_COUNT_MAX, HTTP_CONNECTION_ID } from '../rest/queue-get.js';
import { argumentsFromJson, argumentsToJson, propertiesToMgmtJson } from './amqp-json.js';
import { badRequest, objectNotFound } from './mgmt-error.js';
import { createdOrExisted, flag, integer, list, noContent, ok, queryFlag, readJsonObject, vhostOf, type MgmtRequest, type MgmtRoute } from './mgmt-route.js';
import type { Item } from './pagination.js';
import { rate, type RateSampler } from './rates.js';

const ACK_MODES = ['ack_requeue_true', 'ack_requeue_false', 'reject_requeue_true', 'reject_requeue_false'] as const;
type AckMode = (typeof ACK_MODES)[number];

export function queueJson(queue: Queue, rates: RateSampler, node: string): Item {
  const def = queue.definition;
  const r = rates.queueRates(queue.counters);
  const c = queue.counters;
  const ready = queue.messageCount;
  const unacked = queue.unackedCount;
  return {
    name: def.name,
    vhost: def.vhost,
    durable: def.durable,
    auto_delete: def.autoDelete,
    exclusive: def.exclusiveConnectionId !== -1,
    arguments: argumentsToJson(def.arguments),
    type: queue.args.queueType,
    state: 'running',
    node,
    messages: ready + unacked,
    messages_ready: ready,
    messages_unacknowledged: unacked,
    message_bytes: queue.messageBytes,
    consumers: queue.consumerCount,
    message_stats: {
      publish: c.published, publish_details: rate(r.publish),
      deliver_get: c.delivered, deliver_get_details: rate(r.deliverGet),
      redeliver: c.redelivered, redeliver_details: rate(r.redeliver),
      ack: c.acked, ack_details: rate(r.ack),
    },
  };
}

/** The queue for reading, exclusive or not, or 404. */
export function queueNamed(vhost: VirtualHost<Queue>, name: string): Queue {
  const queue = vhost.topology.queues.get(name)?.queue;
  if (queue === undefined) throw objectNotFound(`no queue '${name}' in vhost '${vhost.name}'`);
  return queue;
}

export function nodeName(): string {
  return `wharf@${hostname()}`;
}

function listQueues(r: MgmtRequest, vhostNames: readonly string[]): Item[] {
  const node = nodeName();
  const out: Item[] = [];
  for (const name of vhostNames) {
    for (const queue of r.deps.broker.amqp.vhost(name)?.queues() ?? []) out.push(queueJson(queue, r.deps.rates, node));
  }
  return out;
}

async function putQueue(r: MgmtRequest): Promise<ReturnType<typeof createdOrExisted>> {
  const [vhostName, name] = r.params as [string, string];
  const vhost = vhostOf(r, vhostName);
  if (name === '') throw badRequest('a queue declared over HTTP needs a name');
  const body = await readJsonObject(r, 'the queue body');
  const existed = vhost.topology.queues.has(name);
  await vhost.declareQueue({
    name, passive: false, exclusive: false, connectionId: HTTP_CONNECTION_ID,
    durable: flag(body.durable, 'durable', true),
    autoDelete: flag(body.auto_delete, 'auto_delete', false),
    arguments: argumentsFromJson(body.arguments),
  });
  return createdOrExisted(!existed);
}

async function getMessages(r: MgmtRequest): Promise<ReturnType<typeof ok>> {
  const [vhostName, name] = r.params as [string, string];
  const vhost = vhostOf(r, vhostName);
  const body = await readJsonObject(r, 'the get body');
  const count = integer(body.count, 'count', 1, GET_COUNT_MAX, 1);
  const ackmode = body.ackmode;
  if (typeof ackmode !== 'string' || !(ACK_MODES as readonly string[]).includes(ackmode)) {
    throw badRequest(`ackmode must be one of ${ACK_MODES.join(', ')}`);
  }
  const encoding = readEncoding(body.encoding);
  const truncate = body.truncate === undefined || body.truncate === null || body.truncate === '' ? -1 : integer(body.truncate, 'truncate', 0, Number.MAX_SAFE_INTEGER, -1);
  const queue = vhost.queue(name, HTTP_CONNECTION_ID);
  const entries: QueueEntry[] = [];
  const out: Item[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const entry = queue.get(true);
      if (entry === null) break;
      entries.push(entry);
      out.push(messageJson(entry, queue.messageCount, encoding, truncate));
    }
  } catch (err) {
    queue.requeue(entries);
    throw err;
  }
  settle(queue, entries, ackmode as AckMode);
  return ok(out);
}

function settle(queue: Queue, entries: QueueEntry[], mode: AckMode): void {
  if (mode === 'ack_requeue_true' || mode === 'reject_requeue_true') queue.requeue(entries);
  else if (mode === 'ack_requeue_false') for (const e of entries) queue.ack(e);
  else for (const e of entries) queue.reject(e);
}

function messageJson(entry: QueueEntry, messageCount: number, encoding: ReturnType<typeof readEncoding>, truncate: number): Item {
  const m = entry.message;
  const body = truncate >= 0 && m.body.length > truncate ? m.body.subarray(0, truncate) : m.body;
  const { payload, payloadEncoding } = encodePayload(body, encoding);
  return {
    payload_bytes: m.body.length,
    redelivered: entry.redelivered,
    exchange: m.exchange,
    routing_key: m.routingKey,
    message_count: messageCount,
    properties: propertiesToMgmtJson(m.properties),
    payload,
    payload_encoding: payloadEncoding,
  };
}

export const QUEUE_ROUTES: readonly MgmtRoute[] = [
  { pattern: ['api', 'queues'], methods: { GET: (r) => list(listQueues(r, r.deps.broker.amqp.vhostNames())) } },
  { pattern: ['api', 'queues', ':vhost'], methods: { GET: (r) => list(listQueues(r, [vhostOf(r, r.params[0] as string).name])) } },
  {
    pattern: ['api', 'queues', ':vhost', ':name'],
    methods: {
      GET: (r) => ok(queueJson(queueNamed(vhostOf(r, r.params[0] as string), r.params[1] as string), r.deps.rates, nodeName())),
      PUT: putQueue,
      DELETE: async (r) => {
        const vhost = vhostOf(r, r.params[0] as string);
        const name = r.params[1] as string;
        // A missing queue is 404 here (RabbitMQ's management API), not the silent AMQP success.
        queueNamed(vhost, name);
        await vhost.deleteQueue(name, queryFlag(r.url, 'if-unused'), queryFlag(r.url, 'if-empty'), HTTP_CONNECTION_ID);
        return noContent();
      },
    },
  },
  {
    pattern: ['api', 'queues', ':vhost', ':name', 'contents'],
    methods: {
      DELETE: async (r) => {
        await vhostOf(r, r.params[0] as string).purgeQueue(r.params[1] as string, HTTP_CONNECTION_ID);
        return noContent();
      },
    },
  },
  { pattern: ['api', 'queues', ':vhost', ':name', 'get'], methods: { POST: getMessages } },
];
