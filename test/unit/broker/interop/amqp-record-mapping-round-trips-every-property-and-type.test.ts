import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBasicProperties, encodeBasicProperties } from '../../../../src/formats/amqp/basic-properties.js';
import type { BasicProperties, FieldTable, FieldValue } from '../../../../src/formats/amqp/field-types.js';
import { buildMessage } from '../../../../src/broker/amqp/message-build.js';
import { messageToRecord, recordToMessage, type MappedRecord } from '../../../../src/broker/interop/amqp-record-mapping.js';
import type { RecordHeader } from '../../../../src/records/index.js';
import { everyTagTable, seededRandom } from '../../formats/amqp/helpers/sample-tables.js';

const NOW = 1_750_000_000_123;

function allProperties(headers: FieldTable): BasicProperties {
  return {
    contentType: 'application/json', contentEncoding: 'gzip', headers, deliveryMode: 2, priority: 7, correlationId: 'corr-1',
    replyTo: 'amq.rabbitmq.reply-to', expiration: '60000', messageId: 'm-1', timestamp: 1_700_000_000, type: 'order.created',
    userId: 'guest', appId: 'shop', clusterId: 'c1',
  };
}

/** message → record → message; returns the record and asserts the message came back byte-identical. */
function roundTrip(exchange: string, routingKey: string, props: BasicProperties, body: Buffer): MappedRecord {
  const message = buildMessage(exchange, routingKey, encodeBasicProperties(props), body);
  const record = messageToRecord(message, NOW);
  const back = recordToMessage(record, record.timestampMs);
  assert.deepEqual(decodeBasicProperties(back.properties), decodeBasicProperties(message.properties));
  assert.ok(back.properties.equals(message.properties), 'property bytes differ');
  assert.equal(back.exchange, exchange);
  assert.equal(back.routingKey, routingKey);
  assert.ok(back.body.equals(body));
  return record;
}

function header(record: { headers: readonly RecordHeader[] }, name: string): string | null | undefined {
  const h = record.headers.find((x) => x.key === name);
  return h === undefined ? undefined : h.value === null ? null : h.value.toString('utf8');
}

function headerList(headers: readonly RecordHeader[]): [string, string | null][] {
  return headers.map((h) => [h.key, h.value === null ? null : h.value.toString('hex')]);
}

