// kafkajs against a Wharf broker. kafkajs has no consumer without a consumer group (its
// consumer requires groupId, protocol-matrix §1.3 row b), so to read a partition exactly (from
// offset 0 to a given end) the tests use kafkajs's own cluster and broker objects: its Fetch v11
// encoder and decoder (READ_COMMITTED, kafkajs's default, G15) without the group machinery (the
// group consumer is tested in groups-kafkajs.test.ts). Those objects are internal; kafkajs keeps
// the factory under a private symbol of the Kafka instance.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface KafkajsMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[] | undefined>;
  timestamp: string;
}

interface KjsFetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  abortedTransactions: unknown[];
  messages: KafkajsMessage[];
}

interface KjsBroker {
  fetch(args: {
    isolationLevel: number; maxWaitTime: number; minBytes: number; maxBytes: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  }): Promise<{ responses: Array<{ topicName: string; partitions: KjsFetchPartition[] }> }>;
}

interface KjsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findBroker(args: { nodeId: number }): Promise<KjsBroker>;
}

export const kafkajs = require('kafkajs') as typeof import('kafkajs');

export function kafkajsClient(bootstrap: string): import('kafkajs').Kafka {
  return new kafkajs.Kafka({ brokers: [bootstrap], clientId: 'wharf-it', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 3 } });
}

/**
 * Reads every message of `topic`/`partition` from offset 0 to `endOffset` with kafkajs's Fetch,
 * as a read_committed consumer would.
 */
export async function kafkajsReadPartition(kafka: import('kafkajs').Kafka, topic: string, partition: number, endOffset: number): Promise<{ messages: KafkajsMessage[]; partitions: KjsFetchPartition[] }> {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (symbol === undefined) throw new Error('kafkajs internals changed: no cluster factory');
  const createCluster = (kafka as unknown as Record<symbol, (o: { isolationLevel: number }) => KjsCluster>)[symbol];
  if (createCluster === undefined) throw new Error('kafkajs internals changed: no cluster factory');
  const cluster = createCluster({ isolationLevel: 1 });
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const broker = await cluster.findBroker({ nodeId: 0 });
    const messages: KafkajsMessage[] = [];
    const seen: KjsFetchPartition[] = [];
    let offset = 0;
    while (offset < endOffset) {
      const res = await broker.fetch({
        isolationLevel: 1, maxWaitTime: 100, minBytes: 1, maxBytes: 1 << 20,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: 1 << 20 }] }],
      });
      const p = res.responses[0]?.partitions[0];
      if (p === undefined) throw new Error('fetch returned no partition');
      if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
      seen.push(p);
      // A batch may start before the offset asked for; kafkajs's consumer skips those records too.
      for (const m of p.messages) if (Number(m.offset) >= offset) messages.push(m);
      const last = messages[messages.length - 1];
      if (last === undefined || Number(last.offset) + 1 <= offset) throw new Error(`no progress at offset ${offset}`);
      offset = Number(last.offset) + 1;
    }
    return { messages, partitions: seen };
  } finally {
    await cluster.disconnect();
  }
}
