// /api/bindings/{vhost}/e/{exchange}/t/{topic}: the management API's form of an exchange-to-topic
// binding (docs/interop.md). A message published over /api reaches the topic's message browser,
// the binding is listed with destination_type "topic", and after DELETE nothing more is routed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnMgmtBroker } from './mgmt-test-broker.js';

interface Listed { destination: string; destination_type: string; properties_key: string; routing_key: string }
interface Browse { messages: { key: string | null; value: string | null }[] }

test('bindings to Kafka topics: create, list, route a publish, delete', { timeout: 60_000 }, async (t) => {
  const b = await spawnMgmtBroker(t);
  assert.equal((await b.api('PUT', '/api/topics/audit', { partitions: 1 })).status, 201);
  assert.equal((await b.api('PUT', '/api/exchanges/%2F/events', { type: 'direct', durable: true })).status, 201);

  const missing = await b.api('POST', '/api/bindings/%2F/e/events/t/nope', { routing_key: 'k' });
  assert.equal(missing.status, 404, JSON.stringify(missing.body));

  const created = await b.api('POST', '/api/bindings/%2F/e/events/t/audit', { routing_key: 'user.created' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.match(created.headers.get('location') ?? '', /^\/api\/bindings\/%2F\/e\/events\/t\/audit\//);

  const listed = (await b.api('GET', '/api/bindings/%2F/e/events/t/audit')).body as Listed[];
  assert.equal(listed.length, 1);
  assert.equal(listed[0]?.destination_type, 'topic');
  assert.equal(listed[0]?.routing_key, 'user.created');

  const routed = await b.api('POST', '/api/exchanges/%2F/events/publish', { routing_key: 'user.created', payload: 'alice', payload_encoding: 'string', properties: {} });
  assert.deepEqual(routed.body, { routed: true });
  const browse = (await b.api('GET', '/api/topics/audit/partitions/0/messages?offset=0')).body as Browse;
  assert.deepEqual(browse.messages.map((m) => [m.key, m.value]), [['user.created', 'alice']]);

  const key = encodeURIComponent(listed[0]?.properties_key ?? '');
  assert.equal((await b.api('DELETE', `/api/bindings/%2F/e/events/t/audit/${key}`)).status, 204);
  assert.deepEqual((await b.api('GET', '/api/bindings/%2F/e/events/t/audit')).body, []);
  const after = await b.api('POST', '/api/exchanges/%2F/events/publish', { routing_key: 'user.created', payload: 'bob', payload_encoding: 'string', properties: {} });
  assert.deepEqual(after.body, { routed: false });
});
