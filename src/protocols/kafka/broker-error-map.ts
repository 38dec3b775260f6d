// The one table from Wharf's protocol-neutral error codes to Kafka error codes (STYLE 8.4). The
// broker and the log throw WharfErrors; handlers turn them into per-partition or per-topic error
// codes here and nowhere else. Log codes are spelled out because protocols/ may not import log/
// (docs/errors.md lists each code).
import { BrokerErrorCode } from '../../broker/broker-errors.js';
import { ProducerErrorCode } from '../../broker/producer-errors.js';
import { ERR_INVALID_CONFIG } from '../../broker/topic-config.js';
import { RecordsErrorCode } from '../../records/records-error.js';
import { isWharfError } from '../../util/wharf-error.js';
import { KafkaErrorCode } from './error-codes.js';

const TABLE: ReadonlyMap<string, number> = new Map<string, number>([
  [BrokerErrorCode.UNKNOWN_TOPIC, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  [BrokerErrorCode.UNKNOWN_PARTITION, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  [BrokerErrorCode.TOPIC_EXISTS, KafkaErrorCode.TOPIC_ALREADY_EXISTS],
  [BrokerErrorCode.INVALID_TOPIC, KafkaErrorCode.INVALID_TOPIC_EXCEPTION],
  [BrokerErrorCode.INVALID_PARTITIONS, KafkaErrorCode.INVALID_PARTITIONS],
  [BrokerErrorCode.MESSAGE_TOO_LARGE, KafkaErrorCode.MESSAGE_TOO_LARGE],
  [ERR_INVALID_CONFIG, KafkaErrorCode.INVALID_CONFIG],
  // The AMQP model's outcomes, for when a Kafka request reaches a queue or exchange (interop).
  [BrokerErrorCode.NOT_FOUND, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  [BrokerErrorCode.PRECONDITION_FAILED, KafkaErrorCode.INVALID_REQUEST],
  [BrokerErrorCode.RESOURCE_LOCKED, KafkaErrorCode.INVALID_REQUEST],
  [BrokerErrorCode.ACCESS_REFUSED, KafkaErrorCode.TOPIC_AUTHORIZATION_FAILED],
  [BrokerErrorCode.NOT_ALLOWED, KafkaErrorCode.INVALID_REQUEST],
  [BrokerErrorCode.INVALID_ARGUMENT, KafkaErrorCode.INVALID_CONFIG],
  [BrokerErrorCode.RESOURCE_ERROR, KafkaErrorCode.POLICY_VIOLATION],
  [BrokerErrorCode.NOT_IMPLEMENTED, KafkaErrorCode.INVALID_REQUEST],
  // Idempotent producers (KIP-98), the codes Kafka's Produce answers for each (§1.7 G16).
  [ProducerErrorCode.OUT_OF_ORDER_SEQUENCE, KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
  [ProducerErrorCode.INVALID_PRODUCER_EPOCH, KafkaErrorCode.INVALID_PRODUCER_EPOCH],
  [ProducerErrorCode.UNKNOWN_PRODUCER_ID, KafkaErrorCode.UNKNOWN_PRODUCER_ID],
  [ProducerErrorCode.INVALID_PRODUCER_BATCH, KafkaErrorCode.INVALID_RECORD],
  [ProducerErrorCode.TRANSACTIONAL_BATCH, KafkaErrorCode.INVALID_TXN_STATE],
  // Log (src/log/log-errors.ts).
  ['WHARF_ERR_CORRUPT_BATCH', KafkaErrorCode.CORRUPT_MESSAGE],
  ['WHARF_ERR_BATCH_TOO_LARGE', KafkaErrorCode.MESSAGE_TOO_LARGE],
  ['WHARF_ERR_OFFSET_OUT_OF_RANGE', KafkaErrorCode.OFFSET_OUT_OF_RANGE],
  // Kafka's answer for a log directory that failed; clients retry and refresh metadata.
  ['WHARF_ERR_LOG_IO', KafkaErrorCode.KAFKA_STORAGE_ERROR],
  // The partition closed under the request (shutdown, topic deleted): retriable, the client
  // refreshes metadata and finds the topic gone or the broker back.
  ['WHARF_ERR_LOG_CLOSED', KafkaErrorCode.NOT_LEADER_OR_FOLLOWER],
  // Records codec (src/records/records-error.ts).
  [RecordsErrorCode.TRUNCATED, KafkaErrorCode.CORRUPT_MESSAGE],
  [RecordsErrorCode.CORRUPT, KafkaErrorCode.CORRUPT_MESSAGE],
  [RecordsErrorCode.CRC, KafkaErrorCode.CORRUPT_MESSAGE],
  [RecordsErrorCode.COMPRESSION, KafkaErrorCode.CORRUPT_MESSAGE],
  [RecordsErrorCode.TOO_LARGE, KafkaErrorCode.MESSAGE_TOO_LARGE],
  [RecordsErrorCode.UNSUPPORTED_MAGIC, KafkaErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT],
]);

export interface MappedError {
  readonly errorCode: number;
  /** Text for the response's error_message where the version has one. */
  readonly message: string;
  /** False for errors with no entry: a Wharf bug or an unexpected failure, worth a log line. */
  readonly expected: boolean;
}

/** The Kafka error code for anything a broker call threw. */
export function kafkaErrorFor(err: unknown): MappedError {
  if (isWharfError(err)) {
    const code = TABLE.get(err.code);
    if (code !== undefined) return { errorCode: code, message: err.message, expected: true };
  }
  return { errorCode: KafkaErrorCode.UNKNOWN_SERVER_ERROR, message: err instanceof Error ? err.message : String(err), expected: false };
}

/** The Wharf codes this table maps, for the test that keeps it in step with docs/errors.md. */
export function mappedWharfCodes(): string[] {
  return [...TABLE.keys()];
}
