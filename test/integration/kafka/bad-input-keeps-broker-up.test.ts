// Bad input against a real Wharf process: each bad connection is closed (or, for a bad batch,
// answered with the protocol's error) with at most one log line, and the broker and every other
// connection carry on (ARCHITECTURE "Bad input", STYLE 8.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBatch } from '../../helpers/make-batch.js';
import { startKafkaBroker, type KafkaBroker } from '../../helpers/kafka-broker.js';
import { kcat } from '../../helpers/kafka-clients.js';
import { WireClient } from '../../helpers/kafka-wire.js';
import { waitFor } from '../../helpers/wait-for.js';
import { apiVersionsSchema, fetchSchema, metadataSchema, produceSchema } from '../../../src/protocols/kafka/schema/index.js';
import { encodeRequest } from '../../../src/protocols/kafka/messages.js';
import { CRC_POS } from '../../../src/records/batch-header.js';

const REQUEST_BYTES_MAX = 64 * 1024;

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** A request header (v1) for any api key and version, with no body. */
function header(apiKey: number, apiVersion: number, correlationId: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeInt16BE(apiKey, 0);
  b.writeInt16BE(apiVersion, 2);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(-1, 8); // null client id
  return b;
}

/** A healthy connection still gets answers: ApiVersions v0 on a fresh socket. */
async function assertServing(broker: KafkaBroker): Promise<void> {
  const client = await WireClient.connect(broker.port);
  try {
    const res = await client.request(apiVersionsSchema, 0, {});
    assert.equal(res.errorCode, 0);
  } finally {
    client.close();
  }
}

function closedLines(broker: KafkaBroker): Array<Record<string, unknown>> {
  return broker.process.lines.filter((l) => l.msg === 'kafka: closing a connection that sent a request Wharf cannot serve');
}

test('hostile frames close only their own connection, with one log line each', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--request-bytes-max', String(REQUEST_BYTES_MAX)]);
  // A bystander connection open the whole time must keep working.
  const bystander = await WireClient.connect(broker.port);
  t.after(() => bystander.close());
  const cases: Array<{ name: string; bytes: Buffer; code?: string }> = [
    { name: 'size prefix above requestBytesMax', bytes: Buffer.from([0x00, 0x10, 0x00, 0x01]), code: 'WHARF_ERR_KAFKA_FRAME_TOO_LARGE' },
    { name: 'negative size prefix', bytes: Buffer.from([0xff, 0xff, 0xff, 0xf0]), code: 'WHARF_ERR_KAFKA_FRAME_SIZE_INVALID' },
    { name: 'an HTTP request on the Kafka port', bytes: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), code: 'WHARF_ERR_KAFKA_FRAME_TOO_LARGE' },
    { name: 'a frame shorter than a request header', bytes: frame(Buffer.from([0, 3, 0])), code: 'WHARF_ERR_KAFKA_MALFORMED' },
    { name: 'an unknown api key', bytes: frame(header(999, 0, 7)) },
    { name: 'an api Wharf does not serve yet (SaslHandshake)', bytes: frame(header(17, 1, 8)) },
    { name: 'a version Wharf does not serve (Metadata v12)', bytes: frame(header(3, 12, 9)) },
    { name: 'a truncated Metadata v4 body', bytes: frame(Buffer.concat([header(3, 4, 10), Buffer.from([0, 0, 0, 5, 0, 3])])), code: 'WHARF_ERR_KAFKA_MALFORMED' },
    { name: 'random bytes in a well-sized frame', bytes: frame(Buffer.from('7f12ab9f77e1c0ffee00112233445566778899', 'hex')) },
  ];
  assert.equal((await bystander.request(metadataSchema, 1, { topics: null })).controllerId, 0);
  for (const c of cases) {
    const before = closedLines(broker).length;
    const client = await WireClient.connect(broker.port);
    client.sendRaw(c.bytes);
    await waitFor(() => client.isClosed, 5000, `the broker to close the connection after ${c.name}`);
    // Log lines travel through a pipe; wait for this one rather than racing it.
    const lines = await waitFor(() => closedLines(broker).length > before && closedLines(broker), 5000, `the log line for ${c.name}`);
    if (c.code !== undefined) assert.equal(lines[lines.length - 1]?.code, c.code, c.name);
    assert.equal(bystander.isClosed, false, `${c.name}: the bystander connection is untouched`);
    await assertServing(broker);
    assert.equal(closedLines(broker).length, before + 1, `${c.name}: exactly one log line`);
  }
  // The bystander's connection still answers, and kcat can still use the broker.
  assert.equal((await bystander.request(apiVersionsSchema, 1, {})).errorCode, 0);
  assert.match(await kcat(['-b', broker.bootstrap, '-L']), /broker 0 at/);
  // A client that sends half a frame and hangs up leaves nothing behind either.
  const quitter = await WireClient.connect(broker.port);
  const half = encodeRequest(metadataSchema, 1, 1, 'x', { topics: null });
  quitter.sendRaw(Buffer.concat(half).subarray(0, 9));
  quitter.close();
  await assertServing(broker);
  assert.equal(broker.process.proc.exitCode, null, 'the broker is still running');
});

