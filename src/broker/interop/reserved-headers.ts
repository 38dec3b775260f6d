// The header names the AMQP ⇄ Kafka record mapping reserves (docs/interop.md). On the Kafka side,
// `x-amqp-*` record headers carry what an AMQP message has beyond its headers table; on the AMQP
// side, `x-kafka-*` table entries carry what a record has beyond what an AMQP message can say
// natively. Each appears only when needed, so ordinary messages and records look ordinary.

/** Record header: the exchange a message was published to; absent for the default exchange. */
export const EXCHANGE_HEADER = 'x-amqp-exchange';
/** Record header: the routing key, when the record key does not already say it. */
export const ROUTING_KEY_HEADER = 'x-amqp-routing-key';
/** Record header: the timestamp property (seconds, or empty for absent) when the record timestamp does not say it. */
export const TIMESTAMP_HEADER = 'x-amqp-timestamp';
/**
 * Record header: one ASCII field-type tag per ordinary record header, in order, when any of them is
 * not a plain string ('S') or void ('V'); also present (maybe empty) when the AMQP message had an
 * empty headers table, which would otherwise vanish.
 */
export const TYPES_HEADER = 'x-amqp-types';

/** AMQP header: the record key, when the routing key does not already say it ('x' bytes, 'V' null key). */
export const KAFKA_KEY_HEADER = 'x-kafka-key';
/** AMQP header: the record timestamp in ms, when the timestamp property (seconds) does not say it. */
export const KAFKA_TIMESTAMP_HEADER = 'x-kafka-timestamp-ms';
/** AMQP header: true when the record value was null (a Kafka tombstone) rather than empty. */
export const KAFKA_TOMBSTONE_HEADER = 'x-kafka-tombstone';

/**
 * The basic properties carried as `x-amqp-<name>` record headers, by their index in the property
 * list (AMQP 0-9-1 §4.2.6.1); `headers` (2) and `timestamp` (9) map to record headers and the
 * record timestamp instead, so their slots are empty.
 */
export const PROPERTY_HEADERS: readonly (string | null)[] = [
  'x-amqp-content-type',
  'x-amqp-content-encoding',
  null,
  'x-amqp-delivery-mode',
  'x-amqp-priority',
  'x-amqp-correlation-id',
  'x-amqp-reply-to',
  'x-amqp-expiration',
  'x-amqp-message-id',
  null,
  'x-amqp-type',
  'x-amqp-user-id',
  'x-amqp-app-id',
  'x-amqp-cluster-id',
];

/** What a record header name means to recordToMessage: a property index (0..13) or one of the kinds below. */
export const HeaderRole = { EXCHANGE: 100, ROUTING_KEY: 101, TIMESTAMP: 102, TYPES: 103 } as const;

export const RESERVED_RECORD_HEADERS: ReadonlyMap<string, number> = new Map<string, number>([
  ...PROPERTY_HEADERS.flatMap((name, index) => (name === null ? [] : [[name, index] as [string, number]])),
  [EXCHANGE_HEADER, HeaderRole.EXCHANGE],
  [ROUTING_KEY_HEADER, HeaderRole.ROUTING_KEY],
  [TIMESTAMP_HEADER, HeaderRole.TIMESTAMP],
  [TYPES_HEADER, HeaderRole.TYPES],
]);
