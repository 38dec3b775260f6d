// The one table from Wharf error codes to Kafka error codes (broker-error-map.ts): every
// protocol-neutral broker outcome has a Kafka code, and anything unknown is UNKNOWN_SERVER_ERROR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerErrorCode, brokerError } from '../../../../src/broker/broker-errors.js';
import { kafkaErrorFor, mappedWharfCodes } from '../../../../src/protocols/kafka/broker-error-map.js';
import { KafkaErrorCode } from '../../../../src/protocols/kafka/error-codes.js';
import { WharfError } from '../../../../src/util/wharf-error.js';

test('every broker error code maps to a Kafka error code', () => {
  const mapped = new Set(mappedWharfCodes());
  for (const code of Object.values(BrokerErrorCode)) assert.ok(mapped.has(code), `${code} is mapped`);
  assert.equal(kafkaErrorFor(brokerError(BrokerErrorCode.UNKNOWN_PARTITION, 'x')).errorCode, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal(kafkaErrorFor(new WharfError('WHARF_ERR_LOG_IO', 'disk')).errorCode, KafkaErrorCode.KAFKA_STORAGE_ERROR);
  assert.equal(kafkaErrorFor(new WharfError('WHARF_ERR_CORRUPT_BATCH', 'crc')).errorCode, KafkaErrorCode.CORRUPT_MESSAGE);
});

test('an unmapped failure is UNKNOWN_SERVER_ERROR and flagged as unexpected', () => {
  const plain = kafkaErrorFor(new Error('boom'));
  assert.deepEqual([plain.errorCode, plain.expected, plain.message], [KafkaErrorCode.UNKNOWN_SERVER_ERROR, false, 'boom']);
  assert.equal(kafkaErrorFor(new WharfError('WHARF_ERR_SOMETHING_NEW', 'x')).expected, false);
});