describe('AMQP message → Kafka record → AMQP message', () => {
  it('keeps all 14 properties and a table holding every field type', () => {
    const record = roundTrip('orders', 'eu.created', allProperties(everyTagTable()), Buffer.from('{"id":1}'));
    // What a Kafka consumer sees.
    assert.equal(record.key?.toString(), 'eu.created');
    assert.equal(record.value?.toString(), '{"id":1}');
    assert.equal(record.timestampMs, 1_700_000_000_000);
    assert.equal(header(record, 'string'), 'héllo');
    assert.equal(header(record, 'int32'), '-2147483648');
    assert.equal(header(record, 'bool'), 'true');
    assert.equal(header(record, 'double'), '-0.1');
    assert.equal(header(record, 'decimal'), '-123.45');
    assert.equal(header(record, 'timestampBig'), '18446744073709551615');
    assert.equal(header(record, 'void'), null);
    assert.equal(header(record, 'x-amqp-content-type'), 'application/json');
    assert.equal(header(record, 'x-amqp-delivery-mode'), '2');
    assert.equal(header(record, 'x-amqp-priority'), '7');
    assert.equal(header(record, 'x-amqp-exchange'), 'orders');
    assert.equal(header(record, 'x-amqp-timestamp'), undefined, 'the record timestamp says it');
    assert.equal(header(record, 'x-amqp-routing-key'), undefined, 'the key says it');
    assert.equal(header(record, 'x-amqp-types'), 'tbBIuIilllfdDSxATTFVS');
  });

  it('keeps every property on its own, and no properties at all', () => {
    const all = allProperties(new Map([['a', { tag: 'S', value: Buffer.from('b') }]]));
    for (const [name, value] of Object.entries(all)) roundTrip('x', 'k', { [name]: value } as BasicProperties, Buffer.from('v'));
    const record = roundTrip('', '', {}, Buffer.alloc(0));
    assert.equal(record.key, null, 'an empty routing key is no key');
    assert.equal(record.timestampMs, NOW, 'no timestamp property: the publish time');
    assert.equal(header(record, 'x-amqp-timestamp'), '', 'and the record says the property was absent');
    assert.deepEqual(record.headers.map((h) => h.key), ['x-amqp-timestamp']);
  });

  it('keeps each field type alone, with edge values', () => {
    const values: FieldValue[] = [
      ...[...everyTagTable().values()],
      { tag: 'f', value: Number.NaN }, { tag: 'd', value: -0 }, { tag: 'd', value: Number.POSITIVE_INFINITY }, { tag: 'd', value: 5e-324 },
      { tag: 'f', value: Math.fround(0.1) }, { tag: 'D', value: { scale: 0, value: 7 } }, { tag: 'D', value: { scale: 12, value: 5 } },
      { tag: 'D', value: { scale: 3, value: 0 } }, { tag: 'l', value: 2n ** 63n - 1n }, { tag: 'L', value: -(2n ** 40n) }, { tag: 'T', value: 0 },
      { tag: 'A', value: [] }, { tag: 'A', value: [{ tag: 'S', value: Buffer.from('only') }] },
      { tag: 'A', value: [{ tag: 'S', value: Buffer.from('a') }, { tag: 'V', value: null }, { tag: 'S', value: Buffer.alloc(0) }] },
      { tag: 'A', value: [{ tag: 'S', value: Buffer.from('a') }, { tag: 'x', value: Buffer.from('b') }] },
      { tag: 'F', value: new Map() }, { tag: 'x', value: Buffer.alloc(0) }, { tag: 'S', value: Buffer.from([0xff, 0xfe]) },
    ];
    for (const value of values) roundTrip('x', 'k', { headers: new Map([['h', value]]) }, Buffer.from('v'));
  });

  it('sends an array of two or more strings as repeated record headers', () => {
    const strings: FieldValue = { tag: 'A', value: [{ tag: 'S', value: Buffer.from('a') }, { tag: 'S', value: Buffer.from('b') }] };
    const table = new Map<string, FieldValue>([['tag', strings], ['n', { tag: 'S', value: Buffer.from('1') }]]);
    const record = roundTrip('x', 'k', { headers: table, timestamp: 1 }, Buffer.alloc(0));
    assert.deepEqual(record.headers.map((h) => [h.key, h.value?.toString()]), [['tag', 'a'], ['tag', 'b'], ['n', '1'], ['x-amqp-exchange', 'x']]);
  });

  it('keeps an empty headers table, an empty body, and an unrepresentable timestamp', () => {
    roundTrip('x', 'k', { headers: new Map() }, Buffer.alloc(0));
    roundTrip('x', 'k', { timestamp: 2 ** 52 }, Buffer.alloc(0));
    roundTrip('x', 'k', { timestamp: 0 }, Buffer.alloc(0));
  });

  it('takes the key from a header or none, and then carries the routing key in x-amqp-routing-key', () => {
    const props: BasicProperties = { headers: new Map<string, FieldValue>([['customer', { tag: 'S', value: Buffer.from('c-42') }], ['n', { tag: 'I', value: 9 }]]) };
    const message = buildMessage('x', 'rk', encodeBasicProperties(props), Buffer.from('v'));
    for (const [source, key] of [[{ header: 'customer' }, 'c-42'], [{ header: 'n' }, '9'], [{ header: 'missing' }, null], ['none', null]] as const) {
      const record = messageToRecord(message, NOW, source);
      assert.equal(record.key?.toString() ?? null, key);
      assert.equal(header(record, 'x-amqp-routing-key'), 'rk');
      // Back on the AMQP side the routing key is restored and the key is told by x-kafka-key;
      // mapped again, that gives the same record.
      const back = recordToMessage(record, record.timestampMs);
      assert.equal(back.routingKey, 'rk');
      const headers = decodeBasicProperties(back.properties).headers;
      assert.deepEqual(headers?.get('x-kafka-key'), key === null ? { tag: 'V', value: null } : { tag: 'x', value: Buffer.from(key) });
      const again = messageToRecord(buildMessage(back.exchange, back.routingKey, back.properties, back.body), NOW);
      assert.deepEqual(again, record);
    }
  });

  it('keeps random messages built from every tag and property', () => {
    const random = seededRandom(20261123);
    const pool = [...everyTagTable().entries()];
    const all = allProperties(new Map());
    const names = Object.keys(all) as (keyof BasicProperties)[];
    for (let n = 0; n < 300; n++) {
      const props: BasicProperties = {};
      for (const name of names) if (random() < 0.5) Object.assign(props, { [name]: all[name] });
      if (random() < 0.6) {
        const table: FieldTable = new Map();
        for (const [k, v] of pool) if (random() < 0.3) table.set(`${k}${n % 3}`, v);
        props.headers = table;
      }
      const rk = random() < 0.2 ? '' : `k${Math.floor(random() * 1000)}`;
      roundTrip(random() < 0.3 ? '' : 'ex', rk, props, Buffer.from(String(n)));
    }
  });
});

