// Public API of the `wharf` package: run a broker inside another program (tests of applications
// that use Kafka or RabbitMQ can start one instead of a container).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WharfConfig } from './config/config-keys.js';
import { loadConfig } from './config/load-config.js';
import { createLogger, silentLogger, type Logger } from './observability/logger.js';
import { startServer, type ListenerAddress, type RunningServer } from './server.js';

export type { WharfConfig, ListenerAddress };
export { WharfError, isWharfError } from './util/wharf-error.js';

export interface StartBrokerOptions extends Partial<WharfConfig> {
  /** A pino logger; by default an embedded broker logs nothing. */
  logger?: Logger;
  /** Read WHARF_* variables from this environment (default: none, so tests are hermetic). */
  env?: NodeJS.ProcessEnv;
}

export interface EmbeddedBroker {
  /** The data directory in use (a fresh temporary one unless `dataDir` was given). */
  readonly dataDir: string;
  readonly addresses: RunningServer['addresses'];
  /** Flushes and closes everything; removes the data directory if it was a temporary one. */
  stop(): Promise<void>;
}

/**
 * Starts a broker in this process. Defaults differ from `wharf serve` where an embedded broker
 * needs it: a temporary data directory, free ports (0) on 127.0.0.1, and no log output.
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<EmbeddedBroker> {
  const { logger: givenLogger, env, ...overrides } = options;
  const temporary = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'wharf-')));
  const config = loadConfig({
    env: env ?? {},
    overrides: { host: '127.0.0.1', kafkaPort: 0, amqpPort: 0, httpPort: 0, ...overrides, dataDir },
  });
  const logger = givenLogger ?? (options.logLevel !== undefined ? createLogger({ level: config.logLevel, format: config.logFormat }) : silentLogger());
  let server: RunningServer;
  try {
    server = await startServer(config, logger);
  } catch (err) {
    if (temporary) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    dataDir: server.dataDir,
    addresses: server.addresses,
    async stop() {
      await server.stop();
      if (temporary) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
