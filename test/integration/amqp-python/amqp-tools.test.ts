// amqp-tools (the rabbitmq-c command-line clients) against a real Wharf process:
// amqp-declare-queue, amqp-publish with a routing key and properties, amqp-get (exit 2 on an
// empty queue, as against RabbitMQ), amqp-consume -c N on a named queue and on a server-named
// queue bound to an exchange, and amqp-delete-queue. pika reads back the properties amqp-publish set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { amqpTool, AMQP_PYTHON_CLIENTS, pyJson, startAmqpBroker } from '../../helpers/amqp-python-clients.js';
import { waitFor } from '../../helpers/wait-for.js';

/** A consumer command for amqp-consume: copies each message body to stdout, one line per message. */
const PRINT_LINE = join(AMQP_PYTHON_CLIENTS, 'print_line.sh');

test('amqp-tools declare, publish, get, consume and delete against Wharf', { timeout: 120_000 }, async (t) => {
  const broker = await startAmqpBroker(t);
  const port = broker.port;
  const tool = async (name: string, args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    amqpTool(name, port, args, input === undefined ? {} : { input });

  await t.test('amqp-declare-queue prints the queue name', async () => {
    const r = await tool('amqp-declare-queue', ['-q', 'tools-q', '-d']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'tools-q');
  });

  await t.test('amqp-publish sets routing key, persistence, content type/encoding, reply-to and headers', async () => {
    const r = await tool('amqp-publish', ['-r', 'tools-q', '-p', '-C', 'text/plain', '-E', 'utf-8', '-t', 'reply-q',
      '-H', 'x-trace: abc', '-H', 'x-empty: ', '-b', 'hello tools']);
    assert.equal(r.code, 0, r.stderr);
    const got = await pyJson<Record<string, unknown>>('pika_client.py', [String(port), 'headers-get', 'tools-q']);
    assert.equal(got.body, 'hello tools');
    assert.equal(got.routing_key, 'tools-q');
    assert.equal(got.delivery_mode, 2);
    assert.equal(got.content_type, 'text/plain');
    assert.equal(got.content_encoding, 'utf-8');
    assert.equal(got.reply_to, 'reply-q');
    assert.deepEqual(got.headers, { 'x-trace': { t: 'str', v: 'abc' }, 'x-empty': { t: 'str', v: '' } });
  });

  await t.test('amqp-publish -l sends one message per line; amqp-get takes them in order, then exits 2', async () => {
    const r = await tool('amqp-publish', ['-r', 'tools-q', '-l'], 'line-1\nline-2\nline-3\n');
    assert.equal(r.code, 0, r.stderr);
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const g = await tool('amqp-get', ['-q', 'tools-q']);
      assert.equal(g.code, 0, g.stderr);
      bodies.push(g.stdout);
    }
    assert.deepEqual(bodies, ['line-1\n', 'line-2\n', 'line-3\n'], 'each line keeps its newline, as against RabbitMQ');
    const empty = await tool('amqp-get', ['-q', 'tools-q']);
    assert.equal(empty.code, 2, 'amqp-get exits 2 when basic.get finds the queue empty');
    const missing = await tool('amqp-get', ['-q', 'no-such-queue']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404/);
  });

  await t.test('amqp-consume -c 3 takes exactly three of four messages, acking each', async () => {
    for (const b of ['c1', 'c2', 'c3', 'c4']) assert.equal((await tool('amqp-publish', ['-e', 'amq.direct', '-r', 'tools-key', '-b', b])).code, 0);
    // amq.direct has no binding for tools-key yet: nothing was routed.
    assert.equal((await tool('amqp-get', ['-q', 'tools-q'])).code, 2);
    const bind = await pyJson<{ ok: boolean }>('pika_client.py', [String(port), 'bind', 'tools-q', 'amq.direct', 'tools-key']);
    assert.equal(bind.ok, true);
    for (const b of ['c1', 'c2', 'c3', 'c4']) assert.equal((await tool('amqp-publish', ['-e', 'amq.direct', '-r', 'tools-key', '-b', b])).code, 0);
    const c = await tool('amqp-consume', ['-q', 'tools-q', '-c', '3', '-p', '1', PRINT_LINE]);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(c.stdout.split('\n').filter((l) => l !== ''), ['c1', 'c2', 'c3']);
    const rest = await tool('amqp-get', ['-q', 'tools-q']);
    assert.equal(rest.stdout, 'c4', 'the acked three are gone, the fourth is still ready');
  });

  await t.test('amqp-consume -e -r binds a server-named queue and receives only matching messages', async (st) => {
    const child = spawn('amqp-consume', ['--server', '127.0.0.1', '--port', String(port), '-e', 'amq.topic', '-r', 'sensor.#', '-c', '2', '-A', PRINT_LINE],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    st.after(() => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const queue = await waitFor(() => /Server provided queue name: (amq\.gen-\S+)/.exec(err)?.[1], 20_000, `amqp-consume's queue name; stderr: ${err}`);
    // amqp-consume binds before it consumes: once the queue has its consumer, the binding routes.
    await waitFor(async () => (await pyJson<{ consumers: number }>('pika_client.py', [String(port), 'queue-info', queue])).consumers === 1, 20_000, 'the consumer');
    for (const [key, body] of [['sensor.a.temp', 'first'], ['other.b', 'skipped'], ['sensor.b', 'second']] as const) {
      assert.equal((await tool('amqp-publish', ['-e', 'amq.topic', '-r', key, '-b', body])).code, 0);
    }
    assert.equal(await exited, 0, err);
    assert.deepEqual(out.split('\n').filter((l) => l !== ''), ['first', 'second']);
    assert.match(queue, /^amq\.gen-/);
  });

  await t.test('amqp-delete-queue deletes and prints the message count', async () => {
    assert.equal((await tool('amqp-publish', ['-r', 'tools-q', '-b', 'left-behind'])).code, 0);
    const r = await tool('amqp-delete-queue', ['-q', 'tools-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '1');
    assert.equal((await tool('amqp-get', ['-q', 'tools-q'])).code, 1, 'gone: 404');
  });
});
