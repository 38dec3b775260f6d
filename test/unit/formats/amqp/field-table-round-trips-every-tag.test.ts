import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeFieldTable, encodeFieldTable, fieldTableSize, FIELD_TABLE_DEPTH_MAX, writeFieldTable,
} from '../../../../src/formats/amqp/field-table.js';
import { isWharfError } from '../../../../src/util/wharf-error.js';
import type { FieldTable, FieldValue } from '../../../../src/formats/amqp/field-types.js';
import { everyTagTable, everyTagTableNormalised } from './helpers/sample-tables.js';

const table = (entries: [string, FieldValue][]): FieldTable => new Map(entries);

describe('field table codec', () => {
  it('round-trips a value of every tag, normalising only L → l and s → I', () => {
    const bytes = encodeFieldTable(everyTagTable());
    assert.deepEqual(decodeFieldTable(bytes), everyTagTableNormalised());
    // A second pass is stable: normalised tables re-encode to the same bytes.
    assert.deepEqual(encodeFieldTable(decodeFieldTable(bytes)), bytes);
  });

  it('keeps every tag it reads, including L and s, so re-encoding is the only normalisation point', () => {
    const bytes = Buffer.concat([
      Buffer.from([0, 0, 0, 16]),
      Buffer.from([1, 0x61, 0x4c]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb]),
      Buffer.from([1, 0x62, 0x73, 0xff, 0xfe]),
    ]);
    // 'L' is signed 64-bit, as RabbitMQ and py-amqp read and write it: -5, not 2^64 - 5.
    assert.deepEqual(decodeFieldTable(bytes), table([['a', { tag: 'L', value: -5 }], ['b', { tag: 's', value: -2 }]]));
    const again = encodeFieldTable(decodeFieldTable(bytes));
    // pika and py-amqp read 'l' as unsigned (2^64 - 5), amqplib cannot read 'L': -5 becomes 'I'.
    assert.deepEqual(decodeFieldTable(again), table([['a', { tag: 'I', value: -5 }], ['b', { tag: 'I', value: -2 }]]));
    const positive = encodeFieldTable(table([['a', { tag: 'L', value: 5 }]]));
    assert.equal(positive[6], 0x6c, "a non-negative 'L' is written as 'l', which amqplib can read");
    const below = encodeFieldTable(table([['a', { tag: 'L', value: -5_000_000_000 }]]));
    assert.equal(below[6], 0x4c, "a negative 'L' below int32 stays 'L', as RabbitMQ passes it on");
    assert.deepEqual(decodeFieldTable(below), table([['a', { tag: 'L', value: -5_000_000_000 }]]));
  });

  it('reads int64 values outside ±2^53 as bigint and writes them back exactly', () => {
    const t = table([['big', { tag: 'l', value: 2n ** 63n - 1n }], ['small', { tag: 'l', value: 2 ** 53 - 1 }], ['ts', { tag: 'T', value: 2n ** 63n }]]);
    assert.deepEqual(decodeFieldTable(encodeFieldTable(t)), t);
  });

  it('writes a table at an offset with the writer variant', () => {
    const t = everyTagTable();
    const buf = Buffer.alloc(3 + fieldTableSize(t) + 2, 0xaa);
    assert.equal(writeFieldTable(buf, 3, t), 3 + fieldTableSize(t));
    assert.deepEqual(buf.subarray(3, 3 + fieldTableSize(t)), encodeFieldTable(t));
    assert.equal(buf[buf.length - 1], 0xaa);
  });

  it('encodes the empty table as four zero bytes', () => {
    assert.deepEqual(encodeFieldTable(new Map()), Buffer.from([0, 0, 0, 0]));
  });

  it('refuses values their tag cannot carry with UNENCODABLE, never a RangeError', () => {
    const bad: FieldValue[] = [
      { tag: 'b', value: 128 }, { tag: 'B', value: -1 }, { tag: 'u', value: 65536 }, { tag: 'I', value: 2 ** 31 },
      { tag: 'i', value: 1.5 }, { tag: 'l', value: 2n ** 63n }, { tag: 'L', value: 2n ** 64n - 1n }, { tag: 'l', value: 2 ** 60 },
      { tag: 'T', value: -1 }, { tag: 'D', value: { scale: 256, value: 0 } },
    ];
    for (const v of bad) {
      assert.throws(() => encodeFieldTable(table([['k', v]])), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE'), JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)));
    }
    assert.throws(() => encodeFieldTable(table([['k'.repeat(256), { tag: 'V', value: null }]])), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE'));
  });

  it(`decodes nesting up to depth ${FIELD_TABLE_DEPTH_MAX} and refuses deeper`, () => {
    const nest = (depth: number, viaArrays: boolean): FieldTable => {
      let t: FieldTable = new Map();
      for (let i = 0; i < depth; i++) t = table([['n', viaArrays && i % 2 === 1 ? { tag: 'A', value: [{ tag: 'F', value: t }] } : { tag: 'F', value: t }]]);
      return t;
    };
    assert.doesNotThrow(() => decodeFieldTable(encodeFieldTable(nest(FIELD_TABLE_DEPTH_MAX, false))));
    assert.throws(() => decodeFieldTable(encodeFieldTable(nest(FIELD_TABLE_DEPTH_MAX + 1, false))), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED'));
    assert.throws(() => decodeFieldTable(encodeFieldTable(nest(FIELD_TABLE_DEPTH_MAX, true))), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED'), 'arrays count as a level');
  });

  it('refuses an unknown tag and bytes after the table', () => {
    assert.throws(() => decodeFieldTable(Buffer.from([0, 0, 0, 3, 1, 0x61, 0x55])), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED'));
    assert.throws(() => decodeFieldTable(Buffer.from([0, 0, 0, 0, 0])), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED'));
  });
});
