import { test } from 'node:test';
import assert from 'node:assert/strict';
import { args, errorWith, exchange, NO_ARGS, openModel, queue } from './model-fakes.js';

test('redeclaring must be equivalent in type, durable, auto_delete, internal and alternate-exchange', async () => {
  const { vhost } = await openModel();
  await exchange(vhost, 'x', 'direct', { durable: true, arguments: args({ 'alternate-exchange': 'ae', other: 1 }) });
  // Equivalent: other arguments are not compared.
  await exchange(vhost, 'x', 'direct', { durable: true, arguments: args({ 'alternate-exchange': 'ae' }) });
  await assert.rejects(exchange(vhost, 'x', 'direct', { durable: false, arguments: args({ 'alternate-exchange': 'ae' }) }),
    errorWith('WHARF_ERR_PRECONDITION_FAILED', "inequivalent arg 'durable' for exchange 'x' in vhost '/': received 'false' but current is 'true'"));
  await assert.rejects(exchange(vhost, 'x', 'topic', { durable: true }),
    errorWith('WHARF_ERR_PRECONDITION_FAILED', "inequivalent arg 'type' for exchange 'x' in vhost '/': received 'topic' but current is 'direct'"));
  await assert.rejects(exchange(vhost, 'x', 'direct', { durable: true, autoDelete: true, arguments: args({ 'alternate-exchange': 'ae' }) }), errorWith('WHARF_ERR_PRECONDITION_FAILED', /'auto_delete'/));
  await assert.rejects(exchange(vhost, 'x', 'direct', { durable: true, internal: true, arguments: args({ 'alternate-exchange': 'ae' }) }), errorWith('WHARF_ERR_PRECONDITION_FAILED', /'internal'/));
  await assert.rejects(exchange(vhost, 'x', 'direct', { durable: true }),
    errorWith('WHARF_ERR_PRECONDITION_FAILED', "inequivalent arg 'alternate-exchange' for exchange 'x' in vhost '/': received none but current is the value 'ae' of type 'longstr'"));
});

test('amq.* names: reserved for new exchanges, but the predeclared ones can be redeclared equivalently or passively', async () => {
  const { vhost } = await openModel();
  await assert.rejects(exchange(vhost, 'amq.foo', 'direct'), errorWith('WHARF_ERR_ACCESS_REFUSED', "exchange name 'amq.foo' contains reserved prefix 'amq.*'"));
  await exchange(vhost, 'amq.direct', 'direct', { durable: true });
  await assert.rejects(exchange(vhost, 'amq.direct', 'direct', { durable: false }), errorWith('WHARF_ERR_PRECONDITION_FAILED'));
  await vhost.declareExchange({ name: 'amq.topic', type: 'ignored', passive: true, durable: false, autoDelete: false, internal: false, arguments: NO_ARGS });
  await assert.rejects(vhost.deleteExchange('amq.direct', false), errorWith('WHARF_ERR_ACCESS_REFUSED', "deletion of system exchange 'amq.direct' in vhost '/' not allowed"));
});

test('the default exchange cannot be declared, deleted or bound', async () => {
  const { vhost } = await openModel();
  await queue(vhost, 'q');
  const refused = errorWith('WHARF_ERR_ACCESS_REFUSED', 'operation not permitted on the default exchange');
  await assert.rejects(exchange(vhost, '', 'direct', { durable: true }), refused);
  await assert.rejects(vhost.declareExchange({ name: '', type: 'direct', passive: true, durable: false, autoDelete: false, internal: false, arguments: NO_ARGS }), refused);
  await assert.rejects(vhost.deleteExchange('', false), refused);
  await assert.rejects(vhost.bindQueue('q', '', 'q', NO_ARGS, 1), refused);
  await assert.rejects(vhost.unbindQueue('q', '', 'q', NO_ARGS, 1), refused);
});

