// Every failure of the REST API is a JSON {"error": {"code", "message"}} with its status: 404 for
// what does not exist, 400 for malformed input (saying what is wrong), 405 with Allow, 409 for an
// exclusive queue, and 413 for a body above --http-body-bytes-max, refused from its
// Content-Length before the body is sent or cut off while a chunked body streams. None of it
// disturbs the broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import amqp from 'amqplib';
import { getJson, postJson, postRaw, request, withHttpBroker, type JsonAnswer } from './http-test-broker.js';

function assertError(a: JsonAnswer, status: number, code: string, messagePart?: RegExp): void {
  assert.equal(a.status, status, JSON.stringify(a.body));
  assert.match(a.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(a.body.error?.code, code);
  assert.equal(typeof a.body.error?.message, 'string');
  if (messagePart !== undefined) assert.match(a.body.error?.message ?? '', messagePart);
}

test('unknown paths, vhosts, exchanges, queues, topics and partitions answer 404 with a JSON body', async (t) => {
  const b = await withHttpBroker(t, { autoCreateTopics: false });
  assertError(await getJson(`${b.base}/nope`), 404, 'not_found', /no route/);
  assertError(await getJson(`${b.base}/v1/topics/orders/partitions/0`), 404, 'not_found');
  assertError(await postJson(`${b.base}/v1/exchanges/nohost/amq.default/publish`, { payload: 'x' }), 404, 'not_found', /no vhost 'nohost'/);
  assertError(await postJson(`${b.base}/v1/exchanges/%2F/missing/publish`, { payload: 'x' }), 404, 'not_found', /no exchange 'missing' in vhost '\/'/);
  assertError(await postJson(`${b.base}/v1/queues/%2F/jobs/get`, {}), 404, 'not_found', /no queue 'jobs' in vhost '\/'/);
  assertError(await postJson(`${b.base}/v1/topics/missing/records`, { records: [{ value: 'x' }] }), 404, 'unknown_topic', /auto-create-topics/);
  assertError(await getJson(`${b.base}/v1/topics/missing/partitions/0/records`), 404, 'unknown_topic');
  const ws = await getJson(`${b.base}/ws`);
  assert.equal(ws.status, 426);
});

test('malformed bodies and parameters answer 400 saying what is wrong', async (t) => {
  const b = await withHttpBroker(t, { defaultPartitions: 1 });
  const publish = `${b.base}/v1/exchanges/%2F/amq.default/publish`;
  assertError(await postRaw(publish, '{"routingKey": ', 'application/json'), 400, 'bad_request', /not valid JSON/);
  assertError(await postJson(publish, { payload: '***', payloadEncoding: 'base64' }), 400, 'bad_request', /not valid base64/);
  assertError(await postJson(publish, { payload: 'x', payloadEncoding: 'hex' }), 400, 'bad_request', /payloadEncoding must be/);
  assertError(await postJson(publish, { payload: 12 }), 400, 'bad_request', /payload must be a string/);
  assertError(await postJson(publish, { routingKey: 'q', routing_key: 'q' }), 400, 'bad_request', /unknown field "routing_key"/);
  assertError(await postJson(publish, { properties: { deliveryMode: 3 } }), 400, 'bad_request', /deliveryMode/);
  assertError(await postJson(publish, { properties: { content_type: 'x' } }), 400, 'bad_request', /content_type is not a basic property/);
  assertError(await postJson(publish, { properties: { expiration: '-5' } }), 400, 'bad_request', /expiration/);
  assertError(await postJson(publish, { properties: { headers: { n: 2 ** 60 } } }), 400, 'bad_request', /as a string/);
  assertError(await postJson(publish, { properties: { userId: 'admin' } }), 400, 'bad_request', /userId/);
  assertError(await postJson(publish, ['not', 'an', 'object']), 400, 'bad_request', /JSON object/);
  assertError(await postJson(`${b.base}/v1/queues/%2F/q/get`, { count: 0 }), 400, 'bad_request', /count/);
  const records = `${b.base}/v1/topics/t/records`;
  assertError(await postJson(records, { records: [] }), 400, 'bad_request', /non-empty array/);
  assertError(await postJson(records, { records: [{ key: 'k' }] }), 400, 'bad_request', /value is missing/);
  assertError(await postJson(records, { records: [{ value: 'v', partition: -1 }] }), 400, 'bad_request', /partition/);
  assertError(await postJson(records, { records: [{ value: 'v', headers: { h: 5 } }] }), 400, 'bad_request', /headers\.h/);
  assertError(await postJson(records, { records: [{ value: 'v', partition: 7 }] }), 404, 'unknown_partition');
  assertError(await getJson(`${b.base}/v1/topics/t/partitions/0/records?offset=99`), 400, 'offset_out_of_range');
  assertError(await getJson(`${b.base}/v1/topics/t/partitions/0/records?maxBytes=abc`), 400, 'bad_request', /maxBytes/);
  assertError(await getJson(`${b.base}/v1/topics/t/partitions/x/records`), 400, 'bad_request', /partition/);
  // The broker is still serving.
  assert.equal((await postJson(publish, { routingKey: 'none', payload: 'ok' })).status, 200);
});

test('a wrong method answers 405 with Allow', async (t) => {
  const b = await withHttpBroker(t);
  const a = await request(`${b.base}/v1/exchanges/%2F/amq.default/publish`, { method: 'GET' });
  assertError(a, 405, 'method_not_allowed');
  assert.equal(a.headers.get('allow'), 'POST');
  const d = await request(`${b.base}/v1/topics/t/partitions/0/records`, { method: 'DELETE' });
  assertError(d, 405, 'method_not_allowed');
  assert.equal(d.headers.get('allow'), 'GET');
  const sse = await request(`${b.base}/v1/sse?queue=q`, { method: 'POST' });
  assertError(sse, 405, 'method_not_allowed');
  assert.equal(sse.headers.get('allow'), 'GET');
});

test('an exclusive queue of an AMQP connection answers 409 resource_locked', async (t) => {
  const b = await withHttpBroker(t);
  const conn = await amqp.connect(b.amqpUrl);
  b.beforeStop(() => conn.close());
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true });
  assertError(await postJson(`${b.base}/v1/queues/%2F/${encodeURIComponent(queue)}/get`, {}), 409, 'resource_locked');
});

