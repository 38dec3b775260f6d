// What the AMQP commands print: `wharf get` message formats, and the errors the client builds
// from a broker's channel.close / connection.close (reply text kept, plus what to do).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeError } from '../../../src/client/amqp/amqp-client-errors.js';
import type { GetResult } from '../../../src/client/amqp/amqp-channel.js';
import { formatMessage } from '../../../src/cli/amqp-message-format.js';
import { needsManagementApi } from '../../../src/cli/amqp-options.js';
import { tableFromPlain } from '../../../src/formats/amqp/field-table.js';

const message: GetResult = {
  deliveryTag: 1, redelivered: false, exchange: 'logs', routingKey: 'app.error', messageCount: 4,
  properties: { contentType: 'text/plain', deliveryMode: 2, timestamp: 1714557600, headers: tableFromPlain({ source: 'cli', attempt: 1, nested: { ok: true }, list: [1, 'a'] }) },
  body: Buffer.from('disk full\nagain'),
};

test('text: one line per message, control characters escaped, body last', () => {
  assert.equal(formatMessage(message, 'text'),
    'exchange=logs routing-key=app.error redelivered=false properties={content-type=text/plain, delivery-mode=2, timestamp=2024-05-01T10:00:00.000Z} '
    + 'headers={source=cli, attempt=1, nested={ok=true}, list=[1, a]} body=disk full\\nagain\n');
  assert.equal(formatMessage({ ...message, exchange: '', properties: {}, body: Buffer.alloc(0) }, 'text'),
    'exchange= routing-key=app.error redelivered=false properties={} headers={} body=\n');
});

test('json: plain values for scripts, base64 only for bodies that are not UTF-8', () => {
  const j = JSON.parse(formatMessage(message, 'json') as string) as Record<string, unknown>;
  assert.deepEqual(j, {
    exchange: 'logs', routingKey: 'app.error', redelivered: false, messageCount: 4,
    properties: { contentType: 'text/plain', deliveryMode: 2, timestamp: 1714557600 },
    headers: { source: 'cli', attempt: 1, nested: { ok: true }, list: [1, 'a'] },
    body: 'disk full\nagain',
  });
  const binary = JSON.parse(formatMessage({ ...message, body: Buffer.from([0xff, 0x00]) }, 'json') as string) as Record<string, unknown>;
  assert.equal(binary.body, '/wA=');
  assert.equal(binary.bodyEncoding, 'base64');
});

test('body: the bytes as they are, then a newline', () => {
  assert.deepEqual(formatMessage({ ...message, body: Buffer.from([0xff, 0x0a]) }, 'body'), Buffer.from([0xff, 0x0a, 0x0a]));
});

test('broker refusals keep the reply text and add what to do', () => {
  const notFound = closeError({ what: 'checking queue orders', method: 'queue.declare', queue: 'orders' }, 404, "NOT_FOUND - no queue 'orders' in vhost '/'", 50, 10, false);
  assert.equal(notFound.code, 'WHARF_ERR_CLIENT_AMQP');
  assert.equal(notFound.replyCode, 404);
  assert.match(notFound.message, /^checking queue orders failed: NOT_FOUND - no queue 'orders' in vhost '\/' \(404\); .*`wharf queues declare orders`/);

  const inequivalent = closeError({ what: 'declaring queue orders', method: 'queue.declare', queue: 'orders' }, 406, "PRECONDITION_FAILED - inequivalent arg 'durable'", 50, 10, false);
  assert.match(inequivalent.message, /delete it first with `wharf queues delete orders`/);

  const inUse = closeError({ what: 'deleting queue orders', method: 'queue.delete', queue: 'orders', conditions: '--if-empty' }, 406, "PRECONDITION_FAILED - queue 'orders' in vhost '/' is not empty", 50, 40, false);
  assert.match(inUse.message, /it is not empty; leave out --if-empty/);

  const noExchange = closeError({ what: 'publishing to exchange nope', method: 'basic.publish', exchange: 'nope' }, 404, "NOT_FOUND - no exchange 'nope' in vhost '/'", 60, 40, false);
  assert.match(noExchange.message, /wharf exchanges declare nope/);
  assert.match(noExchange.message, /default exchange/);

  const vhost = closeError({ what: 'opening vhost "prod"', method: 'connection.open', vhost: 'prod' }, 530, "NOT_ALLOWED - vhost 'prod' not found", 10, 40, true);
  assert.ok(vhost.connectionLevel);
  assert.match(vhost.message, /--vhost/);

  const login = closeError({ what: 'logging in as guest', method: 'connection.start-ok' }, 403, 'ACCESS_REFUSED - Login was refused', 10, 11, true);
  assert.match(login.message, /user name and password in --url/);

  const reserved = closeError({ what: 'declaring exchange amq.x', method: 'exchange.declare', exchange: 'amq.x' }, 403, "ACCESS_REFUSED - exchange name 'amq.x' contains reserved prefix 'amq.*'", 40, 10, false);
  assert.match(reserved.message, /reserved/);
});

test('list says plainly that it needs the management API and what to do instead', () => {
  const err = needsManagementApi('queues');
  assert.equal(err.code, 'WHARF_ERR_CLI_NEEDS_MANAGEMENT_API');
  assert.match(err.message, /management API/);
  assert.match(err.message, /wharf queues declare --passive NAME/);
  assert.match(needsManagementApi('exchanges').message, /wharf exchanges declare --passive NAME/);
});
