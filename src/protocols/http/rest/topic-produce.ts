// POST /v1/topics/{topic}/records: records produced as a Kafka producer with acks=all would, and
// through the same function (produceToPartition): one RecordBatch v2 per partition, answered once
// every batch is appended under the flush policy. A missing topic is created when
// --auto-create-topics is on (as a Kafka Produce would), else 404.
import type { Topic } from '../../../broker/topics.js';
import { produceToPartition } from '../../../broker/topic-data.js';
import { createRecord, createRecordBatch, encodeRecordBatch, type Record, type RecordHeader } from '../../../records/index.js';
import { isJson, jsonObject, parseJson, readBody } from '../body.js';
import { badRequest, HttpError, HttpErrorCode } from '../http-error.js';
import { decodePayload, describe } from '../payload.js';
import { topicPartitioner } from './partitioner.js';
import type { RouteAnswer, RouteRequest } from './route.js';

export const PRODUCE_RECORDS_MAX = 10_000;
const BODY_FIELDS = ['records'] as const;
const RECORD_FIELDS = ['key', 'keyEncoding', 'value', 'valueEncoding', 'headers', 'partition'] as const;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** -1: chosen by the partitioner. */
  partition: number;
}

export interface ProducedOffset {
  partition: number;
  offset: number;
}

export async function topicProduceRoute(r: RouteRequest): Promise<RouteAnswer> {
  const [topicName] = r.params as [string];
  const body = await readBody(r.req, r.deps.config.httpBodyBytesMax);
  const inputs = isJson(r.req) ? fromJson(parseJson(body)) : [fromRaw(r.url, body)];
  const topic = await topicFor(r, topicName);
  const partitionCount = topic.partitions.length;
  const partitioner = topicPartitioner(topic);
  // Record i's partition and its index within that partition's batch.
  const where = inputs.map((input) => {
    if (input.partition >= partitionCount) throw new HttpError(404, HttpErrorCode.UNKNOWN_PARTITION, `topic ${topic.name} has no partition ${input.partition} (it has ${partitionCount})`);
    return input.partition >= 0 ? input.partition : partitioner.partitionFor(input.key, partitionCount);
  });
  const batches = new Map<number, Record[]>();
  const indexes = where.map((p, i) => {
    const records = batches.get(p) ?? [];
    batches.set(p, records);
    const input = inputs[i] as RecordInput;
    records.push(createRecord({ offsetDelta: records.length, key: input.key, value: input.value, headers: input.headers }));
    return records.length - 1;
  });
  const now = Date.now();
  const baseOffsets = new Map<number, number>();
  await Promise.all([...batches].map(async ([partition, records]) => {
    const batch = encodeRecordBatch(createRecordBatch({ baseTimestamp: now, maxTimestamp: now, records }));
    const result = await produceToPartition(r.deps.broker.topics, topic.name, partition, batch);
    baseOffsets.set(partition, result.baseOffset);
  }));
  const offsets: ProducedOffset[] = where.map((partition, i) => ({ partition, offset: (baseOffsets.get(partition) as number) + (indexes[i] as number) }));
  return { status: 200, body: { offsets } };
}

async function topicFor(r: RouteRequest, name: string): Promise<Topic> {
  const topic = r.deps.broker.topics.get(name);
  if (topic !== undefined) return topic;
  if (!r.deps.config.autoCreateTopics) throw new HttpError(404, HttpErrorCode.UNKNOWN_TOPIC, `unknown topic ${name}; create it first, or start Wharf with --auto-create-topics`);
  return r.deps.topicCreator.ensure(name);
}

function fromJson(value: unknown): RecordInput[] {
  const o = jsonObject(value, BODY_FIELDS, 'the records body');
  const records = o.records;
  if (!Array.isArray(records) || records.length === 0) throw badRequest(`records must be a non-empty array, not ${describe(records)}`);
  if (records.length > PRODUCE_RECORDS_MAX) throw badRequest(`records has ${records.length} entries; send at most ${PRODUCE_RECORDS_MAX} per request`);
  return records.map((record, i) => recordFromJson(record, `records[${i}]`));
}

function recordFromJson(value: unknown, path: string): RecordInput {
  const o = jsonObject(value, RECORD_FIELDS, path);
  if (!('value' in o)) throw badRequest(`${path}.value is missing; give null for a tombstone`);
  return {
    key: o.key === undefined || o.key === null ? null : decodePayload(o.key, o.keyEncoding, `${path}.key`),
    value: o.value === null ? null : decodePayload(o.value, o.valueEncoding, `${path}.value`),
    headers: headersFromJson(o.headers, `${path}.headers`),
    partition: partitionFrom(o.partition, `${path}.partition`),
  };
}

/** A raw body is the value; `?key=`, `?keyEncoding=` and `?partition=` come from the query. */
function fromRaw(url: URL, body: Buffer): RecordInput {
  const q = url.searchParams;
  const key = q.get('key');
  const partition = q.get('partition');
  return {
    key: key === null ? null : decodePayload(key, q.get('keyEncoding') ?? undefined, 'key'),
    value: body,
    headers: [],
    partition: partition === null ? -1 : partitionFrom(/^[0-9]{1,9}$/.test(partition) ? Number(partition) : partition, '?partition='),
  };
}

function partitionFrom(v: unknown, path: string): number {
  if (v === undefined || v === null) return -1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fff_ffff) throw badRequest(`${path} must be a partition number (an integer from 0), not ${describe(v)}`);
  return v;
}

/** Record headers from {"name": "text" | null | {"$base64": "..."}}. */
function headersFromJson(v: unknown, path: string): RecordHeader[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${path} must be an object of header names to values, not ${describe(v)}`);
  const headers: RecordHeader[] = [];
  for (const [key, value] of Object.entries(v as { [k: string]: unknown })) {
    headers.push({ key, value: headerValue(value, `${path}.${key}`) });
  }
  return headers;
}

function headerValue(v: unknown, path: string): Buffer | null {
  if (v === null) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (typeof v === 'object' && !Array.isArray(v)) {
    const b64 = (v as { [k: string]: unknown }).$base64;
    if (Object.keys(v).length === 1 && typeof b64 === 'string' && BASE64.test(b64) && b64.length % 4 !== 1) return Buffer.from(b64, 'base64');
  }
  throw badRequest(`${path} must be a string, null or {"$base64": "..."}, not ${describe(v)}`);
}