test('ApiVersions at an unsupported version gets error 35 in the v0 layout and the connection stays open', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  // v7 does not exist yet; the reply is laid out as v0 whatever was asked (KIP-511).
  const wire = encodeRequest(apiVersionsSchema, 3, 55, 'future-client', {});
  const patched = Buffer.concat(wire);
  patched.writeInt16BE(7, 6); // api_version in the header, after the 4-byte size and the api key
  client.sendRaw(patched);
  const res = await client.response(apiVersionsSchema, 0, 55);
  assert.equal(res.errorCode, 35);
  assert.deepEqual(res.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 3 }]);
  const retry = await client.request(apiVersionsSchema, 3, { clientSoftwareName: 'future-client', clientSoftwareVersion: '9.9' });
  assert.equal(retry.errorCode, 0);
  assert.equal(client.isClosed, false);
});

test('a corrupt or oversized batch gets its per-partition error and the connection stays usable', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--max-message-bytes', '4096']);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const produce = (records: Buffer) => client.request(produceSchema, 7, {
    transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'victim', partitionData: [{ index: 0, records }] }],
  });
  const good = await produce(makeBatch({ records: 2, valueBytes: 10 }));
  assert.equal(good.responses[0]?.partitionResponses[0]?.errorCode, 0);

  const corrupt = makeBatch({ records: 2, valueBytes: 10 });
  corrupt.writeUInt32BE((corrupt.readUInt32BE(CRC_POS) ^ 0xdeadbeef) >>> 0, CRC_POS);
  const bad = (await produce(corrupt)).responses[0]?.partitionResponses[0];
  assert.equal(bad?.errorCode, 2, 'CORRUPT_MESSAGE');
  assert.equal(bad?.baseOffset, -1);

  const cut = makeBatch({ records: 3, valueBytes: 10 }).subarray(0, 40);
  assert.equal((await produce(cut)).responses[0]?.partitionResponses[0]?.errorCode, 2, 'a cut batch is CORRUPT_MESSAGE');

  const big = (await produce(makeBatch({ records: 1, valueBytes: 5000 }))).responses[0]?.partitionResponses[0];
  assert.equal(big?.errorCode, 10, 'MESSAGE_TOO_LARGE');

  const after = (await produce(makeBatch({ records: 1, valueBytes: 10 }))).responses[0]?.partitionResponses[0];
  assert.equal(after?.errorCode, 0);
  assert.equal(after?.baseOffset, 2, 'nothing of the refused batches was stored');

  const fetched = await client.request(fetchSchema, 11, {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'victim', partitions: [{ partition: 0, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  assert.equal(fetched.responses[0]?.partitions[0]?.highWatermark, 3);
  assert.equal(client.isClosed, false);
});

test('connections above connectionsMax are refused while the others keep working', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--connections-max', '2']);
  const a = await WireClient.connect(broker.port);
  const b = await WireClient.connect(broker.port);
  t.after(() => {
    a.close();
    b.close();
  });
  assert.equal((await a.request(apiVersionsSchema, 0, {})).errorCode, 0);
  assert.equal((await b.request(apiVersionsSchema, 0, {})).errorCode, 0);
  const refused = await WireClient.connect(broker.port);
  await waitFor(() => refused.isClosed, 5000, 'the third connection to be refused');
  await broker.process.waitForLine((l) => typeof l.msg === 'string' && l.msg.includes('connectionsMax'), 'the refusal log line');
  a.close();
  await waitFor(async () => {
    const c = await WireClient.connect(broker.port);
    try {
      return (await c.request(apiVersionsSchema, 0, {})).errorCode === 0;
    } catch {
      return false;
    } finally {
      c.close();
    }
  }, 5000, 'a new connection once one closed');
  assert.equal((await b.request(apiVersionsSchema, 0, {})).errorCode, 0);
});
