// The client connection: correlation ids, in-order matching, frames split anywhere, and every
// way a connection can go wrong (answer out of order, peer closes, no answer, garbage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaConnection } from '../../../src/client/connection.js';
import { ClientError, ClientErrorCode } from '../../../src/client/client-errors.js';
import { encodeResponse } from '../../../src/protocols/kafka/messages.js';
import { metadataSchema, produceSchema } from '../../../src/protocols/kafka/schema/index.js';
import { duplexPair } from './helpers/duplex-pair.js';
import { FakeBroker, NO_ANSWER } from './helpers/fake-broker.js';

const metadataAnswer = (name: string) => ({ brokers: [], topics: [{ errorCode: 0, name, partitions: [] }] });

function isClientError(code: string) {
  return (err: unknown): boolean => err instanceof ClientError && err.code === code;
}

test('pipelined requests get increasing correlation ids and each resolves with its own answer', async () => {
  let delay = 30;
  const broker = new FakeBroker().serve(metadataSchema, 1, 4, async (body) => {
    // Earlier requests take longer; answers must still come back matched to their requests.
    await new Promise((r) => setTimeout(r, (delay -= 10) > 0 ? delay : 0));
    return metadataAnswer((body.topics as { name: string }[])[0]?.name ?? '');
  });
  const conn = broker.connection();
  const answers = await Promise.all(['a', 'b', 'c', 'd'].map((name) => conn.request(metadataSchema, 4, { topics: [{ name }] })));
  assert.deepEqual(answers.map((a) => a.topics[0]?.name), ['a', 'b', 'c', 'd']);
  const ids = broker.received.map((r) => r.header.correlationId);
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(broker.received.every((r) => r.header.clientId === 'wharf-cli'));
  assert.equal(conn.inFlight, 0);
  await conn.close();
});

test('answers split at every byte boundary are reassembled', async () => {
  const [client, server] = duplexPair();
  const conn = new KafkaConnection(client);
  const frame = Buffer.concat([
    ...encodeResponse(metadataSchema, 1, 1, metadataAnswer('first')),
    ...encodeResponse(metadataSchema, 1, 2, metadataAnswer('second')),
  ]);
  const first = conn.request(metadataSchema, 1, { topics: null });
  const second = conn.request(metadataSchema, 1, { topics: null });
  for (let i = 0; i < frame.length; i++) server.write(frame.subarray(i, i + 1));
  assert.equal((await first).topics[0]?.name, 'first');
  assert.equal((await second).topics[0]?.name, 'second');
  await conn.close();
});

test('an answer with an unexpected correlation id fails every waiting request', async () => {
  const [client, server] = duplexPair();
  const conn = new KafkaConnection(client, { peer: 'p:1' });
  const a = conn.request(metadataSchema, 1, { topics: null });
  const b = conn.request(metadataSchema, 1, { topics: null });
  // Answer the second request first: a broker must never do that.
  for (const buf of encodeResponse(metadataSchema, 1, 2, metadataAnswer('x'))) server.write(buf);
  await assert.rejects(a, (err: unknown) => isClientError(ClientErrorCode.PROTOCOL)(err) && /correlation id 2 where correlation id 1/.test((err as Error).message));
  await assert.rejects(b, isClientError(ClientErrorCode.PROTOCOL));
  await assert.rejects(conn.request(metadataSchema, 1, { topics: null }), isClientError(ClientErrorCode.PROTOCOL), 'the connection stays failed');
});

test('a broker that closes the connection fails the waiting requests with DISCONNECTED', async () => {
  const [client, server] = duplexPair();
  const conn = new KafkaConnection(client, { peer: 'p:1' });
  const waiting = conn.request(metadataSchema, 1, { topics: null });
  server.destroy();
  await assert.rejects(waiting, (err: unknown) => isClientError(ClientErrorCode.DISCONNECTED)(err) && /p:1 closed the connection/.test((err as Error).message));
});

test('a request left unanswered past its timeout fails with TIMEOUT', async () => {
  const [client] = duplexPair();
  const conn = new KafkaConnection(client, { peer: 'p:1', requestTimeoutMs: 150 });
  await assert.rejects(conn.request(metadataSchema, 1, { topics: null }), (err: unknown) =>
    isClientError(ClientErrorCode.TIMEOUT)(err) && /did not answer Metadata v1 within 150 ms/.test((err as Error).message));
});

test('an answer that does not parse is a PROTOCOL error naming the API', async () => {
  const [client, server] = duplexPair();
  const conn = new KafkaConnection(client, { peer: 'p:1' });
  const waiting = conn.request(metadataSchema, 1, { topics: null });
  const garbage = Buffer.from([0, 0, 0, 7, 0, 0, 0, 1, 0xff, 0xff, 0xff]);
  server.write(garbage);
  await assert.rejects(waiting, (err: unknown) => isClientError(ClientErrorCode.PROTOCOL)(err) && /Metadata v1 does not parse/.test((err as Error).message));
});

test('a request sent without expecting an answer (acks=0) does not disturb the matching', async () => {
  const broker = new FakeBroker()
    .serve(produceSchema, 3, 7, () => NO_ANSWER)
    .serve(metadataSchema, 1, 4, () => metadataAnswer('after'));
  const conn = broker.connection();
  await conn.send(produceSchema, 7, { acks: 0, timeoutMs: 1000, topicData: [] });
  const md = await conn.request(metadataSchema, 4, { topics: null });
  assert.equal(md.topics[0]?.name, 'after');
  assert.equal(broker.received.length, 2);
  await conn.close();
});

test('close() fails requests still waiting and later requests are refused', async () => {
  const [client] = duplexPair();
  const conn = new KafkaConnection(client);
  const waiting = assert.rejects(conn.request(metadataSchema, 1, { topics: null }), isClientError(ClientErrorCode.DISCONNECTED));
  await conn.close();
  await waiting;
  await assert.rejects(conn.request(metadataSchema, 1, { topics: null }), isClientError(ClientErrorCode.DISCONNECTED));
});
