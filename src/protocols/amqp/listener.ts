// The AMQP 0-9-1 TCP listener: binds host:amqpPort, turns each socket into an AmqpConnection,
// refuses connections above connectionsMax, and on stop closes every connection with 320
// CONNECTION_FORCED (as RabbitMQ does) before the broker closes its queues.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Broker } from '../../broker/broker.js';
import type { ConnectionRegistry } from '../../broker/connection-registry.js';
import { ResourceAlarm } from '../../broker/resource-alarm.js';
import type { WharfConfig } from '../../config/config-keys.js';
import type { LabelledDurations } from '../../util/duration-sink.js';
import { WharfError } from '../../util/wharf-error.js';
import { BadInputLog } from '../bad-input-log.js';
import { AmqpConnection } from './connection.js';
import { hopSummary } from './hop-latency.js';
import { MethodDurations } from './method-durations.js';
import type { AmqpServices } from './connection-services.js';

export const ERR_AMQP_LISTEN = 'WHARF_ERR_AMQP_LISTEN';
const SHUTDOWN_GRACE_MS = 1_000;
/** RabbitMQ's default max_message_size (128 MiB). */
const MESSAGE_BYTES_MAX = 128 * 1024 * 1024;

export interface AmqpListener {
  readonly address: { host: string; port: number };
  readonly connectionCount: number;
  /** Open channels over every connection (counted when read, for /metrics). */
  readonly channelCount: number;
  readonly alarm: ResourceAlarm;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new WharfError(ERR_AMQP_LISTEN, `cannot listen for AMQP clients on ${host}:${port}: ${err.code ?? err.message}; free the port or choose another with --amqp-port`, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** `alarm` is a seam for tests that must raise and clear the resource alarm; by default it is built from the config. */
export async function startAmqpListener(options: {
  broker: Broker; config: WharfConfig; logger: Logger; alarm?: ResourceAlarm; connections?: ConnectionRegistry;
  /** Method durations by name (the metrics' histogram); absent: methods are not timed. */
  methodDurations?: LabelledDurations;
}): Promise<AmqpListener> {
  const { broker, config, logger } = options;
  const alarm = options.alarm ?? new ResourceAlarm({
    memoryHighWatermarkBytes: config.memoryHighWatermarkBytes,
    diskFreeLimitBytes: config.diskFreeLimitBytes,
    dataDir: broker.paths.root,
    logger,
  });
  const services: AmqpServices = {
    broker: broker.amqp,
    alarm,
    frameMax: config.amqpFrameMax,
    channelMax: config.amqpChannelMax,
    heartbeatSec: config.amqpHeartbeatSec,
    messageBytesMax: MESSAGE_BYTES_MAX,
    clusterName: `wharf@${config.host}`,
    logger,
    badInput: new BadInputLog(logger, { protocol: 'amqp' }),
    methodDurations: options.methodDurations === undefined ? undefined : new MethodDurations(options.methodDurations),
  };
  const server = createServer({ noDelay: true, allowHalfOpen: false });
  try {
    await listen(server, config.amqpPort, config.host);
  } catch (err) {
    alarm.close();
    throw err;
  }
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new WharfError(ERR_AMQP_LISTEN, `AMQP listener bound to an unexpected address ${String(bound)}`);
  const connections = new Set<AmqpConnection>();
  let nextId = 1;
  let closing: Promise<void> | null = null;

  server.on('connection', (socket: Socket) => {
    const remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (closing !== null || connections.size >= config.connectionsMax) {
      services.badInput.warn({ remoteAddress, connectionsMax: config.connectionsMax }, 'amqp: refusing a connection: the listener is at connectionsMax (or stopping); raise --connections-max if clients need more');
      socket.destroy();
      return;
    }
    const connection = new AmqpConnection(socket, services, nextId++, remoteAddress);
    connections.add(connection);
    const unregister = options.connections?.register({
      protocol: 'AMQP 0-9-1', peerHost: socket.remoteAddress ?? '?', peerPort: socket.remotePort ?? 0, host: socket.localAddress ?? '?', port: socket.localPort ?? 0,
      user: () => connection.user?.name ?? '',
      vhost: () => connection.vhost?.name ?? '',
      clientProperties: () => connection.clientProperties,
      channels: () => connection.channelSnapshots(),
      close: (reason) => connection.forceClose(reason),
    });
    void connection.closed.then(() => {
      connections.delete(connection);
      unregister?.();
    });
  });
  server.on('error', (err) => logger.error({ err }, 'amqp listener error'));
  logger.info({ host: config.host, port: bound.port }, 'amqp listener ready');

  const closeOnce = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...connections].map((c) => c.shutdown(SHUTDOWN_GRACE_MS)));
    await stopped;
    alarm.close();
    const hops = hopSummary();
    if (hops !== null) logger.info({ ...hops, unit: 'µs' }, 'amqp: broker time from a socket read to the write it caused (WHARF_TRACE_AMQP_HOP)');
  };
  return {
    address: { host: config.host, port: bound.port },
    alarm,
    get connectionCount() {
      return connections.size;
    },
    get channelCount() {
      let n = 0;
      for (const c of connections) n += c.channelCount;
      return n;
    },
    close() {
      closing ??= closeOnce();
      return closing;
    },
  };
}
