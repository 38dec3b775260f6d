// The real rabbitmqadmin (rabbitmq-server 3.10.8's) against a spawned Wharf: it lists, declares,
// deletes, publishes, gets and purges through /api, and every effect is checked with amqplib.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import amqp, { type ConsumeMessage } from 'amqplib';
import { waitFor } from '../../helpers/wait-for.js';
import { spawnMgmtBroker, tsvRows, type MgmtBroker } from './mgmt-test-broker.js';

async function amqpConnection(t: { after(f: () => Promise<void>): void }, b: MgmtBroker) {
  const conn = await amqp.connect(b.amqpUrl);
  conn.on('error', () => undefined);
  let open = true;
  conn.on('close', () => { open = false; });
  t.after(async () => { if (open) await conn.close().catch(() => undefined); });
  return conn;
}

test('rabbitmqadmin declares, publishes, gets, purges and deletes; amqplib sees each effect', async (t) => {
  const b = await spawnMgmtBroker(t);
  const conn = await amqpConnection(t, b);
  const ch = await conn.createChannel();

  // show overview reads rabbitmq_version, cluster_name and the totals.
  const overview = tsvRows(await b.adminOk(['-f', 'tsv', 'show', 'overview']));
  assert.deepEqual(overview[0], ['rabbitmq_version', 'cluster_name', 'queue_totals.messages', 'object_totals.queues']);
  assert.match(overview[1]?.[0] ?? '', /^3\.\d+\.\d+$/);

  // A queue declared by amqplib is listed by rabbitmqadmin, with its depth.
  await ch.assertQueue('from-amqplib', { durable: false });
  ch.sendToQueue('from-amqplib', Buffer.from('one'));
  await waitFor(async () => (await ch.checkQueue('from-amqplib')).messageCount === 1, 5000, 'the amqplib message to be queued');
  const queues = tsvRows(await b.adminOk(['-f', 'tsv', 'list', 'queues', 'name', 'messages', 'durable']));
  assert.deepEqual(queues, [['name', 'messages', 'durable'], ['from-amqplib', '1', 'False']]);

  // declare queue / exchange / binding, then publish through the exchange: amqplib consumes it.
  await b.adminOk(['declare', 'queue', 'name=jobs', 'durable=true', 'arguments={"x-max-length": 100}']);
  await b.adminOk(['declare', 'exchange', 'name=work', 'type=topic']);
  await b.adminOk(['declare', 'binding', 'source=work', 'destination=jobs', 'routing_key=job.*']);
  const declared = await ch.checkQueue('jobs');
  assert.equal(declared.queue, 'jobs');
  await ch.checkExchange('work');
  const bindings = tsvRows(await b.adminOk(['-f', 'tsv', 'list', 'bindings', 'source', 'destination', 'routing_key']));
  assert.ok(bindings.some((row) => row.join('|') === 'work|jobs|job.*'), `bindings: ${JSON.stringify(bindings)}`);
  const exchanges = tsvRows(await b.adminOk(['-f', 'tsv', 'list', 'exchanges', 'name', 'type']));
  assert.ok(exchanges.some((row) => row.join('|') === 'work|topic'));

  const got: ConsumeMessage[] = [];
  const consumer = await ch.consume('jobs', (m) => { if (m !== null) got.push(m); }, { noAck: true });
  const published = await b.adminOk(['publish', 'exchange=work', 'routing_key=job.run', 'payload=hello from rabbitmqadmin', 'properties={"content_type":"text/plain","headers":{"tenant":"acme"},"delivery_mode":2}']);
  assert.match(published, /Message published/);
  await waitFor(() => got.length === 1, 5000, 'the amqplib delivery of the rabbitmqadmin publish');
  const m = got[0] as ConsumeMessage;
  assert.deepEqual([m.content.toString(), m.fields.exchange, m.fields.routingKey, m.properties.contentType, m.properties.deliveryMode, (m.properties.headers as Record<string, unknown>).tenant],
    ['hello from rabbitmqadmin', 'work', 'job.run', 'text/plain', 2, 'acme']);
  await ch.cancel(consumer.consumerTag);
  const unrouted = await b.adminOk(['publish', 'exchange=work', 'routing_key=nobody', 'payload=x']);
  assert.match(unrouted, /NOT routed/);

  // A message published by amqplib is returned by `rabbitmqadmin get` (peek, then take).
  ch.sendToQueue('jobs', Buffer.from('from amqplib'), { headers: { n: 7 }, correlationId: 'c-9' });
  await waitFor(async () => (await ch.checkQueue('jobs')).messageCount === 1, 5000, 'the message to be queued');
  const peek = JSON.parse(await b.adminOk(['-f', 'raw_json', 'get', 'queue=jobs', 'ackmode=ack_requeue_true'])) as Record<string, unknown>[];
  assert.equal(peek.length, 1);
  assert.deepEqual([peek[0]?.payload, peek[0]?.payload_encoding, peek[0]?.routing_key, peek[0]?.message_count, peek[0]?.payload_bytes], ['from amqplib', 'string', 'jobs', 0, 12]);
  assert.deepEqual(peek[0]?.properties, { correlation_id: 'c-9', headers: { n: 7 } });
  assert.equal((await ch.checkQueue('jobs')).messageCount, 1, 'ack_requeue_true leaves the message in the queue');
  const take = JSON.parse(await b.adminOk(['-f', 'raw_json', 'get', 'queue=jobs', 'ackmode=ack_requeue_false'])) as Record<string, unknown>[];
  assert.deepEqual([take[0]?.payload, take[0]?.redelivered], ['from amqplib', true]);
  assert.equal((await ch.checkQueue('jobs')).messageCount, 0, 'ack_requeue_false takes the message');

  // purge empties the queue.
  for (let i = 0; i < 3; i++) ch.sendToQueue('jobs', Buffer.from(`m${i}`));
  await waitFor(async () => (await ch.checkQueue('jobs')).messageCount === 3, 5000, 'three messages');
  await b.adminOk(['purge', 'queue', 'name=jobs']);
  assert.equal((await ch.checkQueue('jobs')).messageCount, 0);

  // delete binding / exchange / queue: amqplib's passive declares then fail with 404.
  await b.adminOk(['delete', 'binding', 'source=work', 'destination_type=queue', 'destination=jobs', 'properties_key=job.*']);
  const after = tsvRows(await b.adminOk(['-f', 'tsv', 'list', 'bindings', 'source', 'destination', 'routing_key']));
  assert.ok(!after.some((row) => row[0] === 'work'), `bindings after delete: ${JSON.stringify(after)}`);
  await b.adminOk(['delete', 'exchange', 'name=work']);
  await b.adminOk(['delete', 'queue', 'name=jobs']);
  const probe = await conn.createChannel();
  probe.on('error', () => undefined);
  await assert.rejects(probe.checkQueue('jobs'), /404/);
  const probe2 = await conn.createChannel();
  probe2.on('error', () => undefined);
  await assert.rejects(probe2.checkExchange('work'), /404/);

  // Deleting what is not there is rabbitmqadmin's "Not found".
  const missing = await b.admin(['delete', 'queue', 'name=jobs']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr + missing.stdout, /Not found: \/api\/queues\/%2F\/jobs/);
});

