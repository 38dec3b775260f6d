// The declare and consume arguments of stream queues, with RabbitMQ's rules and texts, and the
// x-stream-offset header spliced into delivered properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgeMs, parseStreamDeclare } from '../../../../src/broker/amqp/stream-arguments.js';
import { withStreamOffset } from '../../../../src/broker/amqp/stream-delivery.js';
import { parseStreamOffset } from '../../../../src/broker/amqp/stream-offset.js';
import { decodeBasicProperties, encodeBasicProperties } from '../../../../src/formats/amqp/basic-properties.js';
import type { FieldTable, FieldValue } from '../../../../src/formats/amqp/field-types.js';
import { streamDeclare, StreamWorld } from './stream-fixtures.js';

const DURABLE = { durable: true, exclusive: false, autoDelete: false };
const text = (s: string): FieldValue => ({ tag: 'S', value: Buffer.from(s) });
const table = (entries: Array<[string, FieldValue]>): FieldTable => new Map(entries);

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => (err as { code?: string }).code === 'WHARF_ERR_PRECONDITION_FAILED' && pattern.test((err as Error).message));
}

test('a stream is durable, not exclusive and not auto-delete: RabbitMQ texts, in its order', async () => {
  refused(() => parseStreamDeclare(new Map(), { durable: true, exclusive: true, autoDelete: true }, '/', 's'), /^invalid property 'auto-delete' for queue 's' in vhost '\/'/);
  refused(() => parseStreamDeclare(new Map(), { durable: true, exclusive: true, autoDelete: false }, '/', 's'), /^invalid property 'exclusive-owner' for queue 's'/);
  refused(() => parseStreamDeclare(new Map(), { durable: false, exclusive: false, autoDelete: false }, '/', 's'), /^invalid property 'non-durable' for queue 's'/);
  const w = await StreamWorld.open();
  await assert.rejects(w.vhost().declareQueue(streamDeclare('s', new Map(), { durable: false })), /invalid property 'non-durable'/);
  await assert.rejects(w.vhost().declareQueue(streamDeclare('s', new Map(), { exclusive: true })), /invalid property 'exclusive-owner'/);
  assert.deepEqual(w.vhost().listQueues(), []);
  assert.equal(w.topics.get('s'), undefined, 'a refused declare creates no topic');
  await w.close();
});

test('retention arguments are read; classic-only arguments are refused; unknown ones ignored', () => {
  const a = parseStreamDeclare(table([['x-max-age', text('12h')], ['x-max-length-bytes', { tag: 'I', value: 1000 }], ['x-stream-max-segment-size-bytes', { tag: 'l', value: 2048 }], ['x-vendor', text('y')]]), DURABLE, '/', 's');
  assert.deepEqual(a, { queueType: 'stream', maxAgeMs: 12 * 3600_000, maxLengthBytes: 1000, segmentBytes: 2048 });
  refused(() => parseStreamDeclare(table([['x-message-ttl', { tag: 'I', value: 10 }]]), DURABLE, '/', 's'), /^invalid arg 'x-message-ttl' for queue 's' in vhost '\/' of queue type stream/);
  refused(() => parseStreamDeclare(table([['x-max-length', { tag: 'I', value: 10 }]]), DURABLE, '/', 's'), /'x-max-length'/);
  refused(() => parseStreamDeclare(table([['x-dead-letter-exchange', text('dlx')]]), DURABLE, '/', 's'), /'x-dead-letter-exchange'/);
  refused(() => parseStreamDeclare(table([['x-max-age', text('7 days')]]), DURABLE, '/', 's'), /invalid arg 'x-max-age'.*invalid_max_age/);
  refused(() => parseStreamDeclare(table([['x-max-age', { tag: 'I', value: 7 }]]), DURABLE, '/', 's'), /unacceptable_type/);
  refused(() => parseStreamDeclare(table([['x-stream-max-segment-size-bytes', { tag: 'l', value: 3_000_000_001 }]]), DURABLE, '/', 's'), /Exceeded max value for x-stream-max-segment-size-bytes/);
  refused(() => parseStreamDeclare(table([['x-stream-max-segment-size-bytes', { tag: 'l', value: 100 }]]), DURABLE, '/', 's'), /outside the segment sizes/);
  assert.equal(parseAgeMs('1Y'), 365 * 24 * 3600_000);
  assert.equal(parseAgeMs('2M'), 60 * 24 * 3600_000);
  assert.equal(parseAgeMs('30m'), 30 * 60_000);
  assert.equal(parseAgeMs('0s'), -1);
  assert.equal(parseAgeMs('5'), -1);
});

test('x-stream-offset: first, last, next, offsets, timestamps in seconds and intervals', () => {
  const where = "queue 's' in vhost '/'";
  const now = 1_700_000_000_000;
  assert.deepEqual(parseStreamOffset(undefined, now, where), { kind: 'next' });
  assert.deepEqual(parseStreamOffset(text('first'), now, where), { kind: 'first' });
  assert.deepEqual(parseStreamOffset(text('last'), now, where), { kind: 'last' });
  assert.deepEqual(parseStreamOffset({ tag: 'x', value: Buffer.from('next') }, now, where), { kind: 'next' });
  assert.deepEqual(parseStreamOffset({ tag: 'b', value: 42 }, now, where), { kind: 'offset', offset: 42 });
  assert.deepEqual(parseStreamOffset({ tag: 'l', value: 42n ** 3n }, now, where), { kind: 'offset', offset: 74088 });
  assert.deepEqual(parseStreamOffset({ tag: 'T', value: 1_600_000_000 }, now, where), { kind: 'timestamp', timestampMs: 1_600_000_000_000 });
  assert.deepEqual(parseStreamOffset(text('1h'), now, where), { kind: 'timestamp', timestampMs: now - 3600_000 });
  for (const bad of [text('yesterday'), { tag: 'I', value: -1 } as FieldValue, { tag: 'd', value: 1.5 } as FieldValue, { tag: 't', value: true } as FieldValue]) {
    assert.throws(() => parseStreamOffset(bad, now, where), (err: unknown) => (err as { code?: string }).code === 'WHARF_ERR_PRECONDITION_FAILED' && /^failed consuming from stream queue 's' in vhost '\/': \{invalid_offset_arg/.test((err as Error).message));
  }
});

test('x-stream-offset is appended to the headers table as a long, whatever properties come before it', () => {
  const cases = [
    {},
    { contentType: 'text/plain', contentEncoding: 'gzip', deliveryMode: 2, messageId: 'id-1' },
    { contentType: 'application/json', headers: new Map<string, FieldValue>([['a', text('b')], ['n', { tag: 'I', value: 7 }]]), timestamp: 1_700_000_000, appId: 'app' },
  ];
  for (const props of cases) {
    const out = decodeBasicProperties(withStreamOffset(encodeBasicProperties(props), 2 ** 40 + 3));
    const { headers, ...rest } = out;
    const { headers: before, ...restBefore } = props as { headers?: FieldTable };
    assert.deepEqual(rest, restBefore, 'the other properties keep their values');
    const want = new Map(before ?? []);
    want.set('x-stream-offset', { tag: 'l', value: 2 ** 40 + 3 });
    assert.deepEqual(headers, want);
  }
});
