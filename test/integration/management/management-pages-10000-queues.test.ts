// The console lists 10,000 queues through /api/queues?page=…: pages, name filters (substring and
// regex), sorting and columns must give exactly the right items. Queues are declared through the
// broker's own API in-process (10,000 AMQP declares would only slow the test down).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMessage } from '../../../src/broker/amqp/message-build.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { startServer } from '../../../src/server.js';

const QUEUES = 10_000;
const AUTH = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };

interface Page {
  items: Record<string, unknown>[];
  page: number;
  page_size: number;
  page_count: number;
  item_count: number;
  filtered_count: number;
  total_count: number;
}

test('pages, filters and sorts 10,000 queues exactly', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-mgmt-'));
  const config = loadConfig({ env: {}, overrides: { host: '127.0.0.1', kafkaPort: 0, amqpPort: 0, httpPort: 0, dataDir } });
  const server = await startServer(config, silentLogger());
  t.after(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const vhost = server.broker.amqp.vhost('/');
  assert.ok(vhost !== undefined);
  const names: string[] = [];
  for (let i = 0; i < QUEUES; i++) names.push(`q-${String(i).padStart(5, '0')}`);
  await Promise.all(names.map((name) => vhost.declareQueue({ name, passive: false, durable: false, exclusive: false, autoDelete: false, arguments: new Map(), connectionId: -2 })));
  const base = `http://127.0.0.1:${server.addresses.http?.port ?? 0}`;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`, { headers: AUTH });
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  };

  const all = await get<Record<string, unknown>[]>('/api/queues?columns=name');
  assert.equal(all.length, QUEUES, 'without page: a plain array of every queue');
  assert.deepEqual(Object.keys(all[0] ?? {}), ['name'], 'columns= keeps only the named fields');

  const first = await get<Page>('/api/queues?page=1&page_size=500');
  assert.deepEqual([first.page, first.page_size, first.page_count, first.item_count, first.filtered_count, first.total_count], [1, 500, 20, 500, QUEUES, QUEUES]);
  assert.deepEqual(first.items.map((q) => q.name), names.slice(0, 500));
  assert.equal(first.items[0]?.messages, 0);
  const last = await get<Page>('/api/queues?page=20&page_size=500');
  assert.deepEqual(last.items.map((q) => q.name), names.slice(9500));

  const middle = await get<Page>('/api/queues?page=7&page_size=123&sort=name&sort_reverse=true');
  const reversed = [...names].reverse();
  assert.deepEqual(middle.items.map((q) => q.name), reversed.slice(6 * 123, 7 * 123));
  assert.equal(middle.page_count, Math.ceil(QUEUES / 123));

  // name= is a case-insensitive substring: "Q-0999" matches q-09990 … q-09999.
  const filtered = await get<Page>('/api/queues?page=1&page_size=100&name=Q-0999');
  assert.deepEqual([filtered.filtered_count, filtered.total_count], [10, QUEUES]);
  assert.deepEqual(filtered.items.map((q) => q.name), names.slice(9990));
  // A substring filter treats regex characters literally.
  assert.equal((await get<Page>('/api/queues?page=1&name=q-0.*')).filtered_count, 0);
  const regex = await get<Page>('/api/queues?page=2&page_size=10&name=%5Eq-0%5B0-1%5D5&use_regex=true');
  const matching = names.filter((n) => /^q-0[0-1]5/.test(n));
  assert.equal(regex.filtered_count, matching.length);
  assert.deepEqual(regex.items.map((q) => q.name), matching.slice(10, 20));

  // Sorting by a number: the queue with messages comes first when reversed.
  vhost.publish('', 'q-04321', buildMessage('', 'q-04321', Buffer.from([0, 0]), Buffer.from('x')), false);
  const byDepth = await get<Page>('/api/queues?page=1&page_size=3&sort=messages&sort_reverse=true&columns=name,messages');
  assert.deepEqual(byDepth.items[0], { name: 'q-04321', messages: 1 });

  const beyond = await fetch(`${base}/api/queues?page=21&page_size=500`, { headers: AUTH });
  assert.equal(beyond.status, 400);
});
