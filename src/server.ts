// Wires configuration to the broker and to the protocol listeners. Start order: the broker
// (recovers every log), then the listeners; stop order is the reverse, so no request reaches a
// closed log and every acknowledged append is flushed before the data directory is released.
import type { Logger } from 'pino';
import type { WharfConfig } from './config/config-keys.js';
import { Broker } from './broker/broker.js';
import { ConnectionRegistry } from './broker/connection-registry.js';
import { startKafkaListener, type KafkaListener } from './protocols/kafka/listener.js';
import { startAmqpListener, type AmqpListener } from './protocols/amqp/listener.js';
import { startHttpListener, type HttpListener } from './protocols/http/listener.js';
import { createBrokerMetrics } from './observability/metrics.js';

export interface ListenerAddress {
  host: string;
  port: number;
}

export interface RunningServer {
  readonly broker: Broker;
  readonly dataDir: string;
  /** Addresses of the listeners that are running; protocols not yet served are absent. */
  readonly addresses: { kafka?: ListenerAddress; amqp?: ListenerAddress; http?: ListenerAddress };
  stop(): Promise<void>;
}

export async function startServer(config: WharfConfig, logger: Logger): Promise<RunningServer> {
  // Metrics first: the logs time their fdatasyncs from the moment they open.
  const metrics = createBrokerMetrics();
  const broker = await Broker.open({ ...config, logger, datasyncDurations: metrics.durations.datasync });
  const addresses: RunningServer['addresses'] = {};
  // Client connections of every listener, for the management API (/api/connections).
  const connections = new ConnectionRegistry();
  let kafka: KafkaListener;
  let amqp: AmqpListener;
  try {
    kafka = await startKafkaListener({ broker, config, logger, connections, requestDurations: metrics.durations.kafkaRequests });
  } catch (err) {
    await broker.close();
    throw err;
  }
  try {
    amqp = await startAmqpListener({ broker, config, logger, connections, methodDurations: metrics.durations.amqpMethods });
  } catch (err) {
    await kafka.close();
    await broker.close();
    throw err;
  }
  let http: HttpListener;
  try {
    metrics.watch({ broker, connections: { kafka: () => kafka.connectionCount, amqp: () => amqp.connectionCount }, amqpChannels: () => amqp.channelCount });
    http = await startHttpListener({
      broker, config, logger, metrics, connections,
      listeners: [{ protocol: 'amqp', port: amqp.address.port, ip_address: config.host }, { protocol: 'kafka', port: kafka.address.port, ip_address: config.host }],
    });
  } catch (err) {
    await Promise.all([kafka.close(), amqp.close()]);
    await broker.close();
    throw err;
  }
  addresses.kafka = kafka.address;
  addresses.amqp = amqp.address;
  addresses.http = http.address;
  logger.info({ dataDir: broker.paths.root, flushPolicy: config.flushPolicy, kafkaPort: kafka.address.port, amqpPort: amqp.address.port, httpPort: http.address.port }, `Wharf is running; data lives in ${broker.paths.root}; console and management API on http://${consoleHost(http.address.host)}:${http.address.port}/`);
  let stopped = false;
  return {
    broker,
    dataDir: broker.paths.root,
    addresses,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await Promise.all([kafka.close(), amqp.close(), http.close()]);
      } finally {
        await broker.close();
      }
    },
  };
}

/** A host a browser can open: a wildcard bind is reachable on loopback. */
function consoleHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
