import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiRegistry, apiVersionsFromRegistry, declareApi, encodeApiVersionsUnsupported } from '../../../../src/protocols/kafka/api-registry.js';
import { KafkaWriter } from '../../../../src/protocols/kafka/codec/writer.js';
import { FrameAssembler } from '../../../../src/protocols/kafka/framing.js';
import { decodeRequestBody, decodeResponse, encodeResponse, readRequest } from '../../../../src/protocols/kafka/messages.js';
import {
  requestHeaderBytes, requestHeaderVersion, responseHeaderVersion, writeRequestHeader,
} from '../../../../src/protocols/kafka/request-header.js';
import { apiVersionsSchema, describeClusterSchema, fetchSchema, metadataSchema, produceSchema } from '../../../../src/protocols/kafka/schema/index.js';
import { createTier1Registry, TIER1_APIS, TIER1_TRANSACTION_APIS } from '../../../../src/protocols/kafka/tier1-apis.js';

function compactString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length + 1]), bytes]);
}

/**
 * ApiVersions v3 as librdkafka sends it first (protocol-matrix §1.1, KIP-511), built from the
 * spec byte by byte: request header v2 whose client_id keeps its int16 length, header tagged
 * fields, then a flexible body of two compact strings and its tagged fields.
 */
function librdkafkaApiVersionsV3(correlationId: number, headerTags: Buffer): Buffer {
  const clientId = Buffer.from('rdkafka', 'utf8');
  const header = Buffer.alloc(10);
  header.writeInt16BE(18, 0);
  header.writeInt16BE(3, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const body = Buffer.concat([compactString('librdkafka'), compactString('2.0.2'), Buffer.from([0])]);
  const payload = Buffer.concat([header, clientId, headerTags, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

test('a hand-built librdkafka ApiVersions v3 request decodes, split at every byte', () => {
  const registry = createTier1Registry();
  // One unknown header tag (tag 7, 2 bytes) must be skipped, as KIP-482 requires.
  const wire = librdkafkaApiVersionsV3(0x01020304, Buffer.from('0107020000', 'hex'));
  for (let cut = 0; cut < wire.length; cut++) {
    const assembler = new FrameAssembler();
    assembler.push(wire.subarray(0, cut));
    let frame = assembler.next();
    if (frame === null) {
      assembler.push(wire.subarray(cut));
      frame = assembler.next();
    }
    assert.ok(frame !== null, `cut ${cut}`);
    const incoming = readRequest(frame, registry);
    assert.ok(incoming.kind === 'request', `cut ${cut}`);
    assert.deepEqual(incoming.header, { apiKey: 18, apiVersion: 3, correlationId: 0x01020304, clientId: 'rdkafka' });
    assert.deepEqual(decodeRequestBody(apiVersionsSchema, 3, frame, incoming.bodyOffset), {
      clientSoftwareName: 'librdkafka',
      clientSoftwareVersion: '2.0.2',
    });
  }
});

test('the ApiVersions v3 answer has a v0 response header and a flexible body', () => {
  const registry = createTier1Registry();
  const frame = Buffer.concat(encodeResponse(apiVersionsSchema, 3, 77, { errorCode: 0, apiKeys: apiVersionsFromRegistry(registry) }));
  assert.equal(frame.readInt32BE(0), frame.length - 4);
  assert.equal(frame.readInt32BE(4), 77);
  // No header tag byte: error_code follows the correlation id directly (§1.6-C).
  assert.equal(frame.readInt16BE(8), 0);
  // Then a compact array: count + 1 as an unsigned varint.
  assert.equal(frame.readUInt8(10), TIER1_APIS.length + 1);
  // First entry (Produce): key, min, max, then the entry's empty tagged fields.
  assert.deepEqual([frame.readInt16BE(11), frame.readInt16BE(13), frame.readInt16BE(15), frame.readUInt8(17)], [0, 0, 7, 0]);
  // Ends with throttle_time_ms and the body's empty tagged fields.
  assert.equal(frame.readUInt8(frame.length - 1), 0);
  assert.equal(frame.length, 4 + 4 + 2 + 1 + TIER1_APIS.length * 7 + 4 + 1);
});

test('header versions follow flexibility, except ApiVersions responses (always v0)', () => {
  const cases: [string, number, number | null, number, 1 | 2, 0 | 1][] = [
    ['ApiVersions', 18, 3, 2, 1, 0],
    ['ApiVersions', 18, 3, 3, 2, 0],
    ['ApiVersions', 18, 3, 4, 2, 0],
    ['Metadata', 3, 9, 8, 1, 0],
    ['Metadata', 3, 9, 9, 2, 1],
    ['Produce', 0, 9, 7, 1, 0],
    ['Fetch', 1, 12, 12, 2, 1],
    ['DescribeCluster', 60, 0, 0, 2, 1],
    ['SaslHandshake', 17, null, 1, 1, 0],
  ];
  for (const [name, key, flexMin, version, req, res] of cases) {
    assert.equal(requestHeaderVersion(version, flexMin), req, `${name} v${version} request`);
    assert.equal(responseHeaderVersion(key, version, flexMin), res, `${name} v${version} response`);
  }
  assert.equal(describeClusterSchema.flexibleVersionMin, 0);
  assert.equal(metadataSchema.flexibleVersionMin, 9);
});

test('a flexible response other than ApiVersions carries the header tag byte', () => {
  const frame = Buffer.concat(encodeResponse(metadataSchema, 9, 5, { brokers: [], topics: [] }));
  assert.equal(frame.readInt32BE(4), 5);
  assert.equal(frame.readUInt8(8), 0, 'response header v1: empty tagged fields');
  assert.equal(frame.readInt32BE(9), 0, 'then throttle_time_ms');
});

test('client_id keeps its int16 length in request header v2, and null reads as ""', () => {
  const header = { apiKey: 3, apiVersion: 9, correlationId: 1, clientId: 'abc' };
  const w = new KafkaWriter(requestHeaderBytes(header, 2));
  writeRequestHeader(w, header, 2);
  assert.equal(Buffer.concat(w.finish()).toString('hex'), '0003' + '0009' + '00000001' + '0003616263' + '00');
  const nullClient = Buffer.from('0003000100000009ffff' + 'ffffffff' + '00', 'hex');
  const incoming = readRequest(nullClient, createTier1Registry());
  assert.ok(incoming.kind === 'request');
  assert.equal(incoming.header.clientId, '');
  assert.deepEqual(decodeRequestBody(metadataSchema, 1, nullClient, incoming.bodyOffset).topics, null);
});

test('ApiVersions entries are generated from the registry, ordered by key', () => {
  const entries = apiVersionsFromRegistry(createTier1Registry());
  // protocol-matrix §1.4 Tier 1, plus the optional group/admin rows it lists.
  assert.deepEqual(entries.map((e) => [e.apiKey, e.minVersion, e.maxVersion]), [
    [0, 0, 7], [1, 4, 11], [2, 1, 2], [3, 0, 4], [8, 2, 2], [9, 1, 2], [10, 0, 1], [11, 0, 2], [12, 0, 1],
    [13, 0, 1], [14, 0, 1], [15, 0, 2], [16, 0, 2], [18, 0, 3], [19, 2, 3], [20, 1, 1], [22, 0, 1],
    [32, 1, 1], [37, 0, 1], [42, 0, 1],
  ]);
  const withTxn = apiVersionsFromRegistry(createTier1Registry([...TIER1_APIS, ...TIER1_TRANSACTION_APIS]));
  assert.deepEqual(withTxn.filter((e) => e.apiKey >= 24 && e.apiKey <= 28).map((e) => e.apiKey), [24, 25, 26, 28]);
});

test('registration refuses ranges the schema cannot decode, and duplicates', () => {
  assert.throws(() => new ApiRegistry().register(declareApi(fetchSchema, 4, 13)), assert.AssertionError);
  assert.throws(() => new ApiRegistry().register(declareApi(fetchSchema, 5, 4)), assert.AssertionError);
  assert.throws(() => new ApiRegistry().register(declareApi(produceSchema, 0, 7)).register(declareApi(produceSchema, 3, 7)), assert.AssertionError);
  assert.throws(() => new ApiRegistry().register({ ...declareApi(produceSchema, 0, 7), apiKey: 1 }), assert.AssertionError);
});

test('unknown keys and unserved versions are reported, not decoded', () => {
  const registry = createTier1Registry();
  const prefix = (key: number, version: number): Buffer => {
    const b = Buffer.from('000000000000002a0000', 'hex');
    b.writeInt16BE(key, 0);
    b.writeInt16BE(version, 2);
    return b;
  };
  assert.deepEqual(readRequest(prefix(99, 0), registry), { kind: 'unknown-api', header: { apiKey: 99, apiVersion: 0, correlationId: 42 } });
  const fetchV3 = readRequest(prefix(1, 3), registry);
  assert.equal(fetchV3.kind, 'unsupported-version');
  const apiVersionsV9 = readRequest(prefix(18, 9), registry);
  assert.ok(apiVersionsV9.kind === 'unsupported-version');
  assert.equal(apiVersionsV9.header.correlationId, 42);
  // Produce 0–2 are advertised (G3) and so decoded; the handler refuses them per partition.
  assert.equal(readRequest(Buffer.concat([prefix(0, 2), Buffer.from('0001000003e800000000', 'hex')]), registry).kind, 'request');
});

test('an ApiVersions request at an unserved version gets error 35 in the v0 layout with our range', () => {
  const frame = Buffer.concat(encodeApiVersionsUnsupported(createTier1Registry(), 42));
  const { correlationId, body } = decodeResponse(apiVersionsSchema, 0, frame.subarray(4));
  assert.equal(correlationId, 42);
  assert.equal(body.errorCode, 35);
  assert.deepEqual(body.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 3 }]);
  assert.equal(frame.length, 4 + 4 + 2 + 4 + 6, 'nothing after the v0 body');
});
