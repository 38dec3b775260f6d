// A Kafka broker in memory for client tests, built from the same codec the real one uses:
// FrameAssembler and readRequest on the way in, encodeResponse on the way out. Handlers are
// plain functions per api key; `InMemoryTopics` gives Produce, Fetch, ListOffsets and Metadata
// a tiny log (batches with patched base offsets) so producer and fetcher can be tested end to end.
import type { Duplex } from 'node:stream';
import { ApiRegistry, apiVersionsFromRegistry, declareApi, encodeApiVersionsUnsupported } from '../../../../src/protocols/kafka/api-registry.js';
import { FrameAssembler } from '../../../../src/protocols/kafka/framing.js';
import { decodeRequestBody, encodeResponse, readRequest } from '../../../../src/protocols/kafka/messages.js';
import type { RequestHeader } from '../../../../src/protocols/kafka/request-header.js';
import {
  apiVersionsSchema, fetchSchema, listOffsetsSchema, metadataSchema, produceSchema,
} from '../../../../src/protocols/kafka/schema/index.js';
import type { ApiSchema } from '../../../../src/protocols/kafka/schema/api-schema.js';
import { LAST_OFFSET_DELTA_POS, MAX_TIMESTAMP_POS, readInt64, writeInt64 } from '../../../../src/records/index.js';
import { KafkaConnection } from '../../../../src/client/connection.js';
import { KafkaClient } from '../../../../src/client/kafka-client.js';
import { duplexPair } from './duplex-pair.js';

/** What a handler returns: a response body, NO_ANSWER (acks=0), or raw frames to write as they are. */
export const NO_ANSWER = Symbol('no answer');
export type HandlerReply = Record<string, unknown> | typeof NO_ANSWER | { raw: Buffer[] };
export type Handler = (body: Record<string, unknown>, header: RequestHeader) => HandlerReply | Promise<HandlerReply>;

export interface ReceivedRequest {
  readonly header: RequestHeader;
  readonly body: Record<string, unknown>;
}

export class FakeBroker {
  readonly registry = new ApiRegistry();
  readonly received: ReceivedRequest[] = [];
  private readonly handlers = new Map<number, Handler>();

  /** `apiVersionsMax` below 3 makes the broker answer the client's v3 with error 35 (KIP-511). */
  constructor(options: { apiVersionsMax?: number } = {}) {
    this.serve(apiVersionsSchema, 0, options.apiVersionsMax ?? 3, () => ({ errorCode: 0, apiKeys: apiVersionsFromRegistry(this.registry) }));
  }

  serve(schema: ApiSchema, versionMin: number, versionMax: number, handler: Handler): this {
    this.registry.register(declareApi(schema, versionMin, versionMax));
    this.handlers.set(schema.apiKey, handler);
    return this;
  }

  /** Accepts one connection; answers strictly in order, as a Kafka session must. */
  attach(socket: Duplex): void {
    const frames = new FrameAssembler();
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      frames.push(chunk);
      let frame: Buffer | null;
      while ((frame = frames.next()) !== null) {
        const f = frame;
        const answer = this.answer(f);
        chain = chain.then(async () => {
          const buffers = await answer;
          if (buffers !== null && !socket.destroyed) for (const b of buffers) socket.write(b);
        });
      }
    });
  }

  private async answer(frame: Buffer): Promise<Buffer[] | null> {
    const incoming = readRequest(frame, this.registry);
    if (incoming.kind === 'unsupported-version' && incoming.header.apiKey === apiVersionsSchema.apiKey) {
      return encodeApiVersionsUnsupported(this.registry, incoming.header.correlationId);
    }
    if (incoming.kind !== 'request') throw new Error(`fake broker: cannot serve ${JSON.stringify(incoming.header)}`);
    const { header, api } = incoming;
    const body = decodeRequestBody(api.schema, header.apiVersion, frame, incoming.bodyOffset) as Record<string, unknown>;
    this.received.push({ header, body });
    const handler = this.handlers.get(header.apiKey);
    if (handler === undefined) throw new Error(`fake broker: no handler for api ${header.apiKey}`);
    const reply = await handler(body, header);
    if (reply === NO_ANSWER) return null;
    if ('raw' in reply && Array.isArray(reply.raw)) return reply.raw as Buffer[];
    return encodeResponse(api.schema, header.apiVersion, header.correlationId, reply);
  }

  /** A connection whose other end this broker serves. */
  connection(): KafkaConnection {
    const [client, server] = duplexPair();
    this.attach(server);
    return new KafkaConnection(client, { peer: 'fake-broker:9092', requestTimeoutMs: 2_000 });
  }

  client(): Promise<KafkaClient> {
    return KafkaClient.over(this.connection());
  }

  requestsOf(apiKey: number): ReceivedRequest[] {
    return this.received.filter((r) => r.header.apiKey === apiKey);
  }
}

