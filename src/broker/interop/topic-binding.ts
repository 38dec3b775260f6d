// Bindings whose destination is a Kafka topic (docs/interop.md, "Exchanges that route into Kafka
// topics"). AMQP 0-9-1 can only name a queue as a binding's destination, so `queue.bind` names the
// topic as the queue and says so in its arguments: `x-destination-type: topic`. Two more arguments
// say how records are made: `x-partition-by` (the routing key, or a header) and `x-record-key`.
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import type { RecordKeySource } from './message-to-record.js';

export const DESTINATION_TYPE_ARG = 'x-destination-type';
export const PARTITION_BY_ARG = 'x-partition-by';
export const RECORD_KEY_ARG = 'x-record-key';

const TOPIC = 'topic';
const ROUTING_KEY = 'routing-key';
const HEADER_PREFIX = 'header:';

/** What chooses the partition: the routing key, or the value of a header of the headers table. */
export type PartitionSource = 'routing-key' | { readonly header: string };

export interface TopicBindingOptions {
  readonly partitionBy: PartitionSource;
  readonly recordKey: RecordKeySource;
}

/** True when a binding's arguments make its destination a Kafka topic; PRECONDITION_FAILED for a destination type Wharf does not have. */
export function isTopicDestination(args: FieldTable): boolean {
  const v = args.get(DESTINATION_TYPE_ARG);
  if (v === undefined) return false;
  const text = v.tag === 'S' ? v.value.toString('utf8') : undefined;
  if (text === TOPIC) return true;
  if (text === 'queue') return false;
  throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid value for binding argument '${DESTINATION_TYPE_ARG}': it must be the string "topic" (bind to the Kafka topic named as the queue) or "queue"`);
}

function stringArg(args: FieldTable, name: string, allowed: string): string | undefined {
  const v = args.get(name);
  if (v === undefined) return undefined;
  const text = v.tag === 'S' ? v.value.toString('utf8') : '';
  if (text === ROUTING_KEY || text === 'none' || (text.startsWith(HEADER_PREFIX) && text.length > HEADER_PREFIX.length)) return text;
  throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid value for binding argument '${name}': it must be one of ${allowed}`);
}

/** The binding's partition and key rules; PRECONDITION_FAILED for an argument that names none. */
export function topicBindingOptions(args: FieldTable): TopicBindingOptions {
  const by = stringArg(args, PARTITION_BY_ARG, '"routing-key" (the default) or "header:<name>"');
  if (by === 'none') throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid value for binding argument '${PARTITION_BY_ARG}': it must be one of "routing-key" (the default) or "header:<name>"`);
  const key = stringArg(args, RECORD_KEY_ARG, '"routing-key" (the default), "header:<name>" or "none"');
  return {
    partitionBy: by === undefined || by === ROUTING_KEY ? ROUTING_KEY : { header: by.slice(HEADER_PREFIX.length) },
    recordKey: key === undefined || key === ROUTING_KEY ? ROUTING_KEY : key === 'none' ? 'none' : { header: key.slice(HEADER_PREFIX.length) },
  };
}

/** A text naming the options, equal for equal options: targets with the same rules are shared. */
export function optionsIdentity(o: TopicBindingOptions): string {
  const by = o.partitionBy === ROUTING_KEY ? ROUTING_KEY : `${HEADER_PREFIX}${o.partitionBy.header}`;
  const key = typeof o.recordKey === 'string' ? o.recordKey : `${HEADER_PREFIX}${o.recordKey.header}`;
  return `${by}\u0000${key}`;
}
