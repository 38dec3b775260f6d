// Argument parsing of the AMQP commands: --url, typed --arg/--header values, flag checks, and
// the options commander hands each command (actions replaced, so nothing connects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { parseAmqpUrl, redactUrl } from '../../../src/client/amqp/amqp-url.js';
import { endpointFrom, typedTable, typedValue } from '../../../src/cli/amqp-options.js';
import { bindingSpec, type BindingOpts } from '../../../src/cli/bindings-command.js';
import { buildProgram } from '../../../src/cli/main.js';
import { checkPublishOpts, publishProperties, type PublishOpts } from '../../../src/cli/publish-command.js';
import { isWharfError } from '../../../src/util/wharf-error.js';

const usage = (err: unknown): boolean => isWharfError(err, 'WHARF_ERR_CLI_USAGE');
const badUrl = (err: unknown): boolean => isWharfError(err, 'WHARF_ERR_CLIENT_BAD_AMQP_URL');

test('amqp URLs: defaults, percent-encoding, the vhost in the path', () => {
  assert.deepEqual(parseAmqpUrl('amqp://guest:guest@localhost:5672/'), { host: 'localhost', port: 5672, username: 'guest', password: 'guest', vhost: '/' });
  assert.deepEqual(parseAmqpUrl('amqp://localhost'), { host: 'localhost', port: 5672, username: 'guest', password: 'guest', vhost: '/' }, 'no user, port or path');
  assert.deepEqual(parseAmqpUrl('amqp://'), { host: 'localhost', port: 5672, username: 'guest', password: 'guest', vhost: '/' });
  assert.equal(parseAmqpUrl('amqp://h/%2F').vhost, '/', '%2F names "/" explicitly');
  assert.equal(parseAmqpUrl('amqp://h/prod').vhost, 'prod');
  assert.equal(parseAmqpUrl('amqp://h/a%2Fb').vhost, 'a/b');
  const e = parseAmqpUrl('AMQP://us%40er:p%3Ass@rabbit.example.com:15672/prod?heartbeat=10');
  assert.deepEqual(e, { host: 'rabbit.example.com', port: 15672, username: 'us@er', password: 'p:ss', vhost: 'prod' });
  assert.deepEqual(parseAmqpUrl('amqp://u@[::1]:5673/'), { host: '::1', port: 5673, username: 'u', password: '', vhost: '/' });
  assert.throws(() => parseAmqpUrl('amqps://h/'), (err: unknown) => badUrl(err) && /TLS/.test((err as Error).message));
  assert.throws(() => parseAmqpUrl('http://h/'), badUrl);
  assert.throws(() => parseAmqpUrl('localhost:5672'), badUrl);
  assert.throws(() => parseAmqpUrl('amqp://h:99999/'), badUrl);
  assert.throws(() => parseAmqpUrl('amqp://h/a/b'), (err: unknown) => badUrl(err) && /%2F/.test((err as Error).message));
  assert.throws(() => parseAmqpUrl('amqp://u:%zz@h/'), badUrl);
  assert.equal(redactUrl('amqp://user:secret@h:5672/'), 'amqp://user:***@h:5672/');
  assert.doesNotThrow(() => parseAmqpUrl('amqp://user:secret@h:5672/'));
  try {
    parseAmqpUrl('amqps://user:secret@h/');
  } catch (err) {
    assert.doesNotMatch((err as Error).message, /secret/, 'errors never show the password');
  }
});

test('--vhost wins over the URL path', () => {
  assert.equal(endpointFrom({ url: 'amqp://h/prod' }).vhost, 'prod');
  assert.equal(endpointFrom({ url: 'amqp://h/prod', vhost: 'test' }).vhost, 'test');
  assert.equal(endpointFrom({ url: 'amqp://h/', vhost: '/' }).vhost, '/');
});

