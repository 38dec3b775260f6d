// The Kafka TCP listener: binds host:kafkaPort, turns each accepted socket into a KafkaSession,
// refuses connections above connectionsMax, and closes gracefully (stop accepting, let in-flight
// responses out, then close every socket) before the broker closes its logs.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Broker } from '../../broker/broker.js';
import { brokerClusterId } from '../../broker/cluster-identity.js';
import { clientIdProperties, type ConnectionRegistry } from '../../broker/connection-registry.js';
import { TopicAutoCreator } from '../../broker/topic-auto-create.js';
import type { WharfConfig } from '../../config/config-keys.js';
import type { LabelledDurations } from '../../util/duration-sink.js';
import { WharfError } from '../../util/wharf-error.js';
import { ApiDurations } from './api-durations.js';
import { BadInputLog } from '../bad-input-log.js';
import { createHandlerTable, type HandlerTable } from './handlers/index.js';
import type { BrokerConfigEntry, KafkaServices } from './handlers/handler.js';
import { KafkaSession } from './session.js';

export const ERR_KAFKA_LISTEN = 'WHARF_ERR_KAFKA_LISTEN';
/** How long a stopping listener lets connections finish the requests they have in flight. */
const SHUTDOWN_GRACE_MS = 3_000;

export interface KafkaListenerOptions {
  readonly broker: Broker;
  readonly config: WharfConfig;
  readonly logger: Logger;
  readonly handlers?: HandlerTable;
  /** Where accepted connections are listed for the management API. */
  readonly connections?: ConnectionRegistry;
  /** Request durations by API name (the metrics' histogram); absent: requests are not timed. */
  readonly requestDurations?: LabelledDurations;
}

export interface KafkaListener {
  /** The address actually bound (the port is the real one when kafkaPort was 0). */
  readonly address: { host: string; port: number };
  readonly services: KafkaServices;
  /** Connections open now. */
  readonly connectionCount: number;
  close(): Promise<void>;
}

/** Where clients are told to reconnect (G17): the configured host, or the bind address. */
export function advertisedHost(config: Pick<WharfConfig, 'advertisedHost' | 'host'>): string {
  if (config.advertisedHost !== 'auto') return config.advertisedHost;
  return config.host === '0.0.0.0' || config.host === '::' || config.host === '' ? '127.0.0.1' : config.host;
}

/** Broker settings shown by DescribeConfigs, under the names Kafka tools know. */
function brokerConfigs(config: WharfConfig, host: string, port: number): BrokerConfigEntry[] {
  return [
    { name: 'broker.id', value: String(config.nodeId) },
    { name: 'advertised.listeners', value: `PLAINTEXT://${host}:${port}` },
    { name: 'auto.create.topics.enable', value: String(config.autoCreateTopics) },
    { name: 'num.partitions', value: String(config.defaultPartitions) },
    { name: 'message.max.bytes', value: String(config.maxMessageBytes) },
    { name: 'socket.request.max.bytes', value: String(config.requestBytesMax) },
    { name: 'log.retention.ms', value: String(config.retentionMs) },
    { name: 'log.retention.bytes', value: String(config.retentionBytes) },
    { name: 'log.segment.bytes', value: String(config.segmentBytes) },
    { name: 'log.roll.ms', value: String(config.segmentMs) },
    { name: 'default.replication.factor', value: '1' },
  ];
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new WharfError(ERR_KAFKA_LISTEN, `cannot listen for Kafka clients on ${host}:${port}: ${err.code ?? err.message}; free the port or choose another with --kafka-port`, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function startKafkaListener(options: KafkaListenerOptions): Promise<KafkaListener> {
  const { broker, config, logger } = options;
  const handlers = options.handlers ?? createHandlerTable();
  const clusterId = await brokerClusterId(broker);
  const server = createServer({ noDelay: true, allowHalfOpen: false });
  await listen(server, config.kafkaPort, config.host);
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new WharfError(ERR_KAFKA_LISTEN, `Kafka listener bound to an unexpected address ${String(bound)}`);
  const host = advertisedHost(config);
  const services: KafkaServices = {
    broker,
    registry: handlers.registry,
    clusterId,
    self: { nodeId: config.nodeId, host, port: bound.port },
    autoCreateTopics: config.autoCreateTopics,
    defaultPartitions: config.defaultPartitions,
    topicCreator: new TopicAutoCreator(broker.topics, config.defaultPartitions),
    brokerConfigs: brokerConfigs(config, host, bound.port),
    logger,
  };
  const badInput = new BadInputLog(logger);
  const requestDurations = options.requestDurations === undefined ? undefined : new ApiDurations(options.requestDurations);
  const sessions = new Set<KafkaSession>();
  let nextId = 1;
  let closing: Promise<void> | null = null;

  server.on('connection', (socket: Socket) => {
    const remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (closing !== null || sessions.size >= config.connectionsMax) {
      badInput.warn({ remoteAddress, connectionsMax: config.connectionsMax }, 'kafka: refusing a connection: the listener is at connectionsMax (or stopping); raise --connections-max if clients need more');
      socket.destroy();
      return;
    }
    const session = new KafkaSession(socket, {
      id: nextId++,
      remoteAddress,
      services,
      handlers,
      requestBytesMax: config.requestBytesMax,
      badInput,
      requestDurations,
    });
    sessions.add(session);
    // Debug, not info: Kafka clients open a connection per broker and per coordinator, and reconnect freely.
    logger.debug({ protocol: 'kafka', connection: session.id, remoteAddress }, 'kafka: connection opened');
    const unregister = options.connections?.register({
      protocol: 'Kafka', peerHost: socket.remoteAddress ?? '?', peerPort: socket.remotePort ?? 0, host: socket.localAddress ?? '?', port: socket.localPort ?? 0,
      user: () => '',
      vhost: () => '',
      clientProperties: () => clientIdProperties(session.clientId),
      channels: () => [],
      close: () => socket.destroy(),
    });
    void session.closed.then(() => {
      sessions.delete(session);
      unregister?.();
      logger.debug({ protocol: 'kafka', connection: session.id, remoteAddress }, 'kafka: connection closed');
    });
  });
  // An accept error (EMFILE) must not take the broker down; the next accept may succeed.
  server.on('error', (err) => logger.error({ err }, 'kafka listener error'));

  logger.info({ host: config.host, port: bound.port, advertisedHost: host, nodeId: config.nodeId, clusterId }, 'kafka listener ready');

  const closeOnce = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...sessions].map((s) => s.shutdown(SHUTDOWN_GRACE_MS)));
    await stopped;
    logger.debug({ port: bound.port }, 'kafka listener closed');
  };
  return {
    address: { host: config.host, port: bound.port },
    services,
    get connectionCount() {
      return sessions.size;
    },
    close() {
      closing ??= closeOnce();
      return closing;
    },
  };
}
