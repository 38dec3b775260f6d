import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedClient, flush } from './connected-client.js';

const record = (id: string, tag: number, partition: number, offset: number) => ({
  op: 'record', id, tag, partition, offset, timestamp: 0, key: null, value: `p${partition}-${offset}`, valueEncoding: 'string',
});

test('a group subscription sends {topic, group}, acks each record after its handler, and resubscribes unchanged', async () => {
  const { client, socket, last } = await connectedClient({ reconnect: { initialDelayMs: 1, maxDelayMs: 1 } });
  const seen: string[] = [];
  const sub = client.subscribe({ topic: 'events', group: 'web', offset: 'earliest', prefetch: 50 }, async (r) => {
    seen.push(`${r.partition}:${r.offset}`);
  });
  const op = { op: 'subscribe', id: sub.id, topic: 'events', group: 'web', offset: 'earliest', prefetch: 50 };
  assert.deepEqual(socket.ops('subscribe'), [op]);
  socket.serverSend({ op: 'subscribed', id: sub.id });
  await sub.ready;

  // Offsets of different partitions interleave: none is dropped as already seen.
  socket.serverSend(record(sub.id, 1, 0, 5));
  socket.serverSend(record(sub.id, 2, 1, 0));
  socket.serverSend(record(sub.id, 3, 2, 3));
  await flush();
  assert.deepEqual(seen, ['0:5', '1:0', '2:3']);
  assert.deepEqual(socket.ops('ack'), [1, 2, 3].map((tag) => ({ op: 'ack', id: sub.id, tag })));

  socket.serverClose(1006);
  await new Promise((r) => setTimeout(r, 20));
  const fresh = last();
  fresh.serverOpen();
  // The server resumes from the group's commits: the same op, no offset of the client's.
  assert.deepEqual(fresh.ops('subscribe'), [op]);
  // A record handed out before the drop but not committed comes again, and is handed out again.
  fresh.serverSend(record(sub.id, 1, 0, 5));
  await flush();
  assert.deepEqual(seen, ['0:5', '1:0', '2:3', '0:5']);
  await client.close();
});

test('a group subscription without offset or prefetch leaves them to the server', async () => {
  const { client, socket } = await connectedClient();
  const sub = client.subscribe({ topic: 'events', group: 'g' }, () => undefined);
  assert.deepEqual(socket.ops('subscribe'), [{ op: 'subscribe', id: sub.id, topic: 'events', group: 'g' }]);
  await client.close();
});