test('--arg and --header values are typed: whole numbers, booleans, else strings', () => {
  assert.equal(typedValue('10'), 10);
  assert.equal(typedValue('-3'), -3);
  assert.equal(typedValue('true'), true);
  assert.equal(typedValue('false'), false);
  assert.equal(typedValue('1.5'), '1.5', 'only whole numbers become numbers');
  assert.equal(typedValue('10s'), '10s');
  assert.equal(typedValue(''), '');
  assert.equal(typedValue('TRUE'), 'TRUE');
  assert.equal(typedValue('99999999999999999999'), '99999999999999999999', 'beyond 2^53 stays text');
  const t = typedTable(['x-max-length=10', 'x-dead-letter-exchange=dlx', 'x-single-active-consumer=true', 'x-message-ttl=86400000000', 'k=a=b'], '--arg');
  assert.deepEqual([...t].map(([k, v]) => [k, v.tag]), [['x-max-length', 'I'], ['x-dead-letter-exchange', 'S'], ['x-single-active-consumer', 't'], ['x-message-ttl', 'l'], ['k', 'S']]);
  assert.equal(t.get('x-max-length')?.value, 10);
  assert.equal((t.get('k')?.value as Buffer).toString(), 'a=b', 'split at the first "="');
  assert.throws(() => typedTable(['a=1', 'a=2'], '--arg'), usage, 'a key given twice');
  assert.throws(() => typedTable(['novalue'], '--arg'), usage);
  assert.throws(() => typedTable(['=x'], '--arg'), usage);
  assert.equal(typedTable(undefined, '--arg').size, 0);
});

const publishDefaults: PublishOpts = { url: 'amqp://h/', exchange: '', routingKey: 'q' };

test('publish: properties from flags, and combinations that cannot work are refused', () => {
  assert.deepEqual(publishProperties(publishDefaults), {});
  const p = publishProperties({ ...publishDefaults, persistent: true, contentType: 'application/json', correlationId: 'c1', replyTo: 'replies', expiration: 60000, priority: 5, messageId: 'm1', header: ['source=cli', 'attempt=1'] });
  assert.equal(p.deliveryMode, 2);
  assert.equal(p.contentType, 'application/json');
  assert.equal(p.correlationId, 'c1');
  assert.equal(p.replyTo, 'replies');
  assert.equal(p.expiration, '60000', 'expiration is a decimal string, as RabbitMQ wants it');
  assert.equal(p.priority, 5);
  assert.equal(p.messageId, 'm1');
  assert.deepEqual([...(p.headers ?? new Map())].map(([k, v]) => [k, v.tag]), [['source', 'S'], ['attempt', 'I']]);
  assert.throws(() => publishProperties({ ...publishDefaults, correlationId: 'x'.repeat(256) }), usage);
  assert.doesNotThrow(() => checkPublishOpts(publishDefaults));
  assert.throws(() => checkPublishOpts({ ...publishDefaults, routingKey: '' }), (err: unknown) => usage(err) && /--routing-key QUEUE/.test((err as Error).message));
  assert.doesNotThrow(() => checkPublishOpts({ ...publishDefaults, exchange: 'logs', routingKey: '' }), 'a fanout exchange needs no key');
  assert.throws(() => checkPublishOpts({ ...publishDefaults, body: 'x', lines: true }), usage);
  assert.throws(() => checkPublishOpts({ ...publishDefaults, routingKey: 'k'.repeat(256) }), usage);
});

test('bindings: exactly one destination, and never the default exchange', () => {
  const base: BindingOpts = { url: 'amqp://h/', exchange: 'events', routingKey: 'order.*' };
  assert.deepEqual(bindingSpec({ ...base, queue: 'audit' }), { source: 'events', destination: { kind: 'queue', name: 'audit' }, routingKey: 'order.*' });
  assert.deepEqual(bindingSpec({ ...base, toExchange: 'archive' }).destination, { kind: 'exchange', name: 'archive' });
  assert.throws(() => bindingSpec(base), usage, 'no destination');
  assert.throws(() => bindingSpec({ ...base, queue: 'a', toExchange: 'b' }), usage, 'two destinations');
  assert.throws(() => bindingSpec({ ...base, exchange: '', queue: 'a' }), (err: unknown) => usage(err) && /default exchange/.test((err as Error).message));
  assert.throws(() => bindingSpec({ ...base, queue: '' }), usage);
});

