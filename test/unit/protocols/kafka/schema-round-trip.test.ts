// Every declared API, every version, both directions: random values encode and decode back to
// themselves, re-encoding is byte-identical, every truncation is a KafkaCodecError, and random
// mutations never raise anything else. Seeded: set WHARF_FUZZ_SEED to replay a printed seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaCodecError } from '../../../../src/protocols/kafka/codec/codec-error.js';
import { KafkaReader } from '../../../../src/protocols/kafka/codec/reader.js';
import { decodeRequestBody, decodeResponse, encodeRequest, encodeResponse, readRequest } from '../../../../src/protocols/kafka/messages.js';
import type { ApiSchema } from '../../../../src/protocols/kafka/schema/api-schema.js';
import { API_SCHEMAS } from '../../../../src/protocols/kafka/schema/index.js';
import { fullRegistry } from './helpers/full-registry.js';
import { fuzzSeed, randomInt, randomStruct, seededRng, type Rng } from './helpers/schema-values.js';

const SEED = fuzzSeed();
const ROUNDS_PER_VERSION = 12;

const registry = fullRegistry();

function versions(schema: ApiSchema): number[] {
  const out: number[] = [];
  for (let v = schema.versionMin; v <= schema.versionMax; v++) out.push(v);
  return out;
}

function requestFrame(schema: ApiSchema, version: number, value: Record<string, unknown>, correlationId: number): Buffer {
  // Without the size prefix, as FrameAssembler hands frames out.
  return Buffer.concat(encodeRequest(schema, version, correlationId, 'wharf-test', value)).subarray(4);
}

function responseFrame(schema: ApiSchema, version: number, value: Record<string, unknown>, correlationId: number): Buffer {
  return Buffer.concat(encodeResponse(schema, version, correlationId, value)).subarray(4);
}

function decodeRequestFrame(frame: Buffer): unknown {
  const incoming = readRequest(frame, registry);
  if (incoming.kind !== 'request') return incoming;
  return decodeRequestBody(incoming.api.schema, incoming.header.apiVersion, frame, incoming.bodyOffset);
}

test(`round trips of every API and version (seed ${SEED})`, (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = seededRng(SEED);
  let checked = 0;
  for (const schema of API_SCHEMAS) {
    for (const version of versions(schema)) {
      for (let round = 0; round < ROUNDS_PER_VERSION; round++) {
        const where = `${schema.name} v${version} round ${round} (seed ${SEED})`;
        const correlationId = randomInt(rng, -2147483648, 2147483647);

        const request = randomStruct(schema.request.fields, version, rng);
        const reqFrame = requestFrame(schema, version, request, correlationId);
        const incoming = readRequest(reqFrame, registry);
        assert.equal(incoming.kind, 'request', where);
        assert.ok(incoming.kind === 'request');
        assert.deepEqual(incoming.header, { apiKey: schema.apiKey, apiVersion: version, correlationId, clientId: 'wharf-test' }, where);
        const decodedRequest = decodeRequestBody(schema, version, reqFrame, incoming.bodyOffset);
        assert.deepStrictEqual(decodedRequest, request, where);
        assert.deepEqual(requestFrame(schema, version, decodedRequest, correlationId), reqFrame, `${where}: re-encoding differs`);

        const response = randomStruct(schema.response.fields, version, rng);
        const resFrame = responseFrame(schema, version, response, correlationId);
        const decodedResponse = decodeResponse(schema, version, resFrame);
        assert.equal(decodedResponse.correlationId, correlationId, where);
        assert.deepStrictEqual(decodedResponse.body, response, where);
        checked += 2;
      }
    }
  }
  t.diagnostic(`${checked} messages`);
});

