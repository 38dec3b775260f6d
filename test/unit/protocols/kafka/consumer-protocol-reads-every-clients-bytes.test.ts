// The consumer protocol's subscription and assignment bytes (ConsumerProtocol*.json): written and
// read at each version, read from kafkajs's own encoder, newer versions read with the fields this
// codec knows (as Kafka's ConsumerProtocol does), and bad bytes refused with KafkaCodecError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { KafkaCodecError } from '../../../../src/protocols/kafka/codec/codec-error.js';
import {
  decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment, encodeConsumerSubscription,
} from '../../../../src/protocols/kafka/schema/consumer-protocol.js';

const require = createRequire(import.meta.url);
interface KjsAssignerProtocol {
  MemberAssignment: { encode(a: { version: number; assignment: Record<string, number[]>; userData: Buffer }): Buffer };
  MemberMetadata: { encode(m: { version: number; topics: string[]; userData: Buffer }): Buffer };
}
const kjs = (require('kafkajs') as { AssignerProtocol: KjsAssignerProtocol }).AssignerProtocol;

test('subscriptions round-trip at v0-v3; v0 leaves out owned partitions, the generation and the rack', () => {
  const owned = [{ topic: 'orders', partitions: [1, 3] }];
  const v0 = encodeConsumerSubscription(0, { topics: ['orders', 'refunds'], ownedPartitions: owned, generationId: 7, rackId: 'r1' });
  assert.deepEqual(decodeConsumerSubscription(v0), { version: 0, topics: ['orders', 'refunds'], userData: null, ownedPartitions: [], generationId: -1, rackId: null });
  const v3 = encodeConsumerSubscription(3, { topics: ['orders'], userData: Buffer.from('u'), ownedPartitions: owned, generationId: 7, rackId: 'r1' });
  assert.deepEqual(decodeConsumerSubscription(v3), { version: 3, topics: ['orders'], userData: Buffer.from('u'), ownedPartitions: owned, generationId: 7, rackId: 'r1' });
});

test('assignments round-trip; empty bytes are no partitions', () => {
  const bytes = encodeConsumerAssignment(1, { assignedPartitions: [{ topic: 'orders', partitions: [0, 2] }], userData: null });
  assert.deepEqual(decodeConsumerAssignment(bytes), { version: 1, assignedPartitions: [{ topic: 'orders', partitions: [0, 2] }], userData: null });
  assert.deepEqual(decodeConsumerAssignment(Buffer.alloc(0)), { version: 0, assignedPartitions: [], userData: null });
});

test('kafkajs\'s MemberMetadata and MemberAssignment bytes decode', () => {
  assert.deepEqual(decodeConsumerSubscription(kjs.MemberMetadata.encode({ version: 0, topics: ['orders'], userData: Buffer.alloc(0) })).topics, ['orders']);
  const assignment = kjs.MemberAssignment.encode({ version: 0, assignment: { orders: [0, 1], refunds: [3] }, userData: Buffer.alloc(0) });
  assert.deepEqual(decodeConsumerAssignment(assignment).assignedPartitions, [{ topic: 'orders', partitions: [0, 1] }, { topic: 'refunds', partitions: [3] }]);
});

test('a newer version is read with the known fields; truncated or lying bytes are refused', () => {
  const v2 = encodeConsumerSubscription(2, { topics: ['orders'], ownedPartitions: [], generationId: 4 });
  const v4 = Buffer.concat([encodeConsumerSubscription(3, { topics: ['orders'], ownedPartitions: [], generationId: 4, rackId: 'r1' }), Buffer.from([1, 2, 3])]);
  v4.writeInt16BE(4, 0);
  assert.deepEqual(decodeConsumerSubscription(v4), { version: 4, topics: ['orders'], userData: null, ownedPartitions: [], generationId: 4, rackId: 'r1' });
  for (let cut = 0; cut < v2.length; cut++) assert.throws(() => decodeConsumerSubscription(v2.subarray(0, cut)), KafkaCodecError, `cut at ${cut}`);
  const lying = Buffer.from(v2);
  lying.writeInt32BE(1_000_000, 2);
  assert.throws(() => decodeConsumerSubscription(lying), KafkaCodecError);
  const negative = Buffer.from(v2);
  negative.writeInt16BE(-1, 0);
  assert.throws(() => decodeConsumerSubscription(negative), KafkaCodecError);
});