/** Parses argv with every action replaced by one that records the options, so nothing connects. */
async function parsed(argv: string[]): Promise<{ args: unknown[]; opts: Record<string, unknown> }> {
  const program = buildProgram();
  let seen: { args: unknown[]; opts: Record<string, unknown> } | null = null;
  const stub = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
      stub(sub);
      sub.action((...args: unknown[]) => {
        const c = args.at(-1) as Command;
        seen = { args: args.slice(0, -2), opts: c.opts() };
      });
    }
  };
  stub(program);
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  await program.parseAsync(['node', 'wharf', ...argv]);
  assert.ok(seen !== null, `no action ran for ${argv.join(' ')}`);
  return seen;
}

test('commands get the options they document, with the documented defaults', async () => {
  const saved = process.env.WHARF_AMQP_URL;
  Reflect.deleteProperty(process.env, 'WHARF_AMQP_URL');
  try {
    const declare = await parsed(['queues', 'declare', 'jobs', '--durable', '--arg', 'x-max-length=10', '--arg', 'x-dead-letter-exchange=dlx']);
    assert.deepEqual(declare.args, ['jobs']);
    assert.deepEqual(declare.opts, { durable: true, arg: ['x-max-length=10', 'x-dead-letter-exchange=dlx'], url: 'amqp://guest:guest@localhost:5672/' });

    const ex = await parsed(['exchanges', 'declare', 'logs', '-t', 'fanout', '--vhost', 'prod', '--url', 'amqp://u:p@h:1/']);
    assert.deepEqual(ex.opts, { type: 'fanout', vhost: 'prod', url: 'amqp://u:p@h:1/' });
    assert.equal((await parsed(['exchanges', 'declare', 'x'])).opts.type, 'direct');

    const pub = await parsed(['publish', '-e', 'events', '-r', 'order.created', '--persistent', '--mandatory', '-H', 'a=1', '-H', 'b=x', '--expiration', '5000', '--priority', '3', '--lines', '--no-progress']);
    assert.deepEqual(pub.opts, {
      exchange: 'events', routingKey: 'order.created', persistent: true, mandatory: true, header: ['a=1', 'b=x'], expiration: 5000, priority: 3,
      lines: true, progress: false, url: 'amqp://guest:guest@localhost:5672/',
    });

    const get = await parsed(['get', 'orders', '-n', '5', '--ack', '-F', 'json']);
    assert.deepEqual(get.args, ['orders']);
    assert.deepEqual(get.opts, { count: 5, ack: true, format: 'json', url: 'amqp://guest:guest@localhost:5672/' });
    assert.deepEqual((await parsed(['get', 'orders'])).opts, { count: 1, format: 'text', url: 'amqp://guest:guest@localhost:5672/' });

    const bind = await parsed(['bindings', 'add', '-e', 'docs', '-q', 'pdfs', '-a', 'x-match=all', '-a', 'format=pdf']);
    assert.deepEqual(bind.opts, { exchange: 'docs', queue: 'pdfs', routingKey: '', arg: ['x-match=all', 'format=pdf'], url: 'amqp://guest:guest@localhost:5672/' });

    assert.deepEqual((await parsed(['queues', 'list', 'a', 'b'])).args, [['a', 'b']]);

    process.env.WHARF_AMQP_URL = 'amqp://env:env@envhost/';
    assert.equal((await parsed(['queues', 'purge', 'q'])).opts.url, 'amqp://env:env@envhost/', 'WHARF_AMQP_URL sets the default');
    assert.equal((await parsed(['queues', 'purge', 'q', '--url', 'amqp://flag/'])).opts.url, 'amqp://flag/', 'the flag wins');
  } finally {
    if (saved === undefined) Reflect.deleteProperty(process.env, 'WHARF_AMQP_URL');
    else process.env.WHARF_AMQP_URL = saved;
  }
});

test('usage errors: bad choices, conflicting flags, out-of-range numbers', async () => {
  const rejects = (argv: string[]) => assert.rejects(parsed(argv), (err: unknown) => (err as { code?: string }).code?.startsWith('commander.') === true, argv.join(' '));
  await rejects(['get', 'q', '--ack', '--requeue']);
  await rejects(['get', 'q', '--count', '0']);
  await rejects(['get', 'q', '--format', 'xml']);
  await rejects(['exchanges', 'declare', 'x', '--type', 'x-delayed']);
  await rejects(['publish', '--priority', '256']);
  await rejects(['publish', '--expiration', '-1']);
  await rejects(['bindings', 'add', '--queue', 'q']);
  await rejects(['queues', 'declare']);
});
