// A `wharf serve` child process with its Kafka listener up: spawnBroker plus the bound port,
// read from the listener's "kafka listener ready" log line.
import { createServer } from 'node:net';
import type { TestContext } from 'node:test';
import { spawnBroker, type BrokerProcess } from './broker-process.js';

export interface KafkaBroker {
  readonly process: BrokerProcess;
  readonly port: number;
  /** host:port for clients. */
  readonly bootstrap: string;
}

const isKafkaReady = (l: { msg?: string }): boolean => l.msg === 'kafka listener ready';

/** Spawns a broker (free ports unless `args` sets --kafka-port) and waits for its Kafka listener. */
export async function startKafkaBroker(t: TestContext, args: string[] = [], options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KafkaBroker> {
  const process = spawnBroker(t, args, options);
  const ready = await process.waitForLine(isKafkaReady, 'the kafka listener', 30_000);
  const port = ready.port;
  if (typeof port !== 'number') throw new Error(`kafka listener ready line has no port: ${JSON.stringify(ready)}`);
  return { process, port, bootstrap: `127.0.0.1:${port}` };
}

/** Stops the broker with SIGTERM and waits for a clean exit (code 0). */
export async function stopKafkaBroker(broker: KafkaBroker): Promise<number | string> {
  broker.process.proc.kill('SIGTERM');
  return broker.process.exited;
}

/** A port that was free a moment ago, for tests that must restart a broker on the same port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
