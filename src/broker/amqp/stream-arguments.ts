// queue.declare of a stream queue (x-queue-type: stream), checked the way RabbitMQ checks it
// (rabbit_stream_queue:declare, rabbit_queue_type_util): a stream is durable, never exclusive,
// never auto-delete; its retention comes from x-max-age / x-max-length-bytes and its segment size
// from x-stream-max-segment-size-bytes; the classic-only arguments are refused. Retention maps onto
// the log's (topic's) retention.ms / retention.bytes / segment.bytes.
import { brokerError, BrokerErrorCode } from '../broker-errors.js';
import type { FieldTable, FieldValue } from '../../formats/amqp/field-types.js';
import { ArgumentChecker } from './queue-arguments.js';

export interface StreamArguments {
  readonly queueType: 'stream';
  /** x-max-age in ms; -1 keeps records forever (RabbitMQ's default). */
  maxAgeMs: number;
  /** x-max-length-bytes; -1 is no size limit. */
  maxLengthBytes: number;
  /** x-stream-max-segment-size-bytes; -1 uses the broker's segment.bytes. */
  segmentBytes: number;
}

export interface StreamDeclareFlags {
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
}

/** RabbitMQ's ceiling for x-stream-max-segment-size-bytes (?MAX_STREAM_MAX_SEGMENT_SIZE). */
const RABBIT_SEGMENT_BYTES_MAX = 3_000_000_000;
/** The log's limits on a segment (segment.bytes). */
const SEGMENT_BYTES_MIN = 1024;
const SEGMENT_BYTES_MAX = 0x7fff_ffff;

/** Arguments a stream takes; x-initial-cluster-size and the locators are accepted and have no effect on one node. */
const STREAM_ARGS = new Set([
  'x-queue-type', 'x-max-age', 'x-max-length-bytes', 'x-stream-max-segment-size-bytes', 'x-initial-cluster-size',
  'x-queue-leader-locator', 'x-stream-filter-size-bytes',
]);

/** Queue arguments RabbitMQ knows and a stream does not support: refused, as RabbitMQ refuses them. */
const CLASSIC_ONLY_ARGS = new Set([
  'x-message-ttl', 'x-expires', 'x-max-length', 'x-overflow', 'x-dead-letter-exchange', 'x-dead-letter-routing-key',
  'x-max-priority', 'x-single-active-consumer', 'x-queue-mode', 'x-queue-master-locator', 'x-delivery-limit',
  'x-dead-letter-strategy', 'x-quorum-initial-group-size', 'x-queue-version',
]);

const DAY_MS = 24 * 60 * 60 * 1000;
/** RabbitMQ's units of x-max-age and of an x-stream-offset interval (rabbit_amqqueue:check_max_age). */
const AGE_UNIT_MS: Readonly<Record<string, number>> = { Y: 365 * DAY_MS, M: 30 * DAY_MS, D: DAY_MS, h: 60 * 60 * 1000, m: 60 * 1000, s: 1000 };
const AGE = /^([0-9]{1,15})([YMDhms])$/;

/** True when the declare asks for a stream queue. */
export function isStreamDeclare(args: FieldTable): boolean {
  const t = args.get('x-queue-type');
  return t !== undefined && t.tag === 'S' && t.value.toString('utf8') === 'stream';
}

/** An age like "7D" or "1h" in ms, or -1 when the text is not one (a positive number and a unit Y, M, D, h, m or s). */
export function parseAgeMs(text: string): number {
  const m = AGE.exec(text);
  if (m === null) return -1;
  const n = Number(m[1]);
  const unit = AGE_UNIT_MS[m[2] as string] as number;
  return n > 0 && Number.isSafeInteger(n * unit) ? n * unit : -1;
}

/**
 * Checks a new stream's flags and arguments; throws WHARF_ERR_PRECONDITION_FAILED with RabbitMQ's
 * texts (the first failing check, in RabbitMQ's order). `vhost` and `name` shape the texts.
 */
export function parseStreamDeclare(args: FieldTable, flags: StreamDeclareFlags, vhost: string, name: string): StreamArguments {
  const where = `queue '${name}' in vhost '${vhost}'`;
  if (flags.autoDelete) throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid property 'auto-delete' for ${where}; a stream queue is declared with auto_delete=false`);
  if (flags.exclusive) throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid property 'exclusive-owner' for ${where}; a stream queue is declared with exclusive=false`);
  if (!flags.durable) throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid property 'non-durable' for ${where}; a stream queue is declared with durable=true`);
  return parseStreamArguments(args, vhost, name);
}

/** The retention and segment arguments of a stream (stored definitions are parsed with this too). */
export function parseStreamArguments(args: FieldTable, vhost: string, name: string): StreamArguments {
  const where = `queue '${name}' in vhost '${vhost}'`;
  const c = new ArgumentChecker(where);
  const out: StreamArguments = { queueType: 'stream', maxAgeMs: -1, maxLengthBytes: -1, segmentBytes: -1 };
  for (const [key, value] of args) {
    if (CLASSIC_ONLY_ARGS.has(key)) {
      throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid arg '${key}' for ${where} of queue type stream; streams keep records by x-max-age and x-max-length-bytes instead`);
    }
    if (!STREAM_ARGS.has(key)) continue; // RabbitMQ ignores arguments it does not know
    switch (key) {
      case 'x-max-age': out.maxAgeMs = maxAgeOf(c, key, value); break;
      case 'x-max-length-bytes': out.maxLengthBytes = c.integer(key, value, 0, Number.MAX_SAFE_INTEGER); break;
      case 'x-stream-max-segment-size-bytes': out.segmentBytes = segmentBytesOf(c, key, value); break;
      default: break;
    }
  }
  return out;
}

function maxAgeOf(c: ArgumentChecker, key: string, value: FieldValue): number {
  const text = c.text(key, value);
  const ms = parseAgeMs(text);
  if (ms < 0) c.fail(key, `invalid_max_age '${text}'; use a positive number and a unit Y, M, D, h, m or s, such as 7D or 12h`);
  return ms;
}

function segmentBytesOf(c: ArgumentChecker, key: string, value: FieldValue): number {
  const n = c.integer(key, value, 0, Number.MAX_SAFE_INTEGER);
  if (n > RABBIT_SEGMENT_BYTES_MAX) throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `Exceeded max value for x-stream-max-segment-size-bytes (${RABBIT_SEGMENT_BYTES_MAX})`);
  if (n < SEGMENT_BYTES_MIN || n > SEGMENT_BYTES_MAX) c.fail(key, `${n} is outside the segment sizes this broker supports (${SEGMENT_BYTES_MIN} to ${SEGMENT_BYTES_MAX} bytes)`);
  return n;
}

/** The arguments as Kafka topic configs (only those the declare set). */
export function streamTopicConfigs(a: StreamArguments): Record<string, string> {
  const out: Record<string, string> = {};
  if (a.maxAgeMs >= 0) out['retention.ms'] = String(a.maxAgeMs);
  if (a.maxLengthBytes >= 0) out['retention.bytes'] = String(a.maxLengthBytes);
  if (a.segmentBytes >= 0) out['segment.bytes'] = String(a.segmentBytes);
  return out;
}