test('rabbitmqadmin lists connections and channels of amqplib clients and closes a connection', async (t) => {
  const b = await spawnMgmtBroker(t);
  const conn = await amqpConnection(t, b);
  const ch = await conn.createConfirmChannel();
  await ch.prefetch(5);
  await ch.assertQueue('work', { durable: false });
  await ch.consume('work', () => undefined);
  const closed = new Promise<Error | undefined>((resolve) => conn.on('close', (err?: Error) => resolve(err)));

  const connections = tsvRows(await b.adminOk(['-f', 'tsv', 'list', 'connections', 'name', 'user', 'channels', 'protocol']));
  assert.equal(connections.length, 2, JSON.stringify(connections));
  const [name, user, channels, protocol] = connections[1] as string[];
  assert.match(name ?? '', /^127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+$/);
  assert.deepEqual([user, channels, protocol], ['guest', '1', 'AMQP 0-9-1']);
  const chans = tsvRows(await b.adminOk(['-f', 'tsv', 'list', 'channels', 'name', 'consumer_count', 'prefetch_count', 'confirm']));
  assert.deepEqual(chans[1], [`${name} (1)`, '1', '5', 'True']);
  const vhosts = tsvRows(await b.adminOk(['-f', 'tsv', 'list', 'vhosts', 'name']));
  assert.deepEqual(vhosts, [['name'], ['/']]);
  const users = tsvRows(await b.adminOk(['-f', 'tsv', 'list', 'users', 'name', 'tags']));
  assert.deepEqual(users, [['name', 'tags'], ['guest', 'administrator']]);

  await b.adminOk(['close', 'connection', `name=${name ?? ''}`]);
  const err = await closed;
  assert.match(String(err?.message), /320 \(CONNECTION-FORCED\)/);
  await waitFor(async () => tsvRows(await b.adminOk(['-f', 'tsv', 'list', 'connections', 'name'])).length === 0, 5000, 'the closed connection to leave the list');

  // DELETE with X-Reason: the client is told why.
  const second = await amqpConnection(t, b);
  const closedAgain = new Promise<Error | undefined>((resolve) => second.on('close', (e?: Error) => resolve(e)));
  const [entry] = (await b.api('GET', '/api/connections')).body as { name: string }[];
  const res = await b.api('DELETE', `/api/connections/${encodeURIComponent(entry?.name ?? '')}`, undefined, undefined, { 'x-reason': 'maintenance window' });
  assert.equal(res.status, 204);
  assert.match(String((await closedAgain)?.message), /CONNECTION_FORCED - maintenance window/);
});
