// Fetch (key 1), versions 4–11 (protocol-matrix §1.4): 4 is kafka-python's and librdkafka's
// MsgVer2 gate, 10–11 make kafka-python guess ≥ 2.1 and open librdkafka's zstd gate.
//
// Long poll: read every partition; answer when at least min_bytes came back, when a partition
// has an error, or when max_wait_ms is over; otherwise wait for a high watermark to move
// (broker/fetch-wait.ts) and read again. Sizes follow KIP-74: max_bytes bounds the whole
// response and partition_max_bytes each partition, except that the first batch of the first
// partition with data is returned whole even when it is larger, so a big batch is never stuck.
//
// Hot path: record bytes are the log's Buffers, sent as they are (the writer passes large ones
// through to writev). No fetch sessions (G10): session_id is 0 and every fetch is a full one.
// No transactions yet, so the last stable offset is the high watermark and aborted_transactions
// is empty for read_committed readers (kafkajs's and librdkafka's default, G15).
import { waitForData, type FetchWatch } from '../../../broker/fetch-wait.js';
import type { TopicRegistry } from '../../../broker/topics.js';
import { countBatchesOut } from '../../../broker/traffic-counters.js';
import { kafkaErrorFor } from '../broker-error-map.js';
import { recordsLength } from '../codec/writer.js';
import { KafkaErrorCode } from '../error-codes.js';
import type { RequestData, ResponseInput } from '../schema/api-schema.js';
import { fetchSchema } from '../schema/fetch.js';
import { defineHandler, type RequestContext } from './handler.js';

type FetchRequest = RequestData<typeof fetchSchema>;
type FetchResponse = ResponseInput<typeof fetchSchema>;
type PartitionResponse = FetchResponse['responses'][number]['partitions'][number];
type PartitionLog = ReturnType<TopicRegistry['partition']>;

const EMPTY = Buffer.alloc(0);
const READ_COMMITTED = 1;

interface ReadPass {
  responses: Array<FetchResponse['responses'][number]>;
  bytes: number;
  anyError: boolean;
  /** Each partition read, with the offset past what this pass saw: data beyond it wakes the long poll. */
  watches: FetchWatch[];
}

export const fetchHandler = defineHandler({
  schema: fetchSchema,
  versionMin: 4,
  versionMax: 11,
  async handle(ctx, request) {
    // Wharf never hands out a fetch session (G10), so a non-zero id cannot be ours.
    if (request.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: KafkaErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    const signal = ctx.connection.signal;
    for (;;) {
      const pass = await readPartitions(ctx, request);
      const remainingMs = deadline - Date.now();
      if (pass.bytes >= request.minBytes || pass.anyError || remainingMs <= 0 || pass.watches.length === 0 || signal.aborted) {
        return answer(ctx.services.broker.topics, pass);
      }
      const outcome = await waitForData(pass.watches, remainingMs, signal);
      if (outcome !== 'data') return answer(ctx.services.broker.topics, pass);
    }
  },
});

/** The response of the last pass; only its batches are sent, so only they count as records out. */
function answer(topics: TopicRegistry, pass: ReadPass): FetchResponse {
  if (pass.bytes > 0) {
    for (const t of pass.responses) {
      const counters = topics.get(t.topic)?.counters;
      if (counters === undefined) continue;
      for (const p of t.partitions) if (p.records instanceof Buffer) countBatchesOut(counters[p.partitionIndex], p.records);
    }
  }
  return { throttleTimeMs: 0, errorCode: KafkaErrorCode.NONE, sessionId: 0, responses: pass.responses };
}

async function readPartitions(ctx: RequestContext, request: FetchRequest): Promise<ReadPass> {
  const topics = ctx.services.broker.topics;
  const readCommitted = request.isolationLevel === READ_COMMITTED;
  const pass: ReadPass = { responses: [], bytes: 0, anyError: false, watches: [] };
  // KIP-74: a response may exceed max_bytes only by the first batch of the first partition with data.
  let budget = request.maxBytes;
  for (const t of request.topics) {
    const partitions: PartitionResponse[] = [];
    for (const p of t.partitions) {
      const r = await readPartition(ctx, topics, t.topic, p, budget, pass.bytes === 0, readCommitted, pass);
      partitions.push(r);
      const n = Math.max(0, recordsLength(r.records ?? null));
      pass.bytes += n;
      budget -= n;
      if (r.errorCode !== KafkaErrorCode.NONE) pass.anyError = true;
    }
    pass.responses.push({ topic: t.topic, partitions });
  }
  return pass;
}

async function readPartition(
  ctx: RequestContext, topics: TopicRegistry, topic: string, p: FetchRequest['topics'][number]['partitions'][number],
  budget: number, firstWithData: boolean, readCommitted: boolean, pass: ReadPass,
): Promise<PartitionResponse> {
  let log: PartitionLog;
  try {
    log = topics.partition(topic, p.partition);
  } catch (err) {
    return partitionError(ctx, p.partition, err, null);
  }
  const limit = Math.min(p.partitionMaxBytes, budget);
  const base = {
    partitionIndex: p.partition,
    errorCode: KafkaErrorCode.NONE,
    highWatermark: log.highWatermark,
    lastStableOffset: log.highWatermark,
    logStartOffset: log.logStartOffset,
    abortedTransactions: readCommitted ? [] : null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
  // Out of budget: nothing more fits in this response, so new data here cannot help either.
  if (limit <= 0 && !firstWithData) return base;
  try {
    const read = await log.read(p.fetchOffset, Math.max(1, limit));
    const fits = read.bytes.length <= limit || firstWithData;
    // Anything past what this read saw counts towards min_bytes on the next pass.
    pass.watches.push({ log, offset: Math.max(p.fetchOffset, read.highWatermark) });
    return {
      ...base,
      highWatermark: read.highWatermark,
      lastStableOffset: read.highWatermark,
      logStartOffset: read.logStartOffset,
      records: fits ? read.bytes : EMPTY,
    };
  } catch (err) {
    return partitionError(ctx, p.partition, err, log);
  }
}

function partitionError(ctx: RequestContext, partition: number, err: unknown, log: PartitionLog | null): PartitionResponse {
  const mapped = kafkaErrorFor(err);
  if (!mapped.expected) ctx.services.logger.error({ err, partition }, 'fetch: read failed unexpectedly');
  // Offsets help a consumer that is out of range decide where to reset; -1 when unknown (Kafka's value).
  const highWatermark = log === null ? -1 : log.highWatermark;
  return {
    partitionIndex: partition,
    errorCode: mapped.errorCode,
    highWatermark,
    lastStableOffset: highWatermark,
    logStartOffset: log === null ? -1 : log.logStartOffset,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
}
