// The AMQP ⇄ Kafka record mapping (docs/interop.md), one module for every place a message becomes
// a record a Kafka client reads or the reverse: exchanges bound to topics, stream queues. With the
// default key source the two functions invert each other: message → record → message keeps every
// property and field value; record → message → record keeps key, value, headers and timestamp.
export { messageToRecord, routingKeyOf } from './message-to-record.js';
export type { AmqpMessageParts, MappedRecord, RecordKeySource } from './message-to-record.js';
export { recordToMessage } from './record-to-message.js';
export type { MappedMessage, RecordParts } from './record-to-message.js';
export {
  EXCHANGE_HEADER, KAFKA_KEY_HEADER, KAFKA_TIMESTAMP_HEADER, KAFKA_TOMBSTONE_HEADER, PROPERTY_HEADERS,
  ROUTING_KEY_HEADER, TIMESTAMP_HEADER, TYPES_HEADER,
} from './reserved-headers.js';