test('a Content-Length above httpBodyBytesMax answers 413 before any of the body is sent', async (t) => {
  const b = await withHttpBroker(t, { httpBodyBytesMax: 1024 });
  const answer = await new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
    const req = httpRequest({
      host: b.host, port: b.port, method: 'POST', path: '/v1/exchanges/%2F/amq.default/publish',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(10 * 1024 * 1024 * 1024) },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.flushHeaders(); // headers only: the body is never written
  });
  assert.equal(answer.status, 413);
  assert.equal(answer.connection, 'close');
  const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'payload_too_large');
  assert.match(body.error.message, /http-body-bytes-max/);
});

test('a chunked body that passes httpBodyBytesMax answers 413 and is not read further', async (t) => {
  const b = await withHttpBroker(t, { httpBodyBytesMax: 1024 });
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (pulled > 1000) controller.close();
      else controller.enqueue(new Uint8Array(64 * 1024));
    },
  });
  const res = await fetch(`${b.base}/v1/exchanges/%2F/amq.default/publish?routingKey=x`, {
    method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: stream, duplex: 'half',
  } as RequestInit);
  assert.equal(res.status, 413);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'payload_too_large');
  // 64 MiB offered; the server stopped reading (and closed) after the first KiB, so the client
  // could hand over no more than the sockets' buffers hold.
  assert.ok(pulled < 1000, `the client was still sending (${pulled} chunks of 64 KiB pulled)`);
  // A body at the limit is accepted.
  const ok = await postRaw(`${b.base}/v1/exchanges/%2F/amq.default/publish?routingKey=x`, Buffer.alloc(1024));
  assert.deepEqual([ok.status, ok.body], [200, { routed: false }]);
});
