// Wires configuration to the broker and to the protocol listeners.
import type { Logger } from 'pino';
import type { WharfConfig } from './config/config-keys.js';
import { Broker } from './broker/broker.js';

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
  const broker = await Broker.open({ ...config, logger });
  const addresses: RunningServer['addresses'] = {};
  logger.info({ dataDir: broker.paths.root, flushPolicy: config.flushPolicy }, `Wharf is running; data lives in ${broker.paths.root}`);
  let stopped = false;
  return {
    broker,
    dataDir: broker.paths.root,
    addresses,
    async stop() {
      if (stopped) return;
      stopped = true;
      await broker.close();
    },
  };
}
