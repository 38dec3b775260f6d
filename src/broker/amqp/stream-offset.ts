// Where a stream consumer starts: the x-stream-offset argument of basic.consume, read as RabbitMQ
// reads it (rabbit_stream_queue:parse_offset_arg), then resolved against the log. `first` is the
// oldest record kept; `next` (the default) is the high watermark when the consumer subscribes;
// `last` is the start of the last record batch, Wharf's counterpart of RabbitMQ's last chunk; a
// number is an offset, moved into the log's range; a 'T' timestamp (seconds) or an interval like
// "1h" (now minus that) is the first record at or after that time.
import type { FieldValue } from '../../formats/amqp/field-types.js';
import type { PartitionLog } from '../../log/partition-log.js';
import { batchBaseOffset, BATCH_LOG_OVERHEAD_BYTES } from '../../records/batch-header.js';
import { brokerError, BrokerErrorCode } from '../broker-errors.js';
import { offsetForTimestamp } from '../offset-for-time.js';
import { parseAgeMs } from './stream-arguments.js';

export type StreamStart =
  | { readonly kind: 'first' | 'last' | 'next' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'timestamp'; readonly timestampMs: number };

const INTEGER_TAGS = new Set(['b', 'B', 's', 'u', 'I', 'i', 'l', 'L']);
const NEXT: StreamStart = { kind: 'next' };

/**
 * Reads x-stream-offset (undefined: `next`). Throws WHARF_ERR_PRECONDITION_FAILED with RabbitMQ's
 * "failed consuming from stream" text; `where` is "queue 'x' in vhost '/'".
 */
export function parseStreamOffset(value: FieldValue | undefined, nowMs: number, where: string): StreamStart {
  if (value === undefined) return NEXT;
  const invalid = (shown: string): never => {
    throw brokerError(BrokerErrorCode.PRECONDITION_FAILED,
      `failed consuming from stream ${where}: {invalid_offset_arg,${shown}}; x-stream-offset takes first, last, next, an offset ≥ 0, a timestamp (seconds) or an interval such as 1h`);
  };
  if (value.tag === 'S' || value.tag === 'x') {
    const text = value.value.toString('utf8');
    if (text === 'first' || text === 'last' || text === 'next') return { kind: text };
    const ageMs = parseAgeMs(text);
    if (ageMs < 0) return invalid(`"${text.slice(0, 40)}"`);
    return { kind: 'timestamp', timestampMs: nowMs - ageMs };
  }
  if (value.tag === 'T') {
    const seconds = Number(value.value);
    if (!Number.isSafeInteger(seconds * 1000) || seconds < 0) return invalid(String(value.value));
    return { kind: 'timestamp', timestampMs: seconds * 1000 };
  }
  if (INTEGER_TAGS.has(value.tag)) {
    const n = Number(value.value);
    if (!Number.isSafeInteger(n) || n < 0) return invalid(String(value.value));
    return { kind: 'offset', offset: n };
  }
  return invalid(`'${value.tag}' value`);
}

/** The offset a consumer subscribing now starts at, when that needs no read (`next`, `first`, a number). */
export function startNow(start: StreamStart, log: PartitionLog): number | null {
  switch (start.kind) {
    case 'next': return log.highWatermark;
    case 'first': return log.logStartOffset;
    case 'offset': return Math.min(Math.max(start.offset, log.logStartOffset), log.highWatermark);
    default: return null;
  }
}

/** Resolves `last` and timestamps, which look into the log. */
export async function resolveStart(start: StreamStart, log: PartitionLog): Promise<number> {
  const now = startNow(start, log);
  if (now !== null) return now;
  if (start.kind === 'timestamp') {
    const found = await offsetForTimestamp(log, start.timestampMs);
    return found === null ? log.highWatermark : Math.max(found.offset, log.logStartOffset);
  }
  // last: the batch that holds the newest record starts where the consumer starts.
  const hw = log.highWatermark;
  if (hw <= log.logStartOffset) return hw;
  const { bytes } = await log.read(hw - 1, 1);
  if (bytes.length < BATCH_LOG_OVERHEAD_BYTES) return hw;
  return Math.max(batchBaseOffset(bytes, 0), log.logStartOffset);
}
