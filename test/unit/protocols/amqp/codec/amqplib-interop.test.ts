// Cross-check against amqplib 0.10.9's own generated codec: what Wharf writes amqplib reads, and
// what amqplib writes Wharf reads, for methods, properties and field tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMethod, encodeMethodFrame } from '../../../../../src/protocols/amqp/codec/method-codec.js';
import { METHOD_SPECS, type MethodName } from '../../../../../src/protocols/amqp/codec/method-spec.js';
import type { AmqpMethod } from '../../../../../src/protocols/amqp/codec/method-types.js';
import { decodeContentHeader, encodeDelivery } from '../../../../../src/protocols/amqp/codec/content-frames.js';
import { FrameReader } from '../../../../../src/protocols/amqp/codec/frame-reader.js';
import { decodeBasicProperties, encodeBasicProperties } from '../../../../../src/formats/amqp/basic-properties.js';
import { decodeFieldTable, encodeFieldTable, tableFromPlain, tablesEqual } from '../../../../../src/formats/amqp/field-table.js';
import type { FieldTable, FieldValue } from '../../../../../src/formats/amqp/field-types.js';
import { amqplibCodec, amqplibDefs, amqplibEncodeTable, type AmqplibFields } from './helpers/amqplib.js';
import { SAMPLE_METHODS } from './helpers/sample-methods.js';

const id = (name: MethodName) => METHOD_SPECS[name].classId * 65536 + METHOD_SPECS[name].methodId;

/** Wharf's value as amqplib represents it (tables as plain objects, text longstrs as Buffers, nowait). */
function toAmqplib(method: AmqpMethod): AmqplibFields {
  const out: AmqplibFields = {};
  for (const [key, v] of Object.entries(method)) {
    if (key === 'name') continue;
    const spec = METHOD_SPECS[method.name].args.find((a) => a.name === key);
    const name = key === 'noWait' ? 'nowait' : key;
    out[name] = v instanceof Map ? tableToAmqplib(v as FieldTable) : spec?.type === 'text' ? Buffer.from(v as string) : v;
  }
  return out;
}

function valueToAmqplib(v: FieldValue): unknown {
  switch (v.tag) {
    case 'S': return v.value.toString('utf8');
    case 'A': return v.value.map(valueToAmqplib);
    case 'F': return tableToAmqplib(v.value);
    case 'l': case 'L': return Number(v.value);
    case 'T': return { '!': 'timestamp', value: Number(v.value) };
    case 'D': return { '!': 'decimal', value: { places: v.value.scale, digits: v.value.value } };
    default: return v.value;
  }
}

function tableToAmqplib(t: FieldTable): AmqplibFields {
  const out: AmqplibFields = {};
  for (const [k, v] of t) out[k] = valueToAmqplib(v);
  return out;
}

