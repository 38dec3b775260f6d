// GET /v1/topics/{topic}/partitions/{p}/records: whole batches read from `offset` (at least the
// first one even when it is larger than maxBytes, KIP-74), decoded into records with absolute
// offsets. Records below `offset` in the first batch and control batches (transaction markers)
// are left out; nextOffset is where the next read continues.
import { countBatchesOut } from '../../../broker/traffic-counters.js';
import { decodeRecordBatches, recordTimestampMs, type RecordBatch } from '../../../records/index.js';
import { badRequest } from '../http-error.js';
import { recordFields, type ReadRecord } from '../delivery-fields.js';
import { readEncoding, type ReadEncoding } from '../payload.js';
import type { RouteAnswer, RouteRequest } from './route.js';

export const READ_BYTES_DEFAULT = 1024 * 1024;
export const READ_BYTES_MAX = 64 * 1024 * 1024;

export type { ReadRecord } from '../delivery-fields.js';

export interface ReadAnswer {
  records: ReadRecord[];
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

export async function topicReadRoute(r: RouteRequest): Promise<RouteAnswer> {
  const [topic, partitionText] = r.params as [string, string];
  if (!/^[0-9]{1,9}$/.test(partitionText)) throw badRequest(`the partition in the path must be a number from 0, not "${partitionText}"`);
  const q = r.url.searchParams;
  const maxBytes = integerParam(q.get('maxBytes'), 'maxBytes', 1, READ_BYTES_MAX) ?? READ_BYTES_DEFAULT;
  const encoding = readEncoding(q.get('encoding') ?? undefined);
  const log = r.deps.broker.topics.partition(topic, Number(partitionText));
  const offsetText = q.get('offset');
  const offset = offsetText === null || offsetText === 'earliest' ? log.logStartOffset
    : offsetText === 'latest' ? log.highWatermark
    : (integerParam(offsetText, 'offset', 0, Number.MAX_SAFE_INTEGER) as number);
  const read = await log.read(offset, maxBytes);
  countBatchesOut(r.deps.broker.topics.get(topic)?.counters[Number(partitionText)], read.bytes);
  const { batches } = decodeRecordBatches(read.bytes, { batchBytesMax: Math.max(read.bytes.length, 1) });
  const records: ReadRecord[] = [];
  let nextOffset = offset;
  for (const batch of batches) {
    nextOffset = batch.baseOffset + batch.lastOffsetDelta + 1;
    if (!batch.isControl) addRecords(records, batch, offset, encoding);
  }
  const answer: ReadAnswer = { records, nextOffset, highWatermark: read.highWatermark, logStartOffset: read.logStartOffset };
  return { status: 200, body: answer };
}

function addRecords(out: ReadRecord[], batch: RecordBatch, fromOffset: number, encoding: ReadEncoding): void {
  for (const record of batch.records) {
    const offset = batch.baseOffset + record.offsetDelta;
    if (offset < fromOffset) continue;
    const timestamp = recordTimestampMs(batch, record);
    out.push(recordFields(offset, timestamp, record.key, record.value, record.headers, encoding));
  }
}

function integerParam(text: string | null, name: string, min: number, max: number): number | undefined {
  if (text === null) return undefined;
  const n = /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badRequest(`?${name}= must be an integer from ${min} to ${max}, not "${text}"`);
  return n;
}
