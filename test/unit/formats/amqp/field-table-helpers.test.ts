import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeFieldTable, encodeFieldTable, fieldToBoolean, fieldToNumber, fieldToString, tableFromJson, tableFromPlain, tableGet,
  tablesEqual, tableToJson,
} from '../../../../src/formats/amqp/field-table.js';
import type { FieldTable, FieldValue } from '../../../../src/formats/amqp/field-types.js';
import { isWharfError } from '../../../../src/util/wharf-error.js';
import { everyTagTable } from './helpers/sample-tables.js';

const one = (v: FieldValue): FieldTable => new Map([['k', v]]);

describe('field table helpers', () => {
  it('reads numbers, strings and booleans by meaning, and undefined for other tags', () => {
    const t = everyTagTable();
    assert.equal(fieldToNumber(tableGet(t, 'int16')), -32768);
    assert.equal(fieldToNumber(tableGet(t, 'uint64')), 2 ** 40);
    assert.equal(fieldToNumber(tableGet(t, 'double')), -0.1);
    assert.equal(fieldToNumber(tableGet(t, 'string')), undefined);
    assert.equal(fieldToNumber(tableGet(t, 'missing')), undefined);
    assert.equal(fieldToString(tableGet(t, 'string')), 'héllo');
    assert.equal(fieldToString(tableGet(t, 'bytes')), undefined);
    assert.equal(fieldToBoolean(tableGet(t, 'bool')), true);
    assert.equal(fieldToBoolean(tableGet(t, 'int8')), undefined);
    assert.equal(tableGet(null, 'k'), undefined);
  });

  it('compares integers across width tags, as RabbitMQ does for inequivalent-arg checks', () => {
    assert.ok(tablesEqual(one({ tag: 'I', value: 5 }), one({ tag: 'l', value: 5 })));
    assert.ok(tablesEqual(one({ tag: 'b', value: 5 }), one({ tag: 'L', value: 5 })));
    assert.ok(tablesEqual(one({ tag: 'l', value: 5 }), one({ tag: 'l', value: 5n })));
    assert.ok(tablesEqual(one({ tag: 'f', value: 0.5 }), one({ tag: 'd', value: 0.5 })));
    assert.ok(!tablesEqual(one({ tag: 'I', value: 5 }), one({ tag: 'I', value: 6 })));
    assert.ok(!tablesEqual(one({ tag: 'I', value: 5 }), one({ tag: 'd', value: 5 })), 'int and float are different classes');
    assert.ok(!tablesEqual(one({ tag: 'I', value: 5 }), one({ tag: 'S', value: Buffer.from('5') })));
    assert.ok(!tablesEqual(one({ tag: 'S', value: Buffer.from('a') }), one({ tag: 'x', value: Buffer.from('a') })));
    assert.ok(!tablesEqual(one({ tag: 'V', value: null }), new Map()));
  });

  it('compares deeply and ignores entry order', () => {
    const a = tableFromPlain({ x: 1, y: { z: [1, 'two', null, { w: true }] } });
    const b = tableFromPlain({ y: { z: [1, 'two', null, { w: true }] }, x: 1 });
    assert.ok(tablesEqual(a, b));
    assert.ok(tablesEqual(a, decodeFieldTable(encodeFieldTable(a))));
    const c = tableFromPlain({ x: 1, y: { z: [1, 'two', null, { w: false }] } });
    assert.ok(!tablesEqual(a, c));
    assert.ok(!tablesEqual(tableFromPlain({ a: [1, 2] }), tableFromPlain({ a: [2, 1] })), 'arrays keep order');
    assert.ok(tablesEqual(null, new Map()), 'no table equals an empty one');
    assert.ok(tablesEqual(everyTagTable(), decodeFieldTable(encodeFieldTable(everyTagTable()))), 'normalisation keeps meaning');
  });

  it('builds tables from plain values with the documented tags', () => {
    const t = tableFromPlain({ s: 'x', i: 7, big: 2 ** 40, neg: -(2 ** 31), f: 1.25, n: 10n, b: false, v: null, x: Buffer.from([1]), a: ['a'], o: { p: 1 } });
    assert.deepEqual([...t].map(([k, v]) => `${k}:${v.tag}`), ['s:S', 'i:I', 'big:l', 'neg:I', 'f:d', 'n:l', 'b:t', 'v:V', 'x:x', 'a:A', 'o:F']);
    assert.throws(() => tableFromPlain({ unsafe: 2 ** 60 }), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE'));
  });

  it('converts to JSON and back without losing tags, order, bigints or odd floats', () => {
    const t = everyTagTable();
    t.set('nan', { tag: 'd', value: NaN });
    t.set('negzero', { tag: 'd', value: -0 });
    t.set('inf', { tag: 'f', value: -Infinity });
    t.set('notutf8', { tag: 'S', value: Buffer.from([0xff, 0xfe]) });
    t.set('7', { tag: 'I', value: 7 });
    const json = JSON.parse(JSON.stringify(tableToJson(t))) as unknown;
    const back = tableFromJson(json);
    assert.deepEqual([...back.keys()], [...t.keys()]);
    assert.deepEqual(back, t);
  });

  it('refuses damaged JSON with MALFORMED', () => {
    for (const bad of [{}, [['k']], [['k', { t: 'Q', v: 1 }]], [['k', { t: 'I', v: '1' }]], [['k', { t: 'l', v: '1.5' }]], [['k', { t: 'S' }]], [['k', { t: 'A', v: {} }]]]) {
      assert.throws(() => tableFromJson(bad), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED'), JSON.stringify(bad));
    }
  });
});