describe('Kafka record → AMQP message → Kafka record', () => {
  function recordTrip(key: Buffer | null, value: Buffer | null, headers: RecordHeader[], timestampMs: number): ReturnType<typeof recordToMessage> {
    const message = recordToMessage({ key, value, headers }, timestampMs);
    // What an AMQP consumer would be handed must parse as basic properties.
    decodeBasicProperties(message.properties);
    const back = messageToRecord(buildMessage(message.exchange, message.routingKey, message.properties, message.body), NOW);
    assert.deepEqual(back.key, key);
    assert.deepEqual(back.value, value);
    assert.deepEqual(headerList(back.headers), headerList(headers));
    assert.equal(back.timestampMs, timestampMs);
    return message;
  }

  it('reads a plain Kafka record as a natural AMQP message', () => {
    const m = recordTrip(Buffer.from('user-7'), Buffer.from('hello'), [{ key: 'trace', value: Buffer.from('abc') }, { key: 'empty', value: null }], 1_700_000_000_000);
    assert.equal(m.routingKey, 'user-7');
    assert.equal(m.exchange, '');
    assert.equal(m.body.toString(), 'hello');
    const props = decodeBasicProperties(m.properties);
    assert.deepEqual(props, {
      timestamp: 1_700_000_000,
      headers: new Map<string, FieldValue>([['trace', { tag: 'S', value: Buffer.from('abc') }], ['empty', { tag: 'V', value: null }]]),
    });
  });

  it('keeps null, empty, binary and long keys, tombstones, and millisecond and negative timestamps', () => {
    recordTrip(null, Buffer.from('v'), [], 1_700_000_000_000);
    recordTrip(Buffer.alloc(0), Buffer.from('v'), [], 1_700_000_000_000);
    recordTrip(Buffer.from([0xff, 0x00, 0xc3]), Buffer.from('v'), [], 1_700_000_000_000);
    recordTrip(Buffer.alloc(300, 0x61), Buffer.from('v'), [], 1_700_000_000_000);
    recordTrip(Buffer.from('k'), null, [], 1_700_000_000_000);
    recordTrip(Buffer.from('k'), Buffer.alloc(0), [], 1_700_000_000_000);
    const ms = recordTrip(Buffer.from('k'), Buffer.from('v'), [], 1_700_000_000_123);
    assert.equal(decodeBasicProperties(ms.properties).timestamp, 1_700_000_000);
    recordTrip(Buffer.from('k'), Buffer.from('v'), [], -1);
    recordTrip(Buffer.from('k'), Buffer.from('v'), [], 0);
  });

  it('keeps repeated header names as an array and in order when they are adjacent', () => {
    const m = recordTrip(Buffer.from('k'), Buffer.from('v'), [{ key: 'a', value: Buffer.from('1') }, { key: 'a', value: null }, { key: 'a', value: Buffer.from('3') }, { key: 'b', value: Buffer.from('2') }], 5000);
    const a = decodeBasicProperties(m.properties).headers?.get('a');
    assert.equal(a?.tag, 'A');
  });

  it('groups interleaved repeats at the first one (documented)', () => {
    const m = recordToMessage({ key: null, value: Buffer.alloc(0), headers: [{ key: 'a', value: Buffer.from('1') }, { key: 'b', value: Buffer.from('2') }, { key: 'a', value: Buffer.from('3') }] }, 1000);
    const back = messageToRecord(buildMessage(m.exchange, m.routingKey, m.properties, m.body), NOW);
    assert.deepEqual(back.headers.map((h) => [h.key, h.value?.toString()]), [['a', '1'], ['a', '3'], ['b', '2']]);
  });

  it('keeps random records', () => {
    const random = seededRandom(7);
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    for (let n = 0; n < 300; n++) {
      const headers: RecordHeader[] = [];
      const count = Math.floor(random() * 5);
      for (let i = 0; i < count; i++) headers.push({ key: `h${i}`, value: random() < 0.1 ? null : bytes(Math.floor(random() * 20)) });
      const key = random() < 0.2 ? null : random() < 0.5 ? Buffer.from(`key-${n}`) : bytes(Math.floor(random() * 10));
      const value = random() < 0.1 ? null : bytes(Math.floor(random() * 50));
      recordTrip(key, value, headers, Math.floor(random() * 2e12) - (random() < 0.05 ? 3e12 : 0));
    }
  });

  it('never throws on reserved headers holding garbage: they stay ordinary headers', () => {
    const m = recordToMessage({
      key: Buffer.from('k'), value: Buffer.from('v'), headers: [
        { key: 'x-amqp-priority', value: Buffer.from('high') }, { key: 'x-amqp-delivery-mode', value: Buffer.from('300') },
        { key: 'x-amqp-content-type', value: Buffer.alloc(300) }, { key: 'x-amqp-timestamp', value: Buffer.from('yesterday') },
        { key: 'x-amqp-types', value: Buffer.from('Iz') },
      ],
    }, 2000);
    const props = decodeBasicProperties(m.properties);
    assert.equal(props.priority, undefined);
    assert.equal(props.timestamp, 2);
    assert.equal(props.headers?.get('x-amqp-priority')?.tag, 'S');
    assert.equal(props.headers?.size, 4, 'types that do not match the header count are ignored');
    const typed = recordToMessage({ key: null, value: null, headers: [{ key: 'n', value: Buffer.from('not a number') }, { key: 'm', value: Buffer.from('12') }, { key: 'x-amqp-types', value: Buffer.from('Iz') }] }, 0);
    const t = decodeBasicProperties(typed.properties).headers;
    assert.equal(t?.get('n')?.tag, 'S', 'a value that does not parse as its type stays a string');
    assert.equal(t?.get('m')?.tag, 'S', 'an unknown type tag leaves a string');
  });
});
