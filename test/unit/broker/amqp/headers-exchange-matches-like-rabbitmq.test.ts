import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileHeadersPattern, headersMatch } from '../../../../src/broker/amqp/headers-match.js';
import type { FieldTable } from '../../../../src/formats/amqp/field-types.js';
import { args, errorWith } from './model-fakes.js';

const matches = (binding: FieldTable, headers: FieldTable | null): boolean => headersMatch(compileHeadersPattern(binding), headers);

test('x-match all (the default) needs every pair; any needs one', () => {
  const h = args({ format: 'pdf', type: 'report' });
  assert.equal(matches(args({ format: 'pdf', type: 'report' }), h), true);
  assert.equal(matches(args({ 'x-match': 'all', format: 'pdf', type: 'log' }), h), false);
  assert.equal(matches(args({ 'x-match': 'any', format: 'pdf', type: 'log' }), h), true);
  assert.equal(matches(args({ 'x-match': 'any', format: 'zip', type: 'log' }), h), false);
  assert.equal(matches(args({ format: 'pdf' }), null), false);
  // No pairs: all matches everything, any matches nothing (RabbitMQ's fold over an empty list).
  assert.equal(matches(args({}), null), true);
  assert.equal(matches(args({ 'x-match': 'any' }), h), false);
});

test('integers compare by value across widths; integers never equal floats; strings equal byte arrays', () => {
  const wide: FieldTable = new Map([['n', { tag: 'l', value: 42 }]]);
  const narrow: FieldTable = new Map([['n', { tag: 'b', value: 42 }]]);
  const float: FieldTable = new Map([['n', { tag: 'd', value: 42 }]]);
  assert.equal(matches(narrow, wide), true);
  assert.equal(matches(float, wide), false);
  const bytes: FieldTable = new Map([['s', { tag: 'x', value: Buffer.from('abc') }]]);
  assert.equal(matches(args({ s: 'abc' }), bytes), true);
});

test('a void binding value matches presence of the header, whatever its value', () => {
  const binding = args({ 'x-match': 'all', trace: null });
  assert.equal(matches(binding, args({ trace: 'anything' })), true);
  assert.equal(matches(binding, args({ other: 1 })), false);
});

test('x- arguments are ignored by all/any and compared by all-with-x/any-with-x', () => {
  const h = args({ 'x-tenant': 'blue', kind: 'a' });
  assert.equal(matches(args({ 'x-match': 'all', 'x-tenant': 'red', kind: 'a' }), h), true);
  assert.equal(matches(args({ 'x-match': 'all-with-x', 'x-tenant': 'red', kind: 'a' }), h), false);
  assert.equal(matches(args({ 'x-match': 'all-with-x', 'x-tenant': 'blue', kind: 'a' }), h), true);
  assert.equal(matches(args({ 'x-match': 'any', 'x-tenant': 'blue' }), h), false);
  assert.equal(matches(args({ 'x-match': 'any-with-x', 'x-tenant': 'blue', kind: 'z' }), h), true);
});

test('a bad x-match is PRECONDITION_FAILED with the value named', () => {
  assert.throws(() => compileHeadersPattern(args({ 'x-match': 'some' })), errorWith('WHARF_ERR_PRECONDITION_FAILED', "Invalid x-match field value 'some'; expected all, any, all-with-x, or any-with-x"));
  assert.throws(() => compileHeadersPattern(args({ 'x-match': 1 })), errorWith('WHARF_ERR_PRECONDITION_FAILED', /x-match field type signedint/));
});
