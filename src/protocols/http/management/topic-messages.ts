// The message browser of a topic partition (GET /api/topics/{name}/partitions/{p}/messages) and a
// single-record produce (POST /api/topics/{name}/messages). Reads are bounded three ways: at most
// `limit` records, at most `max_bytes` read from the log, and values previewed up to
// `preview_bytes` (longer ones are cut and flagged truncated).
import { isUtf8 } from 'node:buffer';
import { offsetForTimestamp } from '../../../broker/offset-for-time.js';
import { produceToPartition } from '../../../broker/topic-data.js';
import { createRecord, createRecordBatch, decodeRecordBatches, encodeRecordBatch, recordTimestampMs, type RecordHeader } from '../../../records/index.js';
import { decodePayload, describe } from '../payload.js';
import { setOwn } from '../properties-json.js';
import { topicPartitioner } from '../rest/partitioner.js';
import { badRequest } from './mgmt-error.js';
import { integer, ok, readJsonObject, topicNamed, type MgmtAnswer, type MgmtRequest } from './mgmt-route.js';
import type { Item } from './pagination.js';

export const BROWSE_LIMIT_DEFAULT = 50;
export const BROWSE_LIMIT_MAX = 1000;
export const BROWSE_BYTES_DEFAULT = 1024 * 1024;
export const BROWSE_BYTES_MAX = 64 * 1024 * 1024;
export const PREVIEW_BYTES_DEFAULT = 4096;
/** Log reads per request: a read returns at least one whole batch, so this bounds the work. */
const READS_MAX = 64;

function param(url: URL, name: string): string | undefined {
  const v = url.searchParams.get(name);
  return v === null || v === '' ? undefined : v;
}

function encoded(buf: Buffer | null, previewBytes: number): { text: string | null; encoding: string | null; truncated: boolean } {
  if (buf === null) return { text: null, encoding: null, truncated: false };
  const cut = buf.length > previewBytes ? buf.subarray(0, previewBytes) : buf;
  // A cut may split a UTF-8 sequence: judge text-ness on the whole value when it is valid.
  const text = isUtf8(buf) || isUtf8(cut);
  return { text: text ? cut.toString('utf8') : cut.toString('base64'), encoding: text ? 'string' : 'base64', truncated: cut.length < buf.length };
}

export async function browseMessages(r: MgmtRequest): Promise<MgmtAnswer> {
  const [name, partitionText] = r.params as [string, string];
  const topic = topicNamed(r, name);
  const partition = integer(partitionText, 'the partition', 0, topic.partitions.length - 1, 0);
  const log = topic.partitions[partition];
  if (log === undefined) throw badRequest(`topic ${name} has no partition ${partitionText}`);
  const url = r.url;
  const limit = integer(param(url, 'limit'), 'limit', 1, BROWSE_LIMIT_MAX, BROWSE_LIMIT_DEFAULT);
  const maxBytes = integer(param(url, 'max_bytes'), 'max_bytes', 1, BROWSE_BYTES_MAX, BROWSE_BYTES_DEFAULT);
  const previewBytes = integer(param(url, 'preview_bytes'), 'preview_bytes', 0, BROWSE_BYTES_MAX, PREVIEW_BYTES_DEFAULT);
  const start = log.logStartOffset;
  const hw = log.highWatermark;
  let from: number;
  const offsetText = param(url, 'offset');
  const timestampText = param(url, 'timestamp');
  if (offsetText !== undefined) from = integer(offsetText, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
  else if (timestampText !== undefined) from = (await offsetForTimestamp(log, integer(timestampText, 'timestamp', 0, Number.MAX_SAFE_INTEGER, 0)))?.offset ?? hw;
  else from = Math.max(start, hw - limit);
  from = Math.min(Math.max(from, start), hw);
  const messages: Item[] = [];
  let next = from;
  let bytesLeft = maxBytes;
  for (let reads = 0; reads < READS_MAX && messages.length < limit && next < hw && bytesLeft > 0; reads++) {
    const read = await log.read(next, bytesLeft);
    if (read.bytes.length === 0) break;
    bytesLeft -= read.bytes.length;
    const { batches } = decodeRecordBatches(read.bytes, { batchBytesMax: Math.max(read.bytes.length, 1) });
    if (batches.length === 0) break;
    for (const batch of batches) {
      const after = batch.baseOffset + batch.lastOffsetDelta + 1;
      if (batch.isControl) {
        next = Math.max(next, after);
        continue;
      }
      for (const record of batch.records) {
        const offset = batch.baseOffset + record.offsetDelta;
        if (offset < next) continue;
        if (messages.length >= limit) break;
        const timestamp = recordTimestampMs(batch, record);
        const key = encoded(record.key, previewBytes);
        const value = encoded(record.value, previewBytes);
        const headers: Record<string, unknown> = {};
        for (const h of record.headers) setOwn(headers, h.key, h.value === null ? null : isUtf8(h.value) ? h.value.toString('utf8') : { $base64: h.value.toString('base64') });
        messages.push({
          offset, timestamp, key: key.text, key_encoding: key.encoding, headers,
          value: value.text, value_encoding: value.encoding, value_bytes: record.value?.length ?? 0, truncated: value.truncated || key.truncated,
        });
        next = offset + 1;
      }
      if (messages.length >= limit) break;
      next = Math.max(next, after);
    }
  }
  return ok({ partition, from_offset: from, next_offset: next, high_watermark: hw, log_start_offset: start, messages });
}

export async function produceMessage(r: MgmtRequest): Promise<MgmtAnswer> {
  const topic = topicNamed(r, r.params[0] as string);
  const body = await readJsonObject(r, 'the message body');
  const key = body.key === undefined || body.key === null ? null : decodePayload(body.key, body.key_encoding, 'key');
  const value = body.value === null ? null : decodePayload(body.value ?? '', body.value_encoding, 'value');
  const headers = headersFrom(body.headers);
  const count = topic.partitions.length;
  const partition = body.partition === undefined || body.partition === null
    ? topicPartitioner(topic).partitionFor(key, count)
    : integer(body.partition, 'partition', 0, count - 1, 0);
  const now = Date.now();
  const batch = encodeRecordBatch(createRecordBatch({ baseTimestamp: now, maxTimestamp: now, records: [createRecord({ offsetDelta: 0, key, value, headers })] }));
  const result = await produceToPartition(r.deps.broker.topics, topic.name, partition, batch);
  return ok({ partition, offset: result.baseOffset });
}

function headersFrom(v: unknown): RecordHeader[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`headers must be an object of names to string values, not ${describe(v)}`);
  const out: RecordHeader[] = [];
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    if (value !== null && typeof value !== 'string') throw badRequest(`headers.${key} must be a string or null, not ${describe(value)}`);
    out.push({ key, value: value === null ? null : Buffer.from(value, 'utf8') });
  }
  return out;
}