interface StoredBatch {
  readonly baseOffset: number;
  readonly nextOffset: number;
  readonly maxTimestamp: number;
  readonly bytes: Buffer;
}

type Req = Record<string, unknown>;
const arr = (v: unknown): Req[] => v as Req[];

/** Topics held in memory behind Metadata, Produce, Fetch and ListOffsets handlers. */
export class InMemoryTopics {
  readonly logs = new Map<string, StoredBatch[][]>();

  constructor(topics: Readonly<Record<string, number>>) {
    for (const [name, partitions] of Object.entries(topics)) this.logs.set(name, Array.from({ length: partitions }, () => []));
  }

  install(broker: FakeBroker, versions: { produce?: [number, number]; fetch?: [number, number] } = {}): FakeBroker {
    const [pMin, pMax] = versions.produce ?? [3, 7];
    const [fMin, fMax] = versions.fetch ?? [4, 11];
    return broker
      .serve(metadataSchema, 0, 4, (body) => this.metadata(body))
      .serve(produceSchema, pMin, pMax, (body) => this.produce(body))
      .serve(fetchSchema, fMin, fMax, (body) => this.fetch(body))
      .serve(listOffsetsSchema, 1, 2, (body) => this.listOffsets(body));
  }

  append(topic: string, partition: number, batch: Buffer): number {
    const log = this.logs.get(topic)?.[partition];
    if (log === undefined) throw new Error(`no ${topic}/${partition}`);
    const baseOffset = log.at(-1)?.nextOffset ?? 0;
    const bytes = Buffer.from(batch);
    writeInt64(bytes, 0, baseOffset);
    const nextOffset = baseOffset + bytes.readInt32BE(LAST_OFFSET_DELTA_POS) + 1;
    log.push({ baseOffset, nextOffset, maxTimestamp: readInt64(bytes, MAX_TIMESTAMP_POS), bytes });
    return baseOffset;
  }

  private metadata(body: Req): Req {
    const asked = body.topics === null ? [...this.logs.keys()] : arr(body.topics).map((t) => t.name as string);
    return {
      brokers: [{ nodeId: 1, host: 'fake-broker', port: 9092 }],
      controllerId: 1,
      clusterId: 'fake',
      topics: asked.map((name) => {
        const log = this.logs.get(name);
        return {
          errorCode: log === undefined ? 3 : 0,
          name,
          partitions: (log ?? []).map((_p, i) => ({ errorCode: 0, partitionIndex: i, leaderId: 1, replicaNodes: [1], isrNodes: [1] })),
        };
      }),
    };
  }

  private produce(body: Req): Req | typeof NO_ANSWER {
    const responses = arr(body.topicData).map((t) => ({
      name: t.name,
      partitionResponses: arr(t.partitionData).map((p) => {
        const known = this.logs.get(t.name as string)?.[p.index as number] !== undefined;
        return {
          index: p.index,
          errorCode: known ? 0 : 3,
          baseOffset: known ? this.append(t.name as string, p.index as number, p.records as Buffer) : -1,
        };
      }),
    }));
    return body.acks === 0 ? NO_ANSWER : { responses };
  }

  private fetch(body: Req): Req {
    return {
      responses: arr(body.topics).map((t) => ({
        topic: t.topic,
        partitions: arr(t.partitions).map((p) => {
          const log = this.logs.get(t.topic as string)?.[p.partition as number] ?? [];
          const end = log.at(-1)?.nextOffset ?? 0;
          const from = p.fetchOffset as number;
          const slices: Buffer[] = [];
          let bytes = 0;
          for (const b of log) {
            if (b.nextOffset <= from) continue;
            if (bytes > 0 && bytes + b.bytes.length > (p.partitionMaxBytes as number)) break;
            slices.push(b.bytes);
            bytes += b.bytes.length;
          }
          return { partitionIndex: p.partition, errorCode: from > end ? 1 : 0, highWatermark: end, lastStableOffset: end, logStartOffset: 0, records: Buffer.concat(slices) };
        }),
      })),
    };
  }

  private listOffsets(body: Req): Req {
    return {
      topics: arr(body.topics).map((t) => ({
        name: t.name,
        partitions: arr(t.partitions).map((p) => {
          const log = this.logs.get(t.name as string)?.[p.partitionIndex as number] ?? [];
          const ts = p.timestamp as number;
          const end = log.at(-1)?.nextOffset ?? 0;
          const offset = ts === -2 ? 0 : ts === -1 ? end : (log.find((b) => b.maxTimestamp >= ts)?.baseOffset ?? -1);
          return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1, offset };
        }),
      })),
    };
  }
}
