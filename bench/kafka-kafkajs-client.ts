// kafkajs client process driven by bench/kafka-bench.ts (`npm run bench:kafka`). It speaks the
// same line protocol as bench/clients/kafka-confluent-client.py: one JSON object per stdout line,
// `{"event":"ready"}`, then a line on stdin starts the timed part, `{"event":"done",...}` ends it,
// and the process stays alive until stdin closes so the bench can read its /proc/<pid>/stat.
//
//   produce BOOTSTRAP TOPIC PARTITION RECORDS RECORD_BYTES ACKS RECORDS_PER_SEND SENDS_IN_FLIGHT
//   consume BOOTSTRAP TOPIC PARTITION RECORDS FETCH_BYTES_MAX
//
// kafkajs has no consumer without a consumer group (docs/kafka.md), so `consume` reads with
// kafkajs's own Fetch (v11, decoded into kafkajs message objects) through its internal cluster
// object, as test/helpers/kafka-kafkajs.ts does; its consumer would run the same fetch and decode.
import { createRequire } from 'node:module';
import { finish, handshake } from './client-handshake.js';

const require = createRequire(import.meta.url);
const kafkajs = require('kafkajs') as typeof import('kafkajs');

type Kafka = import('kafkajs').Kafka;

interface FetchedPartition {
  errorCode: number;
  messages: Array<{ offset: string; value: Buffer | null }>;
}

interface InternalBroker {
  fetch(args: {
    isolationLevel: number; maxWaitTime: number; minBytes: number; maxBytes: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  }): Promise<{ responses: Array<{ partitions: FetchedPartition[] }> }>;
}

interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findBroker(args: { nodeId: number }): Promise<InternalBroker>;
}

function client(bootstrap: string): Kafka {
  return new kafkajs.Kafka({ brokers: [bootstrap], clientId: 'wharf-bench', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 2 } });
}

async function produce(args: string[]): Promise<void> {
  const [bootstrap = '', topic = '', partitionText, recordsText, bytesText, acksText, perSendText, inFlightText] = args;
  const partition = Number(partitionText);
  const records = Number(recordsText);
  const recordBytes = Number(bytesText);
  const acks = Number(acksText);
  const perSend = Number(perSendText);
  const inFlight = Number(inFlightText);
  const producer = client(bootstrap).producer({ allowAutoTopicCreation: false, maxInFlightRequests: inFlight });
  await producer.connect();
  const value = Buffer.alloc(recordBytes, 'wharf-bench-');
  // kafkajs encodes (and CRCs) each send itself; the message objects are reused.
  const batch = Array.from({ length: perSend }, () => ({ value, partition }));
  await producer.send({ topic, acks, messages: batch.slice(0, 1) }); // metadata and connection warm
  await handshake();
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < records) {
      const n = Math.min(perSend, records - next);
      next += n;
      await producer.send({ topic, acks, messages: n === perSend ? batch : batch.slice(0, n) });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  await finish({ records, bytes: records * recordBytes, seconds, warmUpRecords: 1 });
  await producer.disconnect();
}

async function consume(args: string[]): Promise<void> {
  const [bootstrap = '', topic = '', partitionText, recordsText, fetchBytesText] = args;
  const partition = Number(partitionText);
  const records = Number(recordsText);
  const maxBytes = Number(fetchBytesText);
  const kafka = client(bootstrap);
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const createCluster = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, ((o: { isolationLevel: number }) => InternalCluster) | undefined>)[symbol];
  if (createCluster === undefined) throw new Error('kafkajs internals changed: no cluster factory');
  const cluster = createCluster({ isolationLevel: 1 });
  await cluster.connect();
  await cluster.addTargetTopic(topic);
  const broker = await cluster.findBroker({ nodeId: 0 });
  await handshake();
  const started = performance.now();
  let offset = 0;
  let seen = 0;
  let bytes = 0;
  while (seen < records) {
    const res = await broker.fetch({
      isolationLevel: 1, maxWaitTime: 500, minBytes: 1, maxBytes,
      topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
    });
    const p = res.responses[0]?.partitions[0];
    if (p === undefined || p.errorCode !== 0) throw new Error(`fetch at offset ${offset} failed: error ${String(p?.errorCode)}`);
    for (const m of p.messages) {
      const o = Number(m.offset);
      if (o < offset) continue; // a batch may start before the offset asked for
      seen++;
      bytes += m.value?.length ?? 0;
      offset = o + 1;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await finish({ records: seen, bytes, seconds });
  await cluster.disconnect();
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'produce' && args.length === 8) await produce(args);
  else if (mode === 'consume' && args.length === 5) await consume(args);
  else {
    process.stderr.write('usage: kafka-kafkajs-client.js produce BOOTSTRAP TOPIC PARTITION RECORDS RECORD_BYTES ACKS RECORDS_PER_SEND SENDS_IN_FLIGHT\n' +
      '       kafka-kafkajs-client.js consume BOOTSTRAP TOPIC PARTITION RECORDS FETCH_BYTES_MAX\n');
    process.exitCode = 2;
  }
}

main().then(
  () => process.exit(),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
