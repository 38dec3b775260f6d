// Authentication and authorisation of /api (HTTP Basic with the broker's users; only the
// administrator tag may change things) and RabbitMQ-shaped errors for bad input. /v1 and /metrics
// stay open as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnMgmtBroker } from './mgmt-test-broker.js';

const ADMIN = ['boss', 's3cret'] as const;
const VIEWER = ['viewer', 'look'] as const;

test('/api needs credentials; read-only users may read but not write; /v1 and /metrics stay open', async (t) => {
  const b = await spawnMgmtBroker(t, ['--amqp-users', `${ADMIN[0]}:${ADMIN[1]}:administrator,${VIEWER[0]}:${VIEWER[1]}:management`]);

  const anonymous = await b.api('GET', '/api/overview', undefined, null);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="Wharf Management"');
  assert.equal((anonymous.body as { error: string }).error, 'not_authorised');
  const wrong = await b.api('GET', '/api/overview', undefined, [ADMIN[0], 'nope']);
  assert.equal(wrong.status, 401);
  // guest does not exist once users are configured.
  assert.equal((await b.api('GET', '/api/queues', undefined, ['guest', 'guest'])).status, 401);
  const unknownPath = await b.api('GET', '/api/nothing-here', undefined, null);
  assert.equal(unknownPath.status, 401, 'paths are not revealed before authentication');

  const who = await b.api('GET', '/api/whoami', undefined, VIEWER);
  assert.deepEqual([who.status, who.body], [200, { name: 'viewer', tags: 'management' }]);
  assert.equal((await b.api('GET', '/api/queues', undefined, VIEWER)).status, 200);
  const refused = await b.api('PUT', '/api/queues/%2F/q1', { durable: false }, VIEWER);
  assert.equal(refused.status, 403);
  assert.equal((refused.body as { error: string }).error, 'not_authorised');
  assert.equal((await b.api('DELETE', '/api/queues/%2F/q1', undefined, VIEWER)).status, 403);
  assert.equal((await b.api('GET', '/api/users', undefined, VIEWER)).status, 403, 'users are for administrators only');
  const created = await b.api('PUT', '/api/queues/%2F/q1', { durable: false }, ADMIN);
  assert.equal(created.status, 201);
  assert.equal((await b.api('PUT', '/api/queues/%2F/q1', { durable: false }, ADMIN)).status, 204, 'an equal redeclare answers 204');
  const users = await b.api('GET', '/api/users', undefined, ADMIN);
  assert.deepEqual((users.body as { name: string; tags: string }[]).map((u) => [u.name, u.tags]), [['boss', 'administrator'], ['viewer', 'management']]);

  // rabbitmqadmin reports the refusals the same way as against RabbitMQ.
  const denied = await b.admin(['list', 'queues'], ['viewer', 'wrong']);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr + denied.stdout, /Access refused: \/api\/queues/);
  const forbidden = await b.admin(['declare', 'queue', 'name=q2'], VIEWER);
  assert.notEqual(forbidden.code, 0);
  assert.match(forbidden.stderr, /403/);

  const metrics = await fetch(`${b.base}/metrics`);
  assert.equal(metrics.status, 200);
  const v1 = await fetch(`${b.base}/v1/queues/%2F/q1/get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(v1.status, 200);
});

test('bad input answers {error, reason} with the right status and the broker keeps serving', async (t) => {
  const b = await spawnMgmtBroker(t, ['--http-body-bytes-max', '2048']);
  const expect = async (method: string, path: string, body: unknown, status: number, error: string): Promise<void> => {
    const a = await b.api(method, path, body);
    assert.equal(a.status, status, `${method} ${path}: ${JSON.stringify(a.body)}`);
    if (status < 300) return;
    const e = a.body as { error: string; reason: string };
    assert.equal(e.error, error, `${method} ${path}: ${JSON.stringify(a.body)}`);
    assert.equal(typeof e.reason, 'string');
  };
  await expect('PUT', '/api/queues/%2F/q', '{not json', 400, 'bad_request');
  await expect('PUT', '/api/queues/%2F/q', '[1,2]', 400, 'bad_request');
  await expect('PUT', '/api/queues/%2F/q', { durable: 'maybe' }, 400, 'bad_request');
  // The AMQP model refuses a bad x-argument with PRECONDITION_FAILED, as RabbitMQ does.
  await expect('PUT', '/api/queues/%2F/q', { arguments: { 'x-max-length': 'lots' } }, 409, 'precondition_failed');
  await expect('PUT', '/api/exchanges/%2F/x', { type: 'nonsense' }, 400, 'bad_request');
  await expect('GET', '/api/queues/%2F/missing', undefined, 404, 'not_found');
  await expect('GET', '/api/queues/no-such-vhost', undefined, 404, 'not_found');
  await expect('GET', '/api/topics/missing', undefined, 404, 'not_found');
  await expect('GET', '/api/connections/nobody', undefined, 404, 'not_found');
  await expect('PATCH', '/api/queues/%2F/q', {}, 405, 'method_not_allowed');
  await expect('GET', '/api/queues?page=1&page_size=501', undefined, 400, 'bad_request');
  await expect('GET', '/api/queues?page=1&name=(&use_regex=true', undefined, 400, 'bad_request');
  await expect('PUT', '/api/queues/%2F/q', { payload: 'x'.repeat(4096) }, 413, 'payload_too_large');
  await expect('POST', '/api/queues/%2F/missing/get', { count: 1, ackmode: 'ack_requeue_true' }, 404, 'not_found');
  await expect('PUT', '/api/queues/%2F/q', { durable: false }, 201, '');
  // Redeclaring with other properties is a conflict (AMQP's PRECONDITION_FAILED).
  await expect('PUT', '/api/queues/%2F/q', { durable: true }, 409, 'precondition_failed');
  await expect('POST', '/api/queues/%2F/q/get', { count: 1, ackmode: 'sometimes' }, 400, 'bad_request');
  await expect('PUT', '/api/topics/t1', { partitions: 2 }, 201, '');
  await expect('PUT', '/api/topics/t1', { partitions: 2 }, 409, 'conflict');
  await expect('PUT', '/api/topics/t1/configs', { configs: { 'retention.ms': 'forever' } }, 400, 'bad_request');
  const ok = await b.api('GET', '/api/overview');
  assert.equal(ok.status, 200, 'the broker still serves');
});
