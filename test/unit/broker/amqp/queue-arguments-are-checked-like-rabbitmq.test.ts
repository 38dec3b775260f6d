import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { tableFromPlain } from '../../../../src/formats/amqp/field-table.js';
import type { FieldTable } from '../../../../src/formats/amqp/field-types.js';
import { Queue } from '../../../../src/broker/amqp/queue.js';
import { isWharfError } from '../../../../src/util/wharf-error.js';

const refused = (args: FieldTable, pattern: RegExp): void => {
  assert.throws(() => Queue.parseArguments(args, '/', 'q'), (e) => isWharfError(e, 'WHARF_ERR_PRECONDITION_FAILED') && pattern.test(e.message));
};

test('every known argument is read', () => {
  const a = Queue.parseArguments(tableFromPlain({
    'x-message-ttl': 300000, 'x-expires': 10000, 'x-max-length': 10, 'x-max-length-bytes': 1000, 'x-overflow': 'reject-publish',
    'x-dead-letter-exchange': 'dlx', 'x-dead-letter-routing-key': 'dead', 'x-max-priority': 10, 'x-single-active-consumer': true,
    'x-queue-type': 'classic', 'x-unknown-vendor-thing': 'ignored',
  }));
  assert.deepEqual(a, {
    messageTtlMs: 300000, expiresMs: 10000, maxLength: 10, maxLengthBytes: 1000, overflow: 'reject-publish',
    deadLetterExchange: 'dlx', deadLetterRoutingKey: 'dead', maxPriority: 10, singleActiveConsumer: true, queueType: 'classic',
  });
});

test('integers of any width are accepted (clients pick the tag by magnitude)', () => {
  for (const tag of ['b', 's', 'I', 'l'] as const) {
    assert.equal(Queue.parseArguments(new Map([['x-expires', { tag, value: 100 }]])).expiresMs, 100);
  }
  assert.equal(Queue.parseArguments(new Map([['x-message-ttl', { tag: 'l', value: 5n }]])).messageTtlMs, 5);
});

test('wrong types and values are refused with the argument, queue and vhost named', () => {
  refused(tableFromPlain({ 'x-expires': 0 }), /invalid arg 'x-expires' for queue 'q' in vhost '\/': \{value_zero,0\}/);
  refused(tableFromPlain({ 'x-message-ttl': -1 }), /x-message-ttl.*value_negative/);
  refused(tableFromPlain({ 'x-message-ttl': '1000' }), /x-message-ttl.*unacceptable_type,longstr/);
  refused(new Map([['x-max-length', { tag: 'd', value: 1.5 }]]), /x-max-length.*unacceptable_type,double/);
  refused(tableFromPlain({ 'x-overflow': 'drop-tail' }), /x-overflow/);
  refused(tableFromPlain({ 'x-max-priority': 256 }), /x-max-priority.*value_too_large/);
  refused(tableFromPlain({ 'x-single-active-consumer': 'yes' }), /x-single-active-consumer/);
  refused(tableFromPlain({ 'x-dead-letter-exchange': 5 }), /x-dead-letter-exchange/);
  refused(tableFromPlain({ 'x-queue-type': 'lazy' }), /x-queue-type/);
});

test('a dead-letter routing key needs a dead-letter exchange', () => {
  refused(tableFromPlain({ 'x-dead-letter-routing-key': 'k' }), /x-dead-letter-routing-key.*requires x-dead-letter-exchange/);
});

test('quorum is accepted (run as classic); stream is reported to the caller', () => {
  assert.equal(Queue.parseArguments(tableFromPlain({ 'x-queue-type': 'quorum' })).queueType, 'quorum');
  assert.equal(Queue.parseArguments(tableFromPlain({ 'x-queue-type': 'stream' })).queueType, 'stream');
});
