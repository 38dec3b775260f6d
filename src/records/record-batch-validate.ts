// Range checks for a batch handed to the encoder. Its fields come from callers that may build them
// from user input (an HTTP publish, an AMQP property), so a value the wire cannot carry is a
// RecordsError, not a silently wrapped integer.
import { ATTR_RESERVED_MASK } from './batch-header.js';
import { isCompressionCodec } from './compression/codec.js';
import type { Record } from './record.js';
import type { RecordBatch } from './record-batch.js';
import { RecordsError, RecordsErrorCode } from './records-error.js';

export function validateBatch(batch: RecordBatch, lastOffsetDelta: number, maxTimestamp: number): void {
  safeInteger(batch.baseOffset, 'baseOffset');
  int32(batch.partitionLeaderEpoch, 'partitionLeaderEpoch');
  if (!isCompressionCodec(batch.compression)) invalid(`compression ${batch.compression} is not a Kafka codec (0-4)`);
  if (batch.timestampType !== 'create' && batch.timestampType !== 'log-append') invalid(`timestampType ${String(batch.timestampType)} is not 'create' or 'log-append'`);
  if (!Number.isInteger(batch.reservedAttributeBits) || (batch.reservedAttributeBits & ~ATTR_RESERVED_MASK) !== 0) {
    invalid('reservedAttributeBits may only hold attribute bits 7-15');
  }
  int32(lastOffsetDelta, 'lastOffsetDelta');
  if (lastOffsetDelta < 0) invalid(`lastOffsetDelta ${lastOffsetDelta} is negative`);
  safeInteger(batch.baseTimestamp, 'baseTimestamp');
  safeInteger(maxTimestamp, 'maxTimestamp');
  safeInteger(batch.producerId, 'producerId');
  int16(batch.producerEpoch, 'producerEpoch');
  int32(batch.baseSequence, 'baseSequence');
  for (const record of batch.records) validateRecord(record);
}

function validateRecord(record: Record): void {
  if (!Number.isInteger(record.attributes) || record.attributes < -0x80 || record.attributes > 0x7f) invalid('record attributes must be an int8');
  safeInteger(record.timestampDelta, 'record timestampDelta');
  int32(record.offsetDelta, 'record offsetDelta');
  bytesOrNull(record.key, 'record key');
  bytesOrNull(record.value, 'record value');
  if (!Array.isArray(record.headers)) invalid('record headers must be an array');
  for (const header of record.headers) {
    if (typeof header.key !== 'string') invalid('header key must be a string (Kafka has no null header keys)');
    bytesOrNull(header.value, 'header value');
  }
}

function safeInteger(value: number, field: string): void {
  if (!Number.isSafeInteger(value)) invalid(`${field} ${value} is not a safe integer`);
}

function int32(value: number, field: string): void {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) invalid(`${field} ${value} is not an int32`);
}

function int16(value: number, field: string): void {
  if (!Number.isInteger(value) || value < -0x8000 || value > 0x7fff) invalid(`${field} ${value} is not an int16`);
}

function bytesOrNull(value: unknown, field: string): void {
  if (value !== null && !Buffer.isBuffer(value)) invalid(`${field} must be a Buffer or null`);
}

function invalid(message: string): never {
  throw new RecordsError(RecordsErrorCode.INVALID, `${message}; fix the batch before encoding it`);
}
