// Who sees which connections in /api: administrators and monitoring users see every connection
// and channel, other users (tag management) only their own, as in RabbitMQ's management plugin;
// someone else's connection is "not found" to them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectTo } from '../../helpers/amqp-broker.js';
import { waitFor } from '../../helpers/wait-for.js';
import { spawnMgmtBroker } from './mgmt-test-broker.js';

const ADMIN = ['boss', 's3cret'] as const;
const VIEWER = ['viewer', 'look'] as const;
const MONITOR = ['mon', 'watch'] as const;

interface Conn { name: string; user: string }
interface Chan { name: string; user: string }

test('management users see only their own connections and channels; administrator and monitoring see all', { timeout: 60_000 }, async (t) => {
  const users = `${ADMIN.join(':')}:administrator,${VIEWER.join(':')}:management,${MONITOR.join(':')}:monitoring`;
  const b = await spawnMgmtBroker(t, ['--amqp-users', users]);
  const url = (u: readonly [string, string]): string => b.amqpUrl.replace('guest:guest', `${u[0]}:${u[1]}`);
  const adminConn = await connectTo(t, url(ADMIN));
  const viewerConn = await connectTo(t, url(VIEWER));
  await adminConn.createChannel();
  await viewerConn.createChannel();

  const connections = async (u: readonly [string, string]): Promise<Conn[]> => (await b.api('GET', '/api/connections', undefined, u)).body as Conn[];
  await waitFor(async () => (await connections(ADMIN)).length === 2, 10_000, 'both AMQP connections to be listed');
  assert.deepEqual((await connections(ADMIN)).map((c) => c.user).sort(), ['boss', 'viewer']);
  assert.deepEqual((await connections(MONITOR)).map((c) => c.user).sort(), ['boss', 'viewer']);
  assert.deepEqual((await connections(VIEWER)).map((c) => c.user), ['viewer']);

  const channels = (await b.api('GET', '/api/channels', undefined, VIEWER)).body as Chan[];
  assert.deepEqual(channels.map((c) => c.user), ['viewer']);
  assert.equal(((await b.api('GET', '/api/channels', undefined, ADMIN)).body as Chan[]).length, 2);

  const bossConn = (await connections(ADMIN)).find((c) => c.user === 'boss');
  assert.ok(bossConn !== undefined);
  const path = `/api/connections/${encodeURIComponent(bossConn.name)}`;
  assert.equal((await b.api('GET', path, undefined, VIEWER)).status, 404);
  assert.equal((await b.api('GET', path, undefined, MONITOR)).status, 200);
  await adminConn.close();
  await viewerConn.close();
});