test(`every truncation of a valid message is a KafkaCodecError (seed ${SEED})`, () => {
  const rng = seededRng(SEED + 1);
  for (const schema of API_SCHEMAS) {
    for (const version of versions(schema)) {
      const reqFrame = requestFrame(schema, version, randomStruct(schema.request.fields, version, rng), 7);
      const resFrame = responseFrame(schema, version, randomStruct(schema.response.fields, version, rng), 7);
      for (let length = 0; length < reqFrame.length; length++) {
        assert.throws(() => decodeRequestFrame(reqFrame.subarray(0, length)), KafkaCodecError,
          `${schema.name} v${version} request cut at ${length}/${reqFrame.length} (seed ${SEED})`);
      }
      for (let length = 0; length < resFrame.length; length++) {
        assert.throws(() => decodeResponse(schema, version, resFrame.subarray(0, length)), KafkaCodecError,
          `${schema.name} v${version} response cut at ${length}/${resFrame.length} (seed ${SEED})`);
      }
    }
  }
});

function mutate(frame: Buffer, rng: Rng): Buffer {
  let bytes = Buffer.from(frame);
  const edits = randomInt(rng, 1, 4);
  for (let i = 0; i < edits && bytes.length > 0; i++) {
    const at = randomInt(rng, 0, bytes.length - 1);
    const op = randomInt(rng, 0, 4);
    if (op === 0) bytes[at] = randomInt(rng, 0, 255);
    else if (op === 1) bytes[at] = [0x00, 0x7f, 0x80, 0xff][randomInt(rng, 0, 3)] as number;
    else if (op === 2) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    else if (op === 3) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([randomInt(rng, 0, 255)]), bytes.subarray(at)]);
    // Big counts and lengths are where unchecked decoders allocate.
    else if (at + 4 <= bytes.length) bytes.writeInt32BE([0x7fffffff, -2, 0x10000][randomInt(rng, 0, 2)] as number, at);
  }
  return bytes;
}

test(`random mutations raise KafkaCodecError or decode, never anything else (seed ${SEED})`, (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = seededRng(SEED + 2);
  const outcomes = { decoded: 0, refused: 0 };
  for (let i = 0; i < 20000; i++) {
    const schema = API_SCHEMAS[randomInt(rng, 0, API_SCHEMAS.length - 1)] as ApiSchema;
    const version = randomInt(rng, schema.versionMin, schema.versionMax);
    const isRequest = rng() < 0.5;
    const value = randomStruct(isRequest ? schema.request.fields : schema.response.fields, version, rng);
    const frame = isRequest ? requestFrame(schema, version, value, i) : responseFrame(schema, version, value, i);
    const mutated = mutate(frame, rng);
    try {
      if (isRequest) decodeRequestFrame(mutated);
      else decodeResponse(schema, version, mutated);
      outcomes.decoded += 1;
    } catch (err) {
      if (!(err instanceof KafkaCodecError)) {
        assert.fail(`${schema.name} v${version} ${isRequest ? 'request' : 'response'} iteration ${i} (seed ${SEED}) threw ${String(err)}`);
      }
      outcomes.refused += 1;
    }
  }
  t.diagnostic(`decoded ${outcomes.decoded}, refused ${outcomes.refused}`);
  assert.ok(outcomes.refused > 1000 && outcomes.decoded > 1000, 'the fuzz exercised both outcomes');
});

test(`random bytes as a request body never raise anything but KafkaCodecError (seed ${SEED})`, () => {
  const rng = seededRng(SEED + 3);
  for (let i = 0; i < 20000; i++) {
    const schema = API_SCHEMAS[randomInt(rng, 0, API_SCHEMAS.length - 1)] as ApiSchema;
    const version = randomInt(rng, schema.versionMin, schema.versionMax);
    const junk = Buffer.from(Array.from({ length: randomInt(rng, 0, 64) }, () => randomInt(rng, 0, 255)));
    try {
      schema.request.decode(version, new KafkaReader(junk));
    } catch (err) {
      assert.ok(err instanceof KafkaCodecError, `${schema.name} v${version} iteration ${i} (seed ${SEED}): ${String(err)}`);
    }
  }
});