describe('amqplib 0.10.9 interop', () => {
  for (const method of Object.values(SAMPLE_METHODS) as AmqpMethod[]) {
    it(`${method.name}: Wharf → amqplib and amqplib → Wharf`, () => {
      const ours = encodeMethodFrame(9, method);
      const decoded = amqplibDefs.decode(id(method.name), ours.subarray(11, -1));
      const expected = toAmqplib(method);
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(decoded[k], v, `${method.name}.${k}`);
      const theirs = amqplibDefs.encodeMethod(id(method.name), 9, expected);
      const read = decodeMethod(theirs.subarray(7, -1)) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(method)) {
        // amqplib picks integer tags by magnitude ('b' for 1), so tables are compared by meaning.
        if (v instanceof Map) assert.ok(tablesEqual(read[k] as FieldTable, v as FieldTable), `${method.name}.${k}`);
        else assert.deepEqual(read[k], v, `${method.name}.${k}`);
      }
      // Byte-identical except where amqplib picks other integer tags for table values.
      if (!Object.values(method).some((v) => v instanceof Map)) assert.deepEqual(ours, theirs);
    });
  }

  it('basic properties both ways, all 14 and none', () => {
    const full = {
      contentType: 'application/json', contentEncoding: 'gzip', headers: tableFromPlain({ s: 'x', n: 70000, b: true, a: ['y'], v: null }),
      deliveryMode: 2, priority: 3, correlationId: 'c', replyTo: 'r', expiration: '1000', messageId: 'm', timestamp: 1700000000, type: 't', userId: 'u', appId: 'a', clusterId: 'cl',
    };
    const ours = encodeBasicProperties(full);
    const decoded = amqplibDefs.decode(60, ours);
    assert.deepEqual({ ...decoded, headers: undefined }, { ...full, headers: undefined });
    assert.deepEqual(decoded.headers, { s: 'x', n: 70000, b: true, a: ['y'], v: null });
    const theirs = amqplibDefs.encodeProperties(60, 1, 5, { ...full, headers: { s: 'x', n: 70000, b: true, a: ['y'], v: null } });
    assert.deepEqual(decodeBasicProperties(decodeContentHeader(theirs.subarray(7, -1)).properties), full);
    assert.deepEqual(decodeBasicProperties(decodeContentHeader(amqplibDefs.encodeProperties(60, 1, 0, {}).subarray(7, -1)).properties), {});
  });

  it('a delivery amqplib can parse frame by frame', () => {
    const body = Buffer.alloc(20_000, 9);
    const out = encodeDelivery(1, 'ctag', 5, false, 'ex', 'rk', encodeBasicProperties({ deliveryMode: 2 }), body, 4096);
    const reader = new FrameReader(4096);
    for (const part of Array.isArray(out) ? out : [out]) reader.push(part);
    const [method, header, ...bodies] = [...reader.frames()];
    assert.ok(method && header);
    assert.deepEqual(amqplibDefs.decode(id('basic.deliver'), method.payload.subarray(4)), { consumerTag: 'ctag', deliveryTag: 5, redelivered: false, exchange: 'ex', routingKey: 'rk' });
    assert.deepEqual(amqplibDefs.decode(60, header.payload.subarray(12)).deliveryMode, 2);
    assert.deepEqual(Buffer.concat(bodies.map((f) => f.payload)), body);
  });

  it('field tables: every type amqplib writes, Wharf reads; every table Wharf writes, amqplib reads (L and s never written)', () => {
    const plain = {
      str: 'héllo', int8: 5, int16: 300, int32: 70000, int64: 2 ** 40, neg: -2, dbl: 1.5, bool: false, nul: null, buf: Buffer.from([1, 2]),
      arr: [1, 'a', [true]], obj: { deep: { er: 'x' } },
      ts: { '!': 'timestamp', value: 1700000000 }, f32: { '!': 'float', value: 0.5 }, u8: { '!': 'uint8', value: 200 }, u16: { '!': 'uint16', value: 60000 },
      u32: { '!': 'uint32', value: 4000000000 }, dec: { '!': 'decimal', value: { places: 2, digits: 12345 } },
    };
    const theirs = amqplibEncodeTable(plain);
    const ours = decodeFieldTable(theirs);
    assert.deepEqual([...ours].map(([k, v]) => `${k}:${v.tag}`), ['str:S', 'int8:b', 'int16:s', 'int32:I', 'int64:l', 'neg:b', 'dbl:d', 'bool:t', 'nul:V', 'buf:x',
      'arr:A', 'obj:F', 'ts:T', 'f32:f', 'u8:B', 'u16:u', 'u32:i', 'dec:D']);
    const back = encodeFieldTable(ours);
    assert.ok(!back.includes(Buffer.from([0x03, 0x69, 0x6e, 0x74, 0x31, 0x36, 0x73])), "'s' is widened");
    const reread = amqplibCodec.decodeFields(back.subarray(4));
    assert.deepEqual(reread, { ...amqplibCodec.decodeFields(theirs.subarray(4)) });
  });

  it("a table with 'L' (py-amqp) re-encodes to something amqplib can read", () => {
    const fromPyAmqp = Buffer.from([0, 0, 0, 11, 1, 0x6e, 0x4c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
    assert.throws(() => amqplibCodec.decodeFields(fromPyAmqp.subarray(4)), /Unexpected type tag/);
    const normalised = encodeFieldTable(decodeFieldTable(fromPyAmqp));
    assert.deepEqual(amqplibCodec.decodeFields(normalised.subarray(4)), { n: -2 });
  });
});
