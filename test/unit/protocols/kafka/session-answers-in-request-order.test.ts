// The session writes responses strictly in request order even when handlers finish out of
// order (protocol-matrix §1.7 G9), sends nothing for acks=0 (G8), and pauses taking requests at
// its in-flight limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiVersionsHandler } from '../../../../src/protocols/kafka/handlers/api-versions.js';
import { fetchHandler } from '../../../../src/protocols/kafka/handlers/fetch.js';
import { produceHandler } from '../../../../src/protocols/kafka/handlers/produce.js';
import { defineHandler, toDispatch } from '../../../../src/protocols/kafka/handlers/handler.js';
import { createHandlerTable } from '../../../../src/protocols/kafka/handlers/index.js';
import { fetchSchema, findCoordinatorSchema, metadataSchema, produceSchema } from '../../../../src/protocols/kafka/schema/index.js';
import { makeBatch } from '../../../helpers/make-batch.js';
import { waitFor } from '../../../helpers/wait-for.js';
import { sessionHarness } from './helpers/session-harness.js';

/** FindCoordinator whose answer for key K waits until the test releases K. */
function gatedTable() {
  const gates = new Map<string, () => void>();
  const started: string[] = [];
  const gated = defineHandler({
    schema: findCoordinatorSchema,
    versionMin: 0,
    versionMax: 1,
    async handle(_ctx, request) {
      started.push(request.key);
      await new Promise<void>((resolve) => gates.set(request.key, resolve));
      return { errorCode: 0, nodeId: Number(request.key.slice(1)), host: 'h', port: 1 };
    },
  });
  const table = createHandlerTable([toDispatch(gated), toDispatch(apiVersionsHandler)]);
  const release = (key: string): void => {
    const g = gates.get(key);
    assert.ok(g !== undefined, `handler for ${key} started`);
    g();
  };
  return { table, started, release };
}

test('responses leave in request order when handlers finish in reverse', async (t) => {
  const h = await sessionHarness(t);
  const { table, started, release } = gatedTable();
  const client = h.connect({ handlers: table });
  const ids = ['k1', 'k2', 'k3'].map((key) => client.send(findCoordinatorSchema, 0, { key }));
  await waitFor(() => started.length === 3, 5000, 'all three handlers to start');
  release('k3');
  release('k2');
  // Nothing may be written before k1 is answered.
  await new Promise((r) => setImmediate(r));
  assert.equal(client.unread, 0);
  release('k1');
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await client.response(findCoordinatorSchema, 0));
  assert.deepEqual(answers.map((a) => a.correlationId), ids);
  assert.deepEqual(answers.map((a) => a.body.nodeId), [1, 2, 3]);
});

test('at its in-flight limit the session stops taking requests until one is answered', async (t) => {
  const h = await sessionHarness(t);
  const { table, started, release } = gatedTable();
  const client = h.connect({ handlers: table, inFlightMax: 2 });
  for (const key of ['k1', 'k2', 'k3', 'k4']) client.send(findCoordinatorSchema, 0, { key });
  await waitFor(() => started.length === 2, 5000, 'two handlers to start');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['k1', 'k2'], 'the third request waits');
  assert.equal(client.session.inFlightRequests, 2);
  release('k1');
  await waitFor(() => started.length === 3, 5000, 'the third handler to start');
  release('k2');
  release('k3');
  await waitFor(() => started.length === 4, 5000, 'the fourth handler to start');
  release('k4');
  const order = [];
  for (let i = 0; i < 4; i++) order.push((await client.response(findCoordinatorSchema, 0)).body.nodeId);
  assert.deepEqual(order, [1, 2, 3, 4]);
});

test('acks=0 produces are answered by silence; a failed one closes the connection after the answers before it', async (t) => {
  const h = await sessionHarness(t);
  const client = h.connect();
  const produce = (topic: string, acks: number) => ({
    transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: makeBatch({ records: 1, valueBytes: 8 }) }] }],
  });
  client.send(produceSchema, 7, produce('quiet', 0));
  const metaId = client.send(metadataSchema, 1, { topics: [{ name: 'quiet' }] });
  const meta = await client.response(metadataSchema, 1);
  assert.equal(meta.correlationId, metaId, 'the first frame answers the metadata request');
  assert.equal(h.broker.topics.partition('quiet', 0).highWatermark, 1, 'the silent produce was stored');

  const before = client.send(metadataSchema, 1, { topics: [] });
  client.send(produceSchema, 7, produce('quiet', 0));
  client.send(produceSchema, 7, { ...produce('quiet', 0), topicData: [{ name: 'quiet', partitionData: [{ index: 5, records: makeBatch({ records: 1, valueBytes: 8 }) }] }] });
  client.send(metadataSchema, 1, { topics: [] });
  assert.equal((await client.response(metadataSchema, 1)).correlationId, before);
  assert.equal(await client.next(), null, 'closed after the failed acks=0 produce, before answering what followed');
  assert.equal(h.broker.topics.partition('quiet', 0).highWatermark, 2);
});

test('a full socket write buffer pauses taking requests until the client reads again', async (t) => {
  const h = await sessionHarness(t);
  const { table: gatedOnly, started, release } = gatedTable();
  const gated = gatedOnly.lookup(findCoordinatorSchema.apiKey);
  assert.ok(gated !== undefined);
  const table = createHandlerTable([toDispatch(fetchHandler), gated, toDispatch(apiVersionsHandler), toDispatch(produceHandler)]);
  const client = h.connect({ handlers: table });
  // 1 MiB stored, so one fetch answer is far above the pair's 16 KiB buffers.
  for (let i = 0; i < 4; i++) {
    client.send(produceSchema, 7, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'big', partitionData: [{ index: 0, records: makeBatch({ records: 1, valueBytes: 256 * 1024 }) }] }] });
  }
  for (let i = 0; i < 4; i++) await client.response(produceSchema, 7);
  client.pauseReading();
  client.send(fetchSchema, 11, {
    maxWaitMs: 0, minBytes: 0, maxBytes: 8 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'big', partitions: [{ partition: 0, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 8 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  await waitFor(() => client.session.inFlightRequests === 0, 5000, 'the fetch answer to be handed to the socket');
  client.send(findCoordinatorSchema, 0, { key: 'k9' });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [], 'no request is taken while the answer before it cannot be written');
  client.resumeReading();
  const fetched = await client.response(fetchSchema, 11);
  assert.equal((fetched.body.responses[0]?.partitions[0]?.records as Buffer).length > 1024 * 1024, true);
  await waitFor(() => started.length === 1, 5000, 'the next request to be taken');
  release('k9');
  assert.equal((await client.response(findCoordinatorSchema, 0)).body.nodeId, 9);
});
