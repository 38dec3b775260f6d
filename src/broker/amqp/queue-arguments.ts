// The x-arguments of queue.declare that change how a classic queue behaves, checked the way
// RabbitMQ checks them (rabbit_amqqueue:check_arguments): a wrong type or value is a channel
// error 406 PRECONDITION_FAILED whose text names the argument, the queue and the vhost. Arguments
// RabbitMQ does not know are ignored, as it does (clients send vendor extras).
import { brokerError, BrokerErrorCode } from '../broker-errors.js';
import type { FieldTable, FieldValue } from '../../formats/amqp/field-types.js';
import { partitionOf } from './partitioned-queue.js';

export type QueueOverflow = 'drop-head' | 'reject-publish' | 'reject-publish-dlx';

/**
 * 'quorum' is accepted and run as a classic queue (so applications that declare quorum queues
 * work; delivery limits and replication are not emulated); 'stream' is reported for the vhost to
 * route elsewhere; a Queue itself always behaves as a classic queue.
 */
export type QueueType = 'classic' | 'quorum' | 'stream';

export interface QueueArguments {
  /** x-message-ttl in ms, -1 when absent. */
  messageTtlMs: number;
  /** x-expires in ms, -1 when absent. */
  expiresMs: number;
  /** x-max-length, -1 when absent. */
  maxLength: number;
  /** x-max-length-bytes (sum of ready bodies), -1 when absent. */
  maxLengthBytes: number;
  overflow: QueueOverflow;
  /** x-dead-letter-exchange, null when absent ('' is the default exchange). */
  deadLetterExchange: string | null;
  /** x-dead-letter-routing-key, null to keep each message's own routing keys. */
  deadLetterRoutingKey: string | null;
  /** x-max-priority; 0 when absent (no priorities). */
  maxPriority: number;
  singleActiveConsumer: boolean;
  queueType: QueueType;
}

/** RabbitMQ's ceiling for x-max-priority. */
export const MAX_PRIORITY_LIMIT = 255;
/** RabbitMQ's ceiling for x-message-ttl and x-expires (2^32-1 ms). */
const TTL_MAX_MS = 0xffff_ffff;

const INTEGER_TAGS = new Set(['b', 'B', 's', 'u', 'I', 'i', 'l', 'L']);
/** RabbitMQ's names of the field types, used in its error texts. */
const TYPE_NAMES: Record<string, string> = {
  t: 'bool', b: 'byte', B: 'unsignedbyte', s: 'short', u: 'unsignedshort', I: 'signedint', i: 'unsignedint',
  l: 'long', L: 'unsignedlong', f: 'float', d: 'double', D: 'decimal', S: 'longstr', x: 'binary', A: 'array',
  T: 'timestamp', F: 'table', V: 'void',
};

/** Checks one queue.declare argument at a time; its errors name the argument, the queue and the vhost. */
export class ArgumentChecker {
  constructor(private readonly where: string) {}

  fail(name: string, detail: string): never {
    throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid arg '${name}' for ${this.where}: ${detail}`);
  }

  integer(name: string, value: FieldValue, min: number, max: number): number {
    if (!INTEGER_TAGS.has(value.tag)) this.fail(name, `{unacceptable_type,${TYPE_NAMES[value.tag] ?? value.tag}}`);
    const raw = value.value as number | bigint;
    const n = typeof raw === 'bigint' ? (raw >= BigInt(Number.MIN_SAFE_INTEGER) && raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : NaN) : raw;
    if (Number.isNaN(n) || n > max) this.fail(name, `{value_too_large,${String(raw)},${max}}`);
    if (n < min) this.fail(name, min === 1 && n === 0 ? '{value_zero,0}' : `{value_negative,${n}}`);
    return n;
  }

  text(name: string, value: FieldValue): string {
    if (value.tag !== 'S') this.fail(name, `{unacceptable_type,${TYPE_NAMES[value.tag] ?? value.tag}}`);
    return value.value.toString('utf8');
  }

  bool(name: string, value: FieldValue): boolean {
    if (value.tag !== 't') this.fail(name, `{unacceptable_type,${TYPE_NAMES[value.tag] ?? value.tag}}`);
    return value.value;
  }
}

/** Arguments of a queue declared with none. */
export function defaultQueueArguments(): QueueArguments {
  return {
    messageTtlMs: -1, expiresMs: -1, maxLength: -1, maxLengthBytes: -1, overflow: 'drop-head',
    deadLetterExchange: null, deadLetterRoutingKey: null, maxPriority: 0, singleActiveConsumer: false, queueType: 'classic',
  };
}

/**
 * Reads and checks the queue arguments; throws WHARF_ERR_PRECONDITION_FAILED naming the first bad
 * one. `vhost` and `name` only shape the error text.
 */
export function parseQueueArguments(args: FieldTable, vhost = '/', name = ''): QueueArguments {
  const c = new ArgumentChecker(`queue '${name}' in vhost '${vhost}'`);
  const out = defaultQueueArguments();
  for (const [key, value] of args) {
    switch (key) {
      case 'x-message-ttl': out.messageTtlMs = c.integer(key, value, 0, TTL_MAX_MS); break;
      case 'x-expires': out.expiresMs = c.integer(key, value, 1, TTL_MAX_MS); break;
      case 'x-max-length': out.maxLength = c.integer(key, value, 0, Number.MAX_SAFE_INTEGER); break;
      case 'x-max-length-bytes': out.maxLengthBytes = c.integer(key, value, 0, Number.MAX_SAFE_INTEGER); break;
      case 'x-overflow': out.overflow = overflowOf(c, key, value); break;
      case 'x-dead-letter-exchange': out.deadLetterExchange = c.text(key, value); break;
      case 'x-dead-letter-routing-key': out.deadLetterRoutingKey = c.text(key, value); break;
      case 'x-max-priority': out.maxPriority = c.integer(key, value, 0, MAX_PRIORITY_LIMIT); break;
      case 'x-single-active-consumer': out.singleActiveConsumer = c.bool(key, value); break;
      case 'x-queue-type': out.queueType = queueTypeOf(c, key, value); break;
      default: break; // RabbitMQ ignores arguments it does not know
    }
  }
  // rabbit_amqqueue check_dlxrk_arg: a routing key without an exchange to send it to makes no sense.
  if (out.deadLetterRoutingKey !== null && out.deadLetterExchange === null) {
    c.fail('x-dead-letter-routing-key', 'Key x-dead-letter-routing-key requires x-dead-letter-exchange; declare the queue with both, or neither');
  }
  partitionOf(args, `queue '${name}' in vhost '${vhost}'`); // checked here, read by the Queue
  return out;
}

function overflowOf(c: ArgumentChecker, key: string, value: FieldValue): QueueOverflow {
  const text = c.text(key, value);
  if (text === 'drop-head' || text === 'reject-publish' || text === 'reject-publish-dlx') return text;
  return c.fail(key, `{invalid_value,<<"${text}">>}; use drop-head, reject-publish or reject-publish-dlx`);
}

function queueTypeOf(c: ArgumentChecker, key: string, value: FieldValue): QueueType {
  const text = c.text(key, value);
  if (text === 'classic' || text === 'quorum' || text === 'stream') return text;
  return c.fail(key, `unknown queue type '${text}'; use classic, quorum or stream`);
}
