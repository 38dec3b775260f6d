import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { KAFKA_ERRORS, KafkaErrorCode, kafkaError } from '../../../../src/protocols/kafka/error-codes.js';

const require = createRequire(import.meta.url);
const { errorCodes: kjsErrors } = require('kafkajs/src/protocol/error.js') as { errorCodes: { code: number; type: string; retriable: boolean }[] };

test('the codes Wharf relies on have Kafka\'s numbers', () => {
  const expected: Record<string, number> = {
    UNKNOWN_SERVER_ERROR: -1, NONE: 0, OFFSET_OUT_OF_RANGE: 1, CORRUPT_MESSAGE: 2, UNKNOWN_TOPIC_OR_PARTITION: 3,
    INVALID_FETCH_SIZE: 4, LEADER_NOT_AVAILABLE: 5, NOT_LEADER_OR_FOLLOWER: 6, REQUEST_TIMED_OUT: 7, MESSAGE_TOO_LARGE: 10,
    COORDINATOR_LOAD_IN_PROGRESS: 14, COORDINATOR_NOT_AVAILABLE: 15, NOT_COORDINATOR: 16, INVALID_TOPIC_EXCEPTION: 17,
    RECORD_LIST_TOO_LARGE: 18, ILLEGAL_GENERATION: 22, INCONSISTENT_GROUP_PROTOCOL: 23, UNKNOWN_MEMBER_ID: 25,
    REBALANCE_IN_PROGRESS: 27, UNSUPPORTED_VERSION: 35, TOPIC_ALREADY_EXISTS: 36, INVALID_PARTITIONS: 37,
    INVALID_REPLICATION_FACTOR: 38, INVALID_CONFIG: 40, INVALID_REQUEST: 42, POLICY_VIOLATION: 44,
    OUT_OF_ORDER_SEQUENCE_NUMBER: 45, DUPLICATE_SEQUENCE_NUMBER: 46, INVALID_PRODUCER_EPOCH: 47, UNKNOWN_PRODUCER_ID: 59,
    MEMBER_ID_REQUIRED: 79, FENCED_INSTANCE_ID: 82, PRODUCER_FENCED: 90,
  };
  for (const [name, code] of Object.entries(expected)) {
    assert.equal((KafkaErrorCode as Record<string, number>)[name], code, name);
    assert.equal(kafkaError(code)?.name, name);
  }
  assert.equal(kafkaError(99), undefined, 'never assigned');
  assert.equal(kafkaError(12345), undefined);
});

test('codes and names are unique and cover -1..120', () => {
  assert.equal(new Set(KAFKA_ERRORS.map((e) => e.code)).size, KAFKA_ERRORS.length);
  assert.equal(new Set(KAFKA_ERRORS.map((e) => e.name)).size, KAFKA_ERRORS.length);
  for (let code = -1; code <= 120; code++) if (code !== 99) assert.ok(kafkaError(code), `code ${code}`);
});

test('agrees with kafkajs on every code both know, including retriable', () => {
  // kafkajs keeps some pre-KIP names; Kafka renamed them.
  const renamed: Record<string, string> = {
    UNKNOWN: 'UNKNOWN_SERVER_ERROR',
    NOT_LEADER_FOR_PARTITION: 'NOT_LEADER_OR_FOLLOWER',
    GROUP_LOAD_IN_PROGRESS: 'COORDINATOR_LOAD_IN_PROGRESS',
    GROUP_COORDINATOR_NOT_AVAILABLE: 'COORDINATOR_NOT_AVAILABLE',
    NOT_COORDINATOR_FOR_GROUP: 'NOT_COORDINATOR',
  };
  assert.ok(kjsErrors.length > 80);
  for (const k of kjsErrors) {
    const ours = kafkaError(k.code);
    assert.ok(ours, `kafkajs code ${k.code}`);
    assert.equal(ours.name, renamed[k.type] ?? k.type, `code ${k.code}`);
    assert.equal(ours.retriable, k.retriable, `${ours.name} retriable`);
  }
});
