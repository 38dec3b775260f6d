// /api/connections, /api/channels and /api/consumers from the connection registry, and closing a
// connection (DELETE): AMQP clients get connection.close 320 CONNECTION_FORCED with the reason
// from the X-Reason header, Kafka clients see their socket closed.
import type { ChannelSnapshot, ClientConnection } from '../../../broker/connection-registry.js';
import { tableToJson } from '../properties-json.js';
import { objectNotFound } from './mgmt-error.js';
import { list, noContent, ok, vhostOf, type MgmtAnswer, type MgmtRequest, type MgmtRoute } from './mgmt-route.js';
import type { Item } from './pagination.js';
import { nodeName } from './queues.js';

/** connection.close's reply-text is a short string (255 bytes); what follows "CONNECTION_FORCED - " must fit. */
const REASON_BYTES_MAX = 200;
const DEFAULT_REASON = 'Closed via management plugin';

function connectionJson(c: ClientConnection, node: string): Item {
  const channels = c.channels();
  return {
    name: c.name, node, protocol: c.protocol, user: c.user(), vhost: c.vhost(), type: 'network', state: 'running',
    peer_host: c.peerHost, peer_port: c.peerPort, host: c.host, port: c.port,
    channels: channels.length, connected_at: c.connectedAtMs, client_properties: tableToJson(c.clientProperties()),
  };
}

function channelJson(c: ClientConnection, ch: ChannelSnapshot, node: string): Item {
  return {
    name: `${c.name} (${ch.number})`, node, number: ch.number, user: c.user(), vhost: c.vhost(), state: 'running',
    connection_details: { name: c.name, peer_host: c.peerHost, peer_port: c.peerPort },
    consumer_count: ch.consumerCount, messages_unacknowledged: ch.unackedCount, prefetch_count: ch.prefetchCount,
    global_prefetch_count: ch.globalPrefetchCount, confirm: ch.confirm, transactional: ch.transactional,
  };
}

/**
 * The connections `r`'s user may see: all for the administrator and monitoring tags, otherwise
 * only the user's own, as in RabbitMQ's management plugin.
 */
function visibleConnections(r: MgmtRequest): ClientConnection[] {
  const all = r.deps.connections.list();
  const tags = r.user.tags;
  if (tags.includes('administrator') || tags.includes('monitoring')) return all;
  return all.filter((c) => c.user() === r.user.name);
}

function connectionNamed(r: MgmtRequest): ClientConnection {
  const name = r.params[0] as string;
  const c = r.deps.connections.get(name);
  if (c === undefined || !visibleConnections(r).includes(c)) throw objectNotFound(`no connection '${name}'`);
  return c;
}

function channelsOf(r: MgmtRequest, connections: readonly ClientConnection[]): Item[] {
  const node = nodeName();
  const out: Item[] = [];
  for (const c of connections) for (const ch of c.channels()) out.push(channelJson(c, ch, node));
  return out;
}

function consumersOf(r: MgmtRequest, vhost: string | undefined): Item[] {
  const out: Item[] = [];
  for (const c of visibleConnections(r)) {
    if (vhost !== undefined && c.vhost() !== vhost) continue;
    for (const ch of c.channels()) {
      for (const k of ch.consumers) {
        out.push({
          consumer_tag: k.tag, queue: { name: k.queue, vhost: c.vhost() }, ack_required: k.ackRequired, exclusive: k.exclusive,
          prefetch_count: k.prefetchCount, active: true, activity_status: 'up', arguments: {},
          channel_details: { name: `${c.name} (${ch.number})`, number: ch.number, connection_name: c.name, peer_host: c.peerHost, peer_port: c.peerPort, user: c.user() },
        });
      }
    }
  }
  return out;
}

/** The longest prefix of `s` (whole characters) within `bytes` bytes of UTF-8. */
function fitBytes(s: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    used += Buffer.byteLength(ch, 'utf8');
    if (used > bytes) break;
    out += ch;
  }
  return out;
}

function closeConnection(r: MgmtRequest): MgmtAnswer {
  const c = connectionNamed(r);
  const header = r.req.headers['x-reason'];
  const reason = typeof header === 'string' && header.trim() !== '' ? fitBytes(header.trim(), REASON_BYTES_MAX) : DEFAULT_REASON;
  r.deps.logger.info({ connection: c.name, user: r.user.name, reason }, 'management: closing a client connection');
  c.close(reason);
  return noContent();
}

export const CONNECTION_ROUTES: readonly MgmtRoute[] = [
  { pattern: ['api', 'connections'], methods: { GET: (r) => list(visibleConnections(r).map((c) => connectionJson(c, nodeName()))) } },
  { pattern: ['api', 'connections', ':name'], methods: { GET: (r) => ok(connectionJson(connectionNamed(r), nodeName())), DELETE: closeConnection } },
  { pattern: ['api', 'connections', ':name', 'channels'], methods: { GET: (r) => list(channelsOf(r, [connectionNamed(r)])) } },
  {
    pattern: ['api', 'vhosts', ':vhost', 'connections'],
    methods: { GET: (r) => { const v = vhostOf(r, r.params[0] as string).name; return list(visibleConnections(r).filter((c) => c.vhost() === v).map((c) => connectionJson(c, nodeName()))); } },
  },
  { pattern: ['api', 'channels'], methods: { GET: (r) => list(channelsOf(r, visibleConnections(r))) } },
  {
    pattern: ['api', 'channels', ':name'],
    methods: {
      GET: (r) => {
        const name = r.params[0] as string;
        const found = channelsOf(r, visibleConnections(r)).find((ch) => ch.name === name);
        if (found === undefined) throw objectNotFound(`no channel '${name}'`);
        return ok(found);
      },
    },
  },
  { pattern: ['api', 'consumers'], methods: { GET: (r) => list(consumersOf(r, undefined)) } },
  { pattern: ['api', 'consumers', ':vhost'], methods: { GET: (r) => list(consumersOf(r, vhostOf(r, r.params[0] as string).name)) } },
];
