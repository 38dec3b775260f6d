// `wharf queues|exchanges|bindings|publish|get` (bin/wharf.js in a child process) against an
// embedded broker, cross-checked with amqplib: what the CLI declares, publishes and takes is
// what a real client sees, and the other way round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { WHARF_BIN } from '../../helpers/broker-process.js';
import { withAmqpBroker } from '../../helpers/amqp-broker.js';
import { run, type RunResult } from '../../helpers/kafka-clients.js';

function wharf(url: string, args: readonly string[], input?: string): Promise<RunResult> {
  return run(process.execPath, [WHARF_BIN, ...args, '--url', url], { input, timeoutMs: 60_000 });
}

async function ok(url: string, args: readonly string[], input?: string): Promise<RunResult> {
  const r = await wharf(url, args, input);
  assert.equal(r.code, 0, `wharf ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

async function fails(url: string, args: readonly string[], pattern: RegExp, input?: string): Promise<string> {
  const r = await wharf(url, args, input);
  assert.equal(r.code, 1, `wharf ${args.join(' ')} should fail; stdout: ${r.stdout}`);
  assert.match(r.stderr, pattern);
  return r.stderr;
}

interface JsonMessage {
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  messageCount: number;
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: string;
}

test('the CLI declares, binds, publishes, gets, purges and deletes; amqplib sees all of it', { timeout: 120_000 }, async (t) => {
  const broker = await withAmqpBroker(t);
  const url = broker.url;
  const conn = await broker.connect();
  const ch = await conn.createConfirmChannel();

  assert.match((await ok(url, ['exchanges', 'declare', 'events', '--type', 'topic', '--durable'])).stdout, /declared topic exchange events \(durable\)/);
  assert.match((await ok(url, ['queues', 'declare', 'audit', '--durable', '--arg', 'x-max-length=5000', '--arg', 'x-overflow=drop-head'])).stdout,
    /declared queue audit \(durable\): 0 messages ready, 0 consumers/);
  assert.match((await ok(url, ['bindings', 'add', '--exchange', 'events', '--queue', 'audit', '--routing-key', 'order.*'])).stdout,
    /bound queue audit to exchange events with routing key order\.\*/);
  // amqplib declaring the same things with the same settings is accepted: the CLI sent the same
  // flags and an integer x-max-length (a string would be "inequivalent").
  await ch.assertExchange('events', 'topic', { durable: true });
  await ch.assertQueue('audit', { durable: true, arguments: { 'x-max-length': 5000, 'x-overflow': 'drop-head' } });

  // CLI → amqplib: routing key, properties and typed headers arrive as sent.
  await ok(url, ['publish', '--exchange', 'events', '--routing-key', 'order.created', '--persistent', '--mandatory', '--content-type', 'application/json',
    '--correlation-id', 'c-1', '--reply-to', 'replies', '--message-id', 'm-1', '--expiration', '600000', '--header', 'source=cli', '--header', 'attempt=2',
    '--header', 'urgent=true', '--body', '{"id":42}']);
  const got = await ch.get('audit', { noAck: true });
  assert.ok(got !== false, 'amqplib gets the message the CLI published');
  assert.equal(got.fields.exchange, 'events');
  assert.equal(got.fields.routingKey, 'order.created');
  assert.equal(got.content.toString(), '{"id":42}');
  assert.equal(got.properties.contentType, 'application/json');
  assert.equal(got.properties.deliveryMode, 2);
  assert.equal(got.properties.correlationId, 'c-1');
  assert.equal(got.properties.replyTo, 'replies');
  assert.equal(got.properties.messageId, 'm-1');
  assert.equal(got.properties.expiration, '600000');
  assert.deepEqual(got.properties.headers, { source: 'cli', attempt: 2, urgent: true });

  // amqplib → CLI: get prints it and by default puts it back (redelivered), --ack removes it.
  ch.publish('events', 'order.paid', Buffer.from('paid\tin full'), { headers: { 'x-total': 1999, note: 'ok' }, contentType: 'text/plain', priority: 3, timestamp: 1714557600 });
  await ch.waitForConfirms();
  const looked = await ok(url, ['get', 'audit', '--format', 'json']);
  const m = JSON.parse(looked.stdout) as JsonMessage;
  assert.deepEqual([m.exchange, m.routingKey, m.redelivered, m.messageCount, m.body], ['events', 'order.paid', false, 0, 'paid\tin full']);
  assert.deepEqual(m.properties, { contentType: 'text/plain', priority: 3, timestamp: 1714557600 });
  assert.deepEqual(m.headers, { 'x-total': 1999, note: 'ok' });
  assert.match(looked.stderr, /requeued/);
  assert.equal((await ch.checkQueue('audit')).messageCount, 1, 'the default --requeue leaves the message in the queue');
  const text = await ok(url, ['get', 'audit', '--ack']);
  assert.equal(text.stdout, 'exchange=events routing-key=order.paid redelivered=true properties={content-type=text/plain, priority=3, timestamp=2024-05-01T10:00:00.000Z} '
    + 'headers={x-total=1999, note=ok} body=paid\\tin full\n');
  assert.equal((await ch.checkQueue('audit')).messageCount, 0, '--ack removed it');
  assert.match((await ok(url, ['get', 'audit'])).stderr, /no ready message/);

  // --lines: one message per line, all confirmed; list and passive declare report the count.
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n') + '\n';
  assert.match((await ok(url, ['publish', '--exchange', 'events', '--routing-key', 'order.bulk', '--lines', '--progress'], lines)).stdout, /published 3000 messages .*confirmed all/);
  assert.equal((await ch.checkQueue('audit')).messageCount, 3000);
  const firstTwo = await ok(url, ['get', 'audit', '--count', '2', '--ack', '--format', 'body']);
  assert.equal(firstTwo.stdout, 'line 0\nline 1\n', 'in publish order');
  assert.match((await ok(url, ['queues', 'list', 'audit'])).stdout, /queue +messages +consumers\naudit +2998 +0\n/);
  assert.match((await ok(url, ['queues', 'declare', 'audit', '--passive'])).stdout, /queue audit: 2998 messages ready, 0 consumers/);
  assert.match((await ok(url, ['queues', 'purge', 'audit'])).stdout, /purged 2998 messages from queue audit/);
  assert.equal((await ch.checkQueue('audit')).messageCount, 0);

  // Removing the binding makes a mandatory publish come back: exit 1 and a hint.
  await ok(url, ['bindings', 'remove', '--exchange', 'events', '--queue', 'audit', '--routing-key', 'order.*']);
  await fails(url, ['publish', '--exchange', 'events', '--routing-key', 'order.created', '--mandatory', '--body', 'x'],
    /1 of 1 message could not be routed.*312.*wharf bindings add --exchange events.*\[WHARF_ERR_CLIENT_AMQP\]/);

  assert.match((await ok(url, ['queues', 'delete', 'audit'])).stdout, /deleted queue audit/);
  assert.match((await ok(url, ['exchanges', 'delete', 'events'])).stdout, /deleted exchange events/);
  const probe = await conn.createChannel();
  probe.on('error', () => undefined);
  await assert.rejects(probe.checkQueue('audit'), /404/, 'amqplib no longer finds the queue');
  const probe2 = await conn.createChannel();
  probe2.on('error', () => undefined);
  await assert.rejects(probe2.checkExchange('events'), /404/, 'nor the exchange');
  assert.match((await ok(url, ['queues', 'delete', 'audit'])).stdout, /does not exist; nothing to delete/);
});

test('headers and exchange-to-exchange bindings made by the CLI route amqplib publishes', { timeout: 60_000 }, async (t) => {
  const broker = await withAmqpBroker(t);
  const url = broker.url;
  await ok(url, ['exchanges', 'declare', 'docs', '--type', 'headers']);
  await ok(url, ['exchanges', 'declare', 'archive', '--type', 'fanout']);
  await ok(url, ['queues', 'declare', 'pdfs']);
  await ok(url, ['queues', 'declare', 'everything']);
  await ok(url, ['bindings', 'add', '--exchange', 'docs', '--queue', 'pdfs', '--arg', 'x-match=all', '--arg', 'format=pdf', '--arg', 'version=2']);
  await ok(url, ['bindings', 'add', '--exchange', 'docs', '--to-exchange', 'archive', '--arg', 'x-match=any', '--arg', 'format=pdf', '--arg', 'format2=doc']);
  await ok(url, ['bindings', 'add', '--exchange', 'archive', '--queue', 'everything']);

  const ch = await (await broker.connect()).createConfirmChannel();
  ch.publish('docs', '', Buffer.from('v2'), { headers: { format: 'pdf', version: 2 } });
  ch.publish('docs', '', Buffer.from('v3'), { headers: { format: 'pdf', version: 3 } });
  await ch.waitForConfirms();
  assert.equal((await ok(url, ['get', 'pdfs', '--count', '5', '--format', 'body'])).stdout, 'v2\n', 'version=2 was typed as an integer, so it matches');
  assert.equal((await ok(url, ['get', 'everything', '--count', '5', '--format', 'body'])).stdout, 'v2\nv3\n', 'through the exchange-to-exchange binding');
  // And the CLI's typed --header matches the same binding.
  await ok(url, ['publish', '--exchange', 'docs', '--header', 'format=pdf', '--header', 'version=2', '--mandatory', '--body', 'cli']);
  assert.equal((await ch.checkQueue('pdfs')).messageCount, 2);
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('errors name the broker\'s reply and say what to do', { timeout: 60_000 }, async (t) => {
  const broker = await withAmqpBroker(t);
  const url = broker.url;
  await fails(url, ['queues', 'list'], /listing queues needs the management API.*wharf queues declare --passive NAME.*\[WHARF_ERR_CLI_NEEDS_MANAGEMENT_API\]/);
  await fails(url, ['exchanges', 'list'], /management API.*\[WHARF_ERR_CLI_NEEDS_MANAGEMENT_API\]/);
  await fails(url, ['bindings', 'list'], /management API.*\[WHARF_ERR_CLI_NEEDS_MANAGEMENT_API\]/);
  await fails(url, ['queues', 'declare', 'nope', '--passive'], /checking queue nope failed: NOT_FOUND - .*\(404\); .*wharf queues declare nope.*\[WHARF_ERR_CLIENT_AMQP\]/);
  await fails(url, ['get', 'nope'], /NOT_FOUND.*wharf queues declare nope/);
  await fails(url, ['publish', '--exchange', 'nope', '--routing-key', 'k', '--body', 'x'], /publishing to exchange nope failed: NOT_FOUND.*wharf exchanges declare nope/);
  await fails(url, ['publish', '--routing-key', 'nobody', '--mandatory', '--body', 'x'], /no queue is named nobody.*wharf queues declare nobody/);
  await ok(url, ['queues', 'declare', 'jobs', '--durable']);
  await fails(url, ['queues', 'declare', 'jobs'], /PRECONDITION_FAILED.*\(406\); .*wharf queues delete jobs/);
  await ok(url, ['publish', '--routing-key', 'jobs', '--body', 'x']);
  await fails(url, ['queues', 'delete', 'jobs', '--if-empty'], /not empty; leave out --if-empty/);
  await fails(url, ['exchanges', 'declare', 'amq.mine'], /ACCESS_REFUSED.*reserved/);
  await fails(url, ['queues', 'list', 'jobs', 'ghost'], /queue ghost does not exist/);
  await fails(url, ['queues', 'declare', 'q', '--vhost', 'nowhere'], /NOT_ALLOWED.*\(530\); vhost "nowhere" does not exist/);
  await fails(url.replace('guest:guest', 'guest:wrong'), ['queues', 'declare', 'q'], /ACCESS_REFUSED.*user name and password in --url/);
  const port = await closedPort();
  await fails(`amqp://guest:guest@127.0.0.1:${port}/`, ['queues', 'declare', 'q'], /cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\).*is Wharf running\? start it with `npm start` or `wharf serve`, or pass --url.*\[WHARF_ERR_CLIENT_CONNECT\]/);
  await fails(url, ['publish', '--body', 'x'], /--routing-key QUEUE.*\[WHARF_ERR_CLI_USAGE\]/);
  await fails('amqps://h/', ['queues', 'purge', 'q'], /TLS.*\[WHARF_ERR_CLIENT_BAD_AMQP_URL\]/);
  // The broker is unharmed by all of that.
  assert.match((await ok(url, ['queues', 'declare', 'jobs', '--passive'])).stdout, /1 message ready/);
});
