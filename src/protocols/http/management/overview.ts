// /api/overview, /api/whoami, /api/vhosts, /api/users, /api/permissions and /api/nodes: the
// broker as a whole, in the shapes of RabbitMQ's management API (so rabbitmqadmin's `show
// overview` and `list vhosts/users/nodes` work), plus Wharf's Kafka-side totals.
import type { User } from '../../../broker/amqp/users.js';
import { packageVersion } from '../../../util/package-version.js';
import { whoami } from './auth.js';
import { objectNotFound } from './mgmt-error.js';
import { list, ok, vhostOf, type MgmtRequest, type MgmtRoute } from './mgmt-route.js';
import type { Item } from './pagination.js';
import { nodeName } from './queues.js';
import { rate } from './rates.js';

/** The RabbitMQ management API version whose paths and shapes this API follows. */
export const RABBITMQ_COMPAT_VERSION = '3.12.0';
const EXCHANGE_TYPES = ['direct', 'fanout', 'topic', 'headers', 'x-consistent-hash'];

function overview(r: MgmtRequest): Item {
  const { broker, rates, connections } = r.deps;
  let queues = 0;
  let consumers = 0;
  let exchanges = 0;
  let ready = 0;
  let unacked = 0;
  for (const name of broker.amqp.vhostNames()) {
    const vhost = broker.amqp.vhost(name);
    if (vhost === undefined) continue;
    exchanges += vhost.topology.exchanges.size + 1;
    for (const q of vhost.queues()) {
      queues++;
      consumers += q.consumerCount;
      ready += q.messageCount;
      unacked += q.unackedCount;
    }
  }
  let channels = 0;
  for (const c of connections.list()) channels += c.channels().length;
  const qc = rates.queueCountTotals();
  const qr = rates.queueRateTotals();
  const pc = rates.partitionCountTotals();
  const pr = rates.partitionRateTotals();
  const node = nodeName();
  return {
    management_version: RABBITMQ_COMPAT_VERSION,
    rabbitmq_version: RABBITMQ_COMPAT_VERSION,
    product_name: 'Wharf',
    product_version: packageVersion(),
    erlang_version: `Node.js ${process.version}`,
    node,
    cluster_name: node,
    statistics_db_node: node,
    rates_mode: 'basic',
    exchange_types: EXCHANGE_TYPES.map((name) => ({ name, description: '', enabled: true })),
    listeners: r.deps.listeners().map((l) => ({ node, protocol: l.protocol, ip_address: l.ip_address, port: l.port })),
    contexts: [{ node, description: 'Wharf Management', path: '/', port: String(r.deps.listeners().find((l) => l.protocol === 'http')?.port ?? '') }],
    object_totals: {
      connections: connections.size, channels, exchanges, queues, consumers,
      topics: broker.topics.list().length, consumer_groups: broker.groups.listGroups().length,
    },
    queue_totals: { messages: ready + unacked, messages_ready: ready, messages_unacknowledged: unacked },
    message_stats: {
      publish: qc.publish, publish_details: rate(qr.publish),
      deliver_get: qc.deliverGet, deliver_get_details: rate(qr.deliverGet),
      ack: qc.ack, ack_details: rate(qr.ack),
      redeliver: qc.redeliver, redeliver_details: rate(qr.redeliver),
    },
    kafka_stats: {
      records_in: pc.recordsIn, records_in_details: rate(pr.recordsIn),
      bytes_in: pc.bytesIn, bytes_in_details: rate(pr.bytesIn),
      records_out: pc.recordsOut, records_out_details: rate(pr.recordsOut),
      bytes_out: pc.bytesOut, bytes_out_details: rate(pr.bytesOut),
    },
  };
}

function vhostJson(r: MgmtRequest, name: string): Item {
  let ready = 0;
  let unacked = 0;
  for (const q of r.deps.broker.amqp.vhost(name)?.queues() ?? []) {
    ready += q.messageCount;
    unacked += q.unackedCount;
  }
  return { name, description: '', tags: [], tracing: false, messages: ready + unacked, messages_ready: ready, messages_unacknowledged: unacked };
}

function userJson(u: User): Item {
  return { name: u.name, tags: u.tags.join(','), password_hash: '', hashing_algorithm: 'rabbit_password_hashing_sha256', limits: {} };
}

function permissionsOf(r: MgmtRequest, users: readonly User[]): Item[] {
  const out: Item[] = [];
  for (const u of users) {
    for (const vhost of r.deps.broker.amqp.vhostNames()) {
      if (u.vhosts !== undefined && !u.vhosts.has(vhost)) continue;
      out.push({ user: u.name, vhost, configure: '.*', write: '.*', read: '.*' });
    }
  }
  return out;
}

function userNamed(r: MgmtRequest): User {
  const name = r.params[0] as string;
  const user = r.deps.broker.amqp.users.list().find((u) => u.name === name);
  if (user === undefined) throw objectNotFound(`no user '${name}'`);
  return user;
}

export const OVERVIEW_ROUTES: readonly MgmtRoute[] = [
  { pattern: ['api', 'overview'], methods: { GET: (r) => ok(overview(r)) } },
  { pattern: ['api', 'whoami'], methods: { GET: (r) => ok(whoami(r.user)) } },
  { pattern: ['api', 'vhosts'], methods: { GET: (r) => list(r.deps.broker.amqp.vhostNames().map((name) => vhostJson(r, name))) } },
  { pattern: ['api', 'vhosts', ':vhost'], methods: { GET: (r) => ok(vhostJson(r, vhostOf(r, r.params[0] as string).name)) } },
  { pattern: ['api', 'users'], adminOnly: true, methods: { GET: (r) => list(r.deps.broker.amqp.users.list().map(userJson)) } },
  { pattern: ['api', 'users', ':name'], adminOnly: true, methods: { GET: (r) => ok(userJson(userNamed(r))) } },
  { pattern: ['api', 'users', ':name', 'permissions'], adminOnly: true, methods: { GET: (r) => list(permissionsOf(r, [userNamed(r)])) } },
  { pattern: ['api', 'permissions'], adminOnly: true, methods: { GET: (r) => list(permissionsOf(r, r.deps.broker.amqp.users.list())) } },
  {
    pattern: ['api', 'nodes'],
    methods: { GET: () => list([{ name: nodeName(), type: 'disc', running: true, mem_used: process.memoryUsage().rss, uptime: Math.round(process.uptime() * 1000) }]) },
  },
  { pattern: ['api', 'extensions'], methods: { GET: () => ok([]) } },
];
