// Partitioned queues: one name, N ordinary queues behind one x-consistent-hash exchange.
//
//   exchange NAME (x-consistent-hash)  ──"1"──►  queue NAME-0  (x-partition-of: NAME, x-partition-index: 0)
//                                      ──"1"──►  queue NAME-1  (… index 1)   …   NAME-(N-1)
//
// Publishing to NAME hashes the routing key (or hash-header / hash-property), so every message of
// a key lands in the same partition, in publish order. Each partition has a single active
// consumer chosen by connection (partitioned-consumers.ts), so a key's messages are processed in
// order while different keys are processed in parallel by different clients.
//
// Two ways to declare one, with the same result: `exchange.declare NAME type=x-consistent-hash
// arguments {x-partitions: N}` (the broker declares and binds the N queues; a redeclare ensures
// they still exist), or a client declaring the same exchange, queues and bindings itself (what
// `wharf queues declare NAME --partitions N` does, so it also works against RabbitMQ).
import type { FieldTable, FieldValue } from '../../formats/amqp/field-types.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import { fieldTypeName } from './field-text.js';

export const PARTITIONS_ARG = 'x-partitions';
export const PARTITION_OF_ARG = 'x-partition-of';
export const PARTITION_INDEX_ARG = 'x-partition-index';
/** A partitioned queue has at most this many partitions. */
export const PARTITIONS_MAX = 1024;
/** The binding key (consistent-hash weight) of every partition: all partitions weigh the same. */
export const PARTITION_WEIGHT = '1';
/** AMQP names are shortstrs. */
const NAME_BYTES_MAX = 255;

export interface PartitionOf {
  /** The partitioned queue's name (its exchange). */
  readonly name: string;
  readonly index: number;
}

function integerOf(v: FieldValue): number | undefined {
  switch (v.tag) {
    case 'b': case 'B': case 's': case 'u': case 'I': case 'i': return v.value;
    case 'l': case 'L': return typeof v.value === 'bigint' ? (v.value <= BigInt(Number.MAX_SAFE_INTEGER) && v.value >= 0n ? Number(v.value) : undefined) : v.value;
    default: return undefined;
  }
}

function fail(arg: string, where: string, detail: string): never {
  throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid arg '${arg}' for ${where}: ${detail}`);
}

/**
 * The partition a queue is, from its x-partition-of / x-partition-index arguments; null for an
 * ordinary queue. PRECONDITION_FAILED when only one is given or a value has the wrong type.
 */
export function partitionOf(args: FieldTable, where: string): PartitionOf | null {
  const of = args.get(PARTITION_OF_ARG);
  const index = args.get(PARTITION_INDEX_ARG);
  if (of === undefined && index === undefined) return null;
  if (of === undefined) fail(PARTITION_INDEX_ARG, where, `it needs ${PARTITION_OF_ARG} (the partitioned queue's name) as well`);
  if (index === undefined) fail(PARTITION_OF_ARG, where, `it needs ${PARTITION_INDEX_ARG} (the partition's number, from 0) as well`);
  if (of.tag !== 'S') fail(PARTITION_OF_ARG, where, `{unacceptable_type,${fieldTypeName(of)}}; give the partitioned queue's name as a string`);
  const n = integerOf(index);
  if (n === undefined) fail(PARTITION_INDEX_ARG, where, `{unacceptable_type,${fieldTypeName(index)}}; give the partition's number as an integer`);
  if (n < 0 || n >= PARTITIONS_MAX) fail(PARTITION_INDEX_ARG, where, `${n} is out of range; partitions are numbered 0 to ${PARTITIONS_MAX - 1}`);
  return { name: of.value.toString('utf8'), index: n };
}

/** x-partitions of an x-consistent-hash exchange.declare: the number of partitions, 0 when absent. */
export function partitionCountOf(args: FieldTable, where: string): number {
  const v = args.get(PARTITIONS_ARG);
  if (v === undefined) return 0;
  const n = integerOf(v);
  if (n === undefined) fail(PARTITIONS_ARG, where, `{unacceptable_type,${fieldTypeName(v)}}; give the number of partitions as an integer`);
  if (n < 1 || n > PARTITIONS_MAX) fail(PARTITIONS_ARG, where, `${n} partitions; use 1 to ${PARTITIONS_MAX}`);
  return n;
}

export function partitionQueueName(name: string, index: number): string {
  return `${name}-${index}`;
}

/** The arguments of partition `index` of `name`; the CLI declares the same ones. */
export function partitionQueueArguments(name: string, index: number): FieldTable {
  return new Map<string, FieldValue>([
    ['x-single-active-consumer', { tag: 't', value: true }],
    [PARTITION_OF_ARG, { tag: 'S', value: Buffer.from(name, 'utf8') }],
    [PARTITION_INDEX_ARG, { tag: 'I', value: index }],
  ]);
}

/** What declaring the partitions needs of the vhost. */
export interface PartitionDeclarer {
  declarePartitionQueue(name: string, durable: boolean, args: FieldTable): Promise<void>;
  bindPartitionQueue(queue: string, exchange: string, weight: string): Promise<void>;
}

/**
 * Declares (or re-ensures) the N partition queues of exchange `name` and their bindings. Each step
 * is idempotent, so a redeclare after a crash half-way completes the set.
 */
export async function declarePartitions(vhost: PartitionDeclarer, name: string, count: number, durable: boolean, where: string): Promise<void> {
  const last = partitionQueueName(name, count - 1);
  if (Buffer.byteLength(last, 'utf8') > NAME_BYTES_MAX) {
    fail(PARTITIONS_ARG, where, `the partition queue names (up to '${last}') would be over ${NAME_BYTES_MAX} bytes; use a shorter name`);
  }
  for (let i = 0; i < count; i++) {
    const queue = partitionQueueName(name, i);
    await vhost.declarePartitionQueue(queue, durable, partitionQueueArguments(name, i));
    await vhost.bindPartitionQueue(queue, name, PARTITION_WEIGHT);
  }
}

/**
 * PRECONDITION_FAILED when a redeclare asks for a different number of partitions than the exchange
 * has. A redeclare without x-partitions (a producer asserting the exchange) is accepted, as
 * RabbitMQ compares no other exchange argument than alternate-exchange.
 */
export function assertSamePartitionCount(current: FieldTable, received: FieldTable, where: string): void {
  const a = partitionCountOf(current, where);
  const b = partitionCountOf(received, where);
  if (b !== 0 && a !== b) {
    throw brokerError(BrokerErrorCode.PRECONDITION_FAILED,
      `inequivalent arg '${PARTITIONS_ARG}' for ${where}: received ${b === 0 ? 'none' : b} but current is ${a === 0 ? 'none' : a}; the number of partitions cannot change`);
  }
}
