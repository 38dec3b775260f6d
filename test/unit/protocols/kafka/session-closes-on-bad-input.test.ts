// Bad input closes only its own session, with one rate-limited log line; ApiVersions at an
// unsupported version is answered with error 35 in the v0 layout (protocol-matrix §1.6-C).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { BadInputLog } from '../../../../src/protocols/bad-input-log.js';
import { encodeRequest } from '../../../../src/protocols/kafka/messages.js';
import { apiVersionsSchema, fetchSchema, metadataSchema } from '../../../../src/protocols/kafka/schema/index.js';
import { sessionHarness } from './helpers/session-harness.js';

const CLOSE_MSG = 'kafka: closing a connection that sent a request Wharf cannot serve';

test('an oversized size prefix closes the session before its body arrives', async (t) => {
  const h = await sessionHarness(t);
  const bad = h.connect({ requestBytesMax: 1024 });
  const good = h.connect({ requestBytesMax: 1024 });
  bad.sendRaw(Buffer.from([0, 0, 0x08, 0x00]));
  assert.equal(await bad.next(), null);
  const line = h.logs.find((l) => l.msg === CLOSE_MSG);
  assert.equal(line?.code, 'WHARF_ERR_KAFKA_FRAME_TOO_LARGE');
  good.send(apiVersionsSchema, 0, {});
  assert.equal((await good.response(apiVersionsSchema, 0)).body.errorCode, 0);
});

test('a malformed body or unknown api closes with one line; other sessions carry on', async (t) => {
  const h = await sessionHarness(t);
  const good = h.connect();
  const malformed = h.connect();
  const wire = Buffer.concat(encodeRequest(metadataSchema, 1, 9, 'x', { topics: [{ name: 'abc' }] }));
  wire.writeInt32BE(1000, wire.length - 9); // the topic count now promises far more than is there
  malformed.sendRaw(wire);
  assert.equal(await malformed.next(), null);
  const unknown = h.connect();
  const header = Buffer.alloc(14);
  header.writeInt32BE(10, 0);
  header.writeInt16BE(1234, 4);
  unknown.sendRaw(header);
  assert.equal(await unknown.next(), null);
  const lines = h.logs.filter((l) => l.msg === CLOSE_MSG);
  assert.equal(lines.length, 2);
  assert.equal(lines[0]?.code, 'WHARF_ERR_KAFKA_MALFORMED');
  assert.equal(lines[1]?.apiKey, 1234);
  good.send(metadataSchema, 1, { topics: null });
  assert.equal((await good.response(metadataSchema, 1)).body.controllerId, 0);
});

test('ApiVersions above v3 gets error 35 in the v0 layout and the session stays open', async (t) => {
  const h = await sessionHarness(t);
  const client = h.connect();
  const wire = Buffer.concat(encodeRequest(apiVersionsSchema, 3, 77, 'x', {}));
  wire.writeInt16BE(9, 6);
  client.sendRaw(wire);
  const res = await client.response(apiVersionsSchema, 0);
  assert.equal(res.correlationId, 77);
  assert.equal(res.body.errorCode, 35);
  assert.deepEqual(res.body.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 3 }]);
  client.send(apiVersionsSchema, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
  assert.equal((await client.response(apiVersionsSchema, 3)).body.errorCode, 0);
});

test('thousands of frames in one chunk are worked through without deep recursion', async (t) => {
  const h = await sessionHarness(t);
  const client = h.connect();
  const one = Buffer.concat(encodeRequest(apiVersionsSchema, 3, 1, 'x', {}));
  one.writeInt16BE(9, 6); // each answered at once with error 35
  const count = 5000;
  client.sendRaw(Buffer.concat(Array.from({ length: count }, () => one)));
  for (let i = 0; i < count; i++) assert.equal((await client.response(apiVersionsSchema, 0)).body.errorCode, 35);
});

test('shutdown lets a waiting long poll answer, then closes the connection', async (t) => {
  const h = await sessionHarness(t);
  await h.broker.topics.create('idle', 1);
  const client = h.connect();
  client.send(fetchSchema, 11, {
    maxWaitMs: 600_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'idle', partitions: [{ partition: 0, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  await new Promise((r) => setImmediate(r));
  await client.session.shutdown(5000);
  const res = await client.response(fetchSchema, 11);
  assert.equal(res.body.responses[0]?.partitions[0]?.errorCode, 0);
  assert.equal(await client.next(), null);
});

test('the bad-input log keeps at most its line budget per window and reports what it left out', () => {
  const lines: Array<{ msg: string; suppressed?: number }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as { msg: string });
      done();
    },
  });
  let now = 1_000_000;
  const log = new BadInputLog(pino(sink), { linesMax: 3, windowMs: 60_000, nowMs: () => now });
  for (let i = 0; i < 10; i++) log.warn({ i }, 'bad');
  assert.equal(lines.length, 3);
  now += 60_000;
  log.warn({ i: 10 }, 'bad');
  assert.deepEqual(lines.slice(3).map((l) => [l.msg, l.suppressed]), [
    ['kafka: more connections were closed for bad input than were logged', 7],
    ['bad', undefined],
  ]);
});
