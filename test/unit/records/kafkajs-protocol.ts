// Typed access to kafkajs's internal RecordBatch v2 encoder and decoder, used as an independent
// implementation to check ours against. kafkajs is CommonJS and untyped; the shapes below are
// the parts these tests use.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface KafkajsLong {
  toString(): string;
}

interface KafkajsLongStatic {
  fromValue(value: number | string | bigint): KafkajsLong;
}

export interface KafkajsEncoder {
  readonly buffer: Buffer;
  writeVarInt(value: number): KafkajsEncoder;
  writeVarLong(value: number | KafkajsLong): KafkajsEncoder;
  writeUVarInt(value: number): KafkajsEncoder;
}

export interface KafkajsDecoder {
  readVarInt(): number;
  readVarLong(): KafkajsLong;
  readUVarInt(): number;
}

export interface KafkajsRecordInput {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: { [key: string]: Buffer | Buffer[] };
}

export interface KafkajsBatchInput {
  compression: number;
  firstOffset: KafkajsLong;
  firstTimestamp: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  lastOffsetDelta: number;
  transactional: boolean;
  producerId: KafkajsLong;
  producerEpoch: number;
  firstSequence: number;
  records: KafkajsEncoder[];
}

export interface KafkajsDecodedRecord {
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: { [key: string]: Buffer | null | (Buffer | null)[] };
  isControlRecord: boolean;
}

export interface KafkajsDecodedBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  timestampType: number;
  records: KafkajsDecodedRecord[];
}

const base = 'kafkajs/src/protocol';

export const KafkajsLong = require('kafkajs/src/utils/long.js') as KafkajsLongStatic;
export const KafkajsEncoder = require(`${base}/encoder.js`) as new () => KafkajsEncoder;
export const KafkajsDecoder = require(`${base}/decoder.js`) as new (buffer: Buffer) => KafkajsDecoder;

const recordBatchModule = require(`${base}/recordBatch/v0/index.js`) as {
  RecordBatch(input: KafkajsBatchInput): Promise<KafkajsEncoder>;
};
const recordEncoder = require(`${base}/recordBatch/record/v0/index.js`) as (input: KafkajsRecordInput) => KafkajsEncoder;
const recordBatchDecoder = require(`${base}/recordBatch/v0/decoder.js`) as (decoder: KafkajsDecoder) => Promise<KafkajsDecodedBatch>;

/** kafkajs's timestampTypes: 0 create time, 1 log-append time. */
export const KAFKAJS_LOG_APPEND_TIME = 1;

export async function kafkajsEncodeBatch(input: KafkajsBatchInput): Promise<Buffer> {
  return (await recordBatchModule.RecordBatch(input)).buffer;
}

export function kafkajsRecord(input: KafkajsRecordInput): KafkajsEncoder {
  return recordEncoder(input);
}

export function kafkajsDecodeBatch(buf: Buffer): Promise<KafkajsDecodedBatch> {
  return recordBatchDecoder(new KafkajsDecoder(buf));
}