test('unknown types, passive misses, bad alternate-exchange types and bad x-match are refused', async () => {
  const { vhost } = await openModel();
  await assert.rejects(exchange(vhost, 'x', 'x-consistent-hash-ish'), errorWith('WHARF_ERR_INVALID_ARGUMENT', "invalid exchange type 'x-consistent-hash-ish'"));
  await assert.rejects(vhost.declareExchange({ name: 'nope', type: 'direct', passive: true, durable: false, autoDelete: false, internal: false, arguments: NO_ARGS }), errorWith('WHARF_ERR_NOT_FOUND', "no exchange 'nope' in vhost '/'"));
  await assert.rejects(exchange(vhost, 'x', 'direct', { arguments: args({ 'alternate-exchange': 5 }) }), errorWith('WHARF_ERR_PRECONDITION_FAILED', "invalid type 'signedint' for arg 'alternate-exchange' in exchange 'x' in vhost '/'"));
  await queue(vhost, 'q');
  await assert.rejects(vhost.bindQueue('q', 'amq.headers', '', args({ 'x-match': 'most' }), 1), errorWith('WHARF_ERR_PRECONDITION_FAILED', /Invalid x-match/));
});

test('delete: missing is fine, if-unused refuses an exchange with bindings, deletion removes bindings both ways', async () => {
  const { vhost } = await openModel();
  await vhost.deleteExchange('never-declared', false);
  await queue(vhost, 'q');
  await exchange(vhost, 'src', 'fanout');
  await exchange(vhost, 'mid', 'fanout');
  await vhost.bindExchange('mid', 'src', '', NO_ARGS);
  await vhost.bindQueue('q', 'mid', '', NO_ARGS, 1);
  await assert.rejects(vhost.deleteExchange('mid', true), errorWith('WHARF_ERR_PRECONDITION_FAILED', "exchange 'mid' in vhost '/' in use"));
  await vhost.deleteExchange('mid', false);
  assert.equal(vhost.listBindings().filter((b) => b.source !== '').length, 0);
  await vhost.deleteExchange('src', true);
});

test('an auto-delete exchange goes when its last binding does, including through a deleted queue, and cascades', async () => {
  const { vhost } = await openModel();
  await queue(vhost, 'q1');
  await queue(vhost, 'q2');
  await exchange(vhost, 'auto', 'direct', { autoDelete: true });
  await exchange(vhost, 'upstream', 'fanout', { autoDelete: true });
  await vhost.bindExchange('auto', 'upstream', '', NO_ARGS);
  await vhost.bindQueue('q1', 'auto', 'a', NO_ARGS, 1);
  await vhost.bindQueue('q2', 'auto', 'b', NO_ARGS, 1);
  await vhost.unbindQueue('q1', 'auto', 'a', NO_ARGS, 1);
  assert.ok(vhost.exchange('auto'));
  await vhost.deleteQueue('q2', false, false, 1);
  assert.throws(() => vhost.exchange('auto'), errorWith('WHARF_ERR_NOT_FOUND'));
  assert.throws(() => vhost.exchange('upstream'), errorWith('WHARF_ERR_NOT_FOUND'));
  // An auto-delete exchange that never had a binding stays.
  await exchange(vhost, 'fresh', 'direct', { autoDelete: true });
  assert.ok(vhost.exchange('fresh'));
});

test('bind and unbind: missing ends are NOT_FOUND, duplicates are one binding, unbinding a missing binding is fine', async () => {
  const { vhost } = await openModel();
  await queue(vhost, 'q');
  await assert.rejects(vhost.bindQueue('q', 'nope', 'k', NO_ARGS, 1), errorWith('WHARF_ERR_NOT_FOUND', "no exchange 'nope' in vhost '/'"));
  await assert.rejects(vhost.bindQueue('nope', 'amq.direct', 'k', NO_ARGS, 1), errorWith('WHARF_ERR_NOT_FOUND', "no queue 'nope' in vhost '/'"));
  await vhost.bindQueue('q', 'amq.direct', 'k', args({ a: 1 }), 1);
  await vhost.bindQueue('q', 'amq.direct', 'k', args({ a: 1 }), 1);
  await vhost.bindQueue('q', 'amq.direct', 'k', args({ a: 2 }), 1);
  assert.equal(vhost.listBindings().filter((b) => b.source === 'amq.direct').length, 2);
  await vhost.unbindQueue('q', 'amq.direct', 'other', NO_ARGS, 1);
  await vhost.unbindQueue('q', 'amq.direct', 'k', args({ a: 1 }), 1);
  await vhost.unbindQueue('q', 'amq.direct', 'k', args({ a: 2 }), 1);
  assert.equal(vhost.listBindings().filter((b) => b.source === 'amq.direct').length, 0);
});
