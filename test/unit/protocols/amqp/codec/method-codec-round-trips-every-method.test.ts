import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMethod, encodeMethodFrame, encodeMethodPayload } from '../../../../../src/protocols/amqp/codec/method-codec.js';
import { METHOD_SPECS, type MethodName } from '../../../../../src/protocols/amqp/codec/method-spec.js';
import type { AmqpMethod } from '../../../../../src/protocols/amqp/codec/method-types.js';
import { AmqpFormatError } from '../../../../../src/formats/amqp/amqp-format-error.js';
import { isWharfError } from '../../../../../src/util/wharf-error.js';
import { seededRandom } from '../../../formats/amqp/helpers/sample-tables.js';
import { SAMPLE_METHODS } from './helpers/sample-methods.js';

const samples = Object.values(SAMPLE_METHODS) as AmqpMethod[];
const malformed = (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED');

describe('method codec', () => {
  it('covers the 64 methods of connection, channel, exchange, queue, basic, confirm and tx', () => {
    assert.equal(Object.keys(METHOD_SPECS).length, 64);
    assert.equal(samples.length, 64);
  });

  for (const method of samples) {
    it(`round-trips ${method.name}`, () => {
      const frame = encodeMethodFrame(5, method);
      assert.equal(frame[0], 1, 'method frame type');
      assert.equal(frame.readUInt16BE(1), 5, 'channel');
      assert.equal(frame.readUInt32BE(3), frame.length - 8, 'payload size');
      assert.equal(frame[frame.length - 1], 0xce, 'frame end');
      const spec = METHOD_SPECS[method.name as MethodName];
      assert.equal(frame.readUInt16BE(7), spec.classId);
      assert.equal(frame.readUInt16BE(9), spec.methodId);
      assert.deepEqual(decodeMethod(encodeMethodPayload(method)), method);
    });
  }

  it('packs consecutive bits into one octet, first bit lowest', () => {
    const m = SAMPLE_METHODS['exchange.declare'];
    const payload = encodeMethodPayload({ ...m, passive: true, durable: false, autoDelete: true, internal: false, noWait: true, arguments: new Map() });
    // class, method, ticket, "ex", "topic", bits, empty table
    assert.equal(payload[4 + 2 + 3 + 6], 0b10101);
    const nack = encodeMethodPayload({ name: 'basic.nack', deliveryTag: 1, multiple: false, requeue: true });
    assert.equal(nack[12], 0b10);
  });

  it('throws MALFORMED, with the class and method, for every truncation of every method', () => {
    for (const method of samples) {
      const payload = encodeMethodPayload(method);
      for (let end = 0; end < payload.length; end++) {
        assert.throws(() => decodeMethod(payload.subarray(0, end)), (e: unknown) => {
          if (!malformed(e)) return false;
          return end < 4 || ((e as AmqpFormatError).classId === payload.readUInt16BE(0) && (e as AmqpFormatError).replyCode === 501);
        }, `${method.name} cut at ${end}`);
      }
      assert.throws(() => decodeMethod(Buffer.concat([payload, Buffer.from([0])])), malformed, `${method.name} with a trailing byte`);
    }
  });

  it('throws UNKNOWN_METHOD with 540 NOT_IMPLEMENTED and the ids for an unknown class or method', () => {
    for (const [classId, methodId] of [[60, 999], [30, 10], [0, 0], [40, 41]] as const) {
      const payload = Buffer.from([classId >> 8, classId & 255, methodId >> 8, methodId & 255]);
      assert.throws(() => decodeMethod(payload), (e: unknown) => e instanceof AmqpFormatError && e.code === 'WHARF_ERR_AMQP_UNKNOWN_METHOD'
        && e.replyCode === 540 && e.classId === classId && e.methodId === methodId);
    }
  });

  it('refuses arguments the wire cannot carry with UNENCODABLE', () => {
    const bad: AmqpMethod[] = [
      { name: 'queue.declare-ok', queue: 'q'.repeat(256), messageCount: 0, consumerCount: 0 },
      { name: 'connection.tune', channelMax: 65536, frameMax: 0, heartbeat: 0 },
      { name: 'basic.ack', deliveryTag: -1, multiple: false },
      { name: 'basic.ack', deliveryTag: 2 ** 53, multiple: false },
      { name: 'queue.purge-ok', messageCount: 1.5 },
      { name: 'basic.consume-ok' } as unknown as AmqpMethod,
    ];
    for (const m of bad) assert.throws(() => encodeMethodFrame(1, m), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE'), m.name);
  });

  it('survives seeded byte flips of every method with only typed errors (seed printed on failure)', () => {
    const payloads = samples.map(encodeMethodPayload);
    for (let seed = 1; seed <= 5000; seed++) {
      const rnd = seededRandom(seed);
      const original = payloads[seed % payloads.length] as Buffer;
      const buf = Buffer.from(original);
      // Keep the ids most of the time so the argument decoders get exercised.
      const from = rnd() < 0.9 ? Math.min(4, buf.length - 1) : 0;
      for (let i = 0, n = 1 + Math.floor(rnd() * 3); i < n; i++) buf[from + Math.floor(rnd() * (buf.length - from))] = Math.floor(rnd() * 256);
      let m: AmqpMethod;
      try {
        m = decodeMethod(buf);
      } catch (e) {
        assert.ok(e instanceof AmqpFormatError && e.code !== 'WHARF_ERR_AMQP_UNENCODABLE', `seed ${seed}: ${String(e)}`);
        continue;
      }
      // What decodes re-encodes, unless decoding had to round (a tag above 2^53, invalid UTF-8 grown past 255 bytes).
      try {
        assert.deepEqual(decodeMethod(encodeMethodPayload(m)), m, `seed ${seed}: a decoded method re-encodes`);
      } catch (e) {
        assert.ok(isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE') || e instanceof assert.AssertionError, `seed ${seed}: ${String(e)}`);
        if (e instanceof assert.AssertionError && !containsReplacement(m)) throw e;
      }
    }
  });
});

/** True when a decoded string anywhere in the value holds U+FFFD (bytes that were not UTF-8). */
function containsReplacement(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\uFFFD');
  if (v instanceof Map) return [...v].some(([k, x]) => containsReplacement(k) || containsReplacement(x));
  if (Array.isArray(v)) return v.some(containsReplacement);
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) return Object.values(v).some(containsReplacement);
  return false;
}
