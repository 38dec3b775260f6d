// Responses encoded by Wharf, decoded by kafkajs 2.2.4's own response decoders: random values
// per API and version, mapped to the names kafkajs gives them, must come out unchanged.
// Fetch uses real RecordBatches built by kafkajs, since kafkajs decodes the records too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeApiVersionsUnsupported } from '../../../../src/protocols/kafka/api-registry.js';
import { encodeResponse } from '../../../../src/protocols/kafka/messages.js';
import type { ApiSchema } from '../../../../src/protocols/kafka/schema/api-schema.js';
import * as schemas from '../../../../src/protocols/kafka/schema/index.js';
import { createTier1Registry } from '../../../../src/protocols/kafka/tier1-apis.js';
import { assertMatches, kjsRecordBatch, kjsResponse } from './helpers/kafkajs.js';
import { fuzzSeed, randomStruct, seededRng } from './helpers/schema-values.js';

type Obj = Record<string, unknown>;
const SEED = fuzzSeed();
const ROUNDS = 8;

const list = (v: unknown): Obj[] => v as Obj[];
const str = (v: unknown): string => String(v);
const when = (cond: boolean, fields: Obj): Obj => (cond ? fields : {});
/** kafkajs sorts CreateTopics / DeleteTopics / CreatePartitions results by topic name. */
const byTopic = (items: Obj[]): Obj[] => [...items].sort((a, b) => str(a['topic']).localeCompare(str(b['topic'])));

/** What kafkajs should decode from our response `b` at version `v`, in kafkajs's own names. */
interface Case {
  readonly schema: ApiSchema;
  readonly kjs: string;
  readonly versions: readonly number[];
  readonly expect: (b: Obj, v: number) => Obj;
}

const CASES: Case[] = [
  { schema: schemas.apiVersionsSchema, kjs: 'apiVersions', versions: [0, 1, 2], expect: (b) => ({
    errorCode: b['errorCode'], apiVersions: list(b['apiKeys']).map((k) => ({ apiKey: k['apiKey'], minVersion: k['minVersion'], maxVersion: k['maxVersion'] })),
  }) },
  { schema: schemas.metadataSchema, kjs: 'metadata', versions: [0, 1, 2, 3, 4, 5, 6], expect: (b, v) => ({
    brokers: list(b['brokers']).map((x) => ({ nodeId: x['nodeId'], host: x['host'], port: x['port'], ...when(v >= 1, { rack: x['rack'] }) })),
    ...when(v >= 1, { controllerId: b['controllerId'] }),
    ...when(v >= 2, { clusterId: b['clusterId'] }),
    topicMetadata: list(b['topics']).map((t) => ({
      topicErrorCode: t['errorCode'], topic: t['name'], ...when(v >= 1, { isInternal: t['isInternal'] }),
      partitionMetadata: list(t['partitions']).map((p) => ({
        partitionErrorCode: p['errorCode'], partitionId: p['partitionIndex'], leader: p['leaderId'], replicas: p['replicaNodes'], isr: p['isrNodes'],
        ...when(v >= 5, { offlineReplicas: p['offlineReplicas'] }),
      })),
    })),
  }) },
  { schema: schemas.produceSchema, kjs: 'produce', versions: [0, 1, 2, 3, 4, 5, 6, 7], expect: (b, v) => ({
    topics: list(b['responses']).map((t) => ({
      topicName: t['name'],
      partitions: list(t['partitionResponses']).map((p) => ({
        partition: p['index'], errorCode: p['errorCode'],
        ...(v >= 3 ? { baseOffset: str(p['baseOffset']), logAppendTime: str(p['logAppendTimeMs']) } : { offset: str(p['baseOffset']) }),
        ...when(v === 2, { timestamp: str(p['logAppendTimeMs']) }),
        ...when(v >= 5, { logStartOffset: str(p['logStartOffset']) }),
      })),
    })),
  }) },
  { schema: schemas.listOffsetsSchema, kjs: 'listOffsets', versions: [0, 1, 2, 3], expect: (b, v) => ({
    responses: list(b['topics']).map((t) => ({
      topic: t['name'],
      partitions: list(t['partitions']).map((p) => ({
        partition: p['partitionIndex'], errorCode: p['errorCode'],
        ...(v === 0 ? { offsets: (p['oldStyleOffsets'] as number[]).map(str) } : { timestamp: str(p['timestamp']), offset: str(p['offset']) }),
      })),
    })),
  }) },
  { schema: schemas.findCoordinatorSchema, kjs: 'findCoordinator', versions: [0, 1, 2], expect: (b, v) => ({
    errorCode: b['errorCode'], ...when(v >= 1, { errorMessage: b['errorMessage'] }),
    coordinator: { nodeId: b['nodeId'], host: b['host'], port: b['port'] },
  }) },
  { schema: schemas.createTopicsSchema, kjs: 'createTopics', versions: [0, 1, 2, 3], expect: (b, v) => ({
    topicErrors: byTopic(list(b['topics']).map((t) => ({ topic: t['name'], errorCode: t['errorCode'], ...when(v >= 1, { errorMessage: t['errorMessage'] }) }))),
  }) },
  { schema: schemas.deleteTopicsSchema, kjs: 'deleteTopics', versions: [0, 1], expect: (b) => ({
    topicErrors: byTopic(list(b['responses']).map((t) => ({ topic: t['name'], errorCode: t['errorCode'] }))),
  }) },
  { schema: schemas.initProducerIdSchema, kjs: 'initProducerId', versions: [0, 1], expect: (b) => ({
    errorCode: b['errorCode'], producerId: str(b['producerId']), producerEpoch: b['producerEpoch'],
  }) },
  { schema: schemas.joinGroupSchema, kjs: 'joinGroup', versions: [0, 1, 2, 3, 4, 5], expect: (b, v) => ({
    errorCode: b['errorCode'], generationId: b['generationId'], groupProtocol: b['protocolName'], leaderId: b['leader'], memberId: b['memberId'],
    members: list(b['members']).map((m) => ({ memberId: m['memberId'], ...when(v >= 5, { groupInstanceId: m['groupInstanceId'] }), memberMetadata: m['metadata'] })),
  }) },
  { schema: schemas.syncGroupSchema, kjs: 'syncGroup', versions: [0, 1, 2, 3], expect: (b) => ({ errorCode: b['errorCode'], memberAssignment: b['assignment'] }) },
  { schema: schemas.heartbeatSchema, kjs: 'heartbeat', versions: [0, 1, 2, 3], expect: (b) => ({ errorCode: b['errorCode'] }) },
  { schema: schemas.leaveGroupSchema, kjs: 'leaveGroup', versions: [0, 1, 2, 3], expect: (b, v) => ({
    errorCode: b['errorCode'],
    ...when(v >= 3, { members: list(b['members']).map((m) => ({ memberId: m['memberId'], groupInstanceId: m['groupInstanceId'], errorCode: m['errorCode'] })) }),
  }) },
  { schema: schemas.offsetCommitSchema, kjs: 'offsetCommit', versions: [0, 1, 2, 3, 4, 5], expect: (b) => ({
    responses: list(b['topics']).map((t) => ({ topic: t['name'], partitions: list(t['partitions']).map((p) => ({ partition: p['partitionIndex'], errorCode: p['errorCode'] })) })),
  }) },
  { schema: schemas.offsetFetchSchema, kjs: 'offsetFetch', versions: [1, 2, 3, 4], expect: (b, v) => ({
    responses: list(b['topics']).map((t) => ({
      topic: t['name'],
      partitions: list(t['partitions']).map((p) => ({ partition: p['partitionIndex'], offset: str(p['committedOffset']), metadata: p['metadata'], errorCode: p['errorCode'] })),
    })),
    ...when(v >= 2, { errorCode: b['errorCode'] }),
  }) },
  { schema: schemas.listGroupsSchema, kjs: 'listGroups', versions: [0, 1, 2], expect: (b) => ({
    errorCode: b['errorCode'], groups: list(b['groups']).map((g) => ({ groupId: g['groupId'], protocolType: g['protocolType'] })),
  }) },
  { schema: schemas.describeGroupsSchema, kjs: 'describeGroups', versions: [0, 1, 2], expect: (b) => ({
    groups: list(b['groups']).map((g) => ({
      errorCode: g['errorCode'], groupId: g['groupId'], state: g['groupState'], protocolType: g['protocolType'], protocol: g['protocolData'],
      members: list(g['members']).map((m) => ({ memberId: m['memberId'], clientId: m['clientId'], clientHost: m['clientHost'], memberMetadata: m['memberMetadata'], memberAssignment: m['memberAssignment'] })),
    })),
  }) },
  { schema: schemas.deleteGroupsSchema, kjs: 'deleteGroups', versions: [0, 1], expect: (b) => ({
    throttleTimeMs: b['throttleTimeMs'], results: list(b['results']).map((r) => ({ groupId: r['groupId'], errorCode: r['errorCode'] })),
  }) },
  { schema: schemas.describeConfigsSchema, kjs: 'describeConfigs', versions: [0, 1, 2], expect: (b, v) => ({
    resources: list(b['results']).map((r) => ({
      errorCode: r['errorCode'], errorMessage: r['errorMessage'], resourceType: r['resourceType'], resourceName: r['resourceName'],
      configEntries: list(r['configs']).map((c) => ({
        configName: c['name'], configValue: c['value'], readOnly: c['readOnly'], isSensitive: c['isSensitive'],
        ...(v === 0 ? { isDefault: c['isDefault'] } : {
          configSource: c['configSource'],
          configSynonyms: list(c['synonyms']).map((s) => ({ configName: s['name'], configValue: s['value'], configSource: s['source'] })),
        }),
      })),
    })),
  }) },
  { schema: schemas.alterConfigsSchema, kjs: 'alterConfigs', versions: [0, 1], expect: (b) => ({
    resources: list(b['responses']).map((r) => ({ errorCode: r['errorCode'], errorMessage: r['errorMessage'], resourceType: r['resourceType'], resourceName: r['resourceName'] })),
  }) },
  { schema: schemas.createPartitionsSchema, kjs: 'createPartitions', versions: [0, 1], expect: (b) => ({
    topicErrors: byTopic(list(b['results']).map((r) => ({ topic: r['name'], errorCode: r['errorCode'], errorMessage: r['errorMessage'] }))),
  }) },
  { schema: schemas.saslHandshakeSchema, kjs: 'saslHandshake', versions: [0, 1], expect: (b) => ({ errorCode: b['errorCode'], enabledMechanisms: b['mechanisms'] }) },
  { schema: schemas.addPartitionsToTxnSchema, kjs: 'addPartitionsToTxn', versions: [0, 1], expect: (b) => ({
    errors: list(b['results']).map((t) => ({
      topic: t['name'], partitionErrors: list(t['resultsByPartition']).map((p) => ({ partition: p['partitionIndex'], errorCode: p['partitionErrorCode'] })),
    })),
  }) },
  { schema: schemas.addOffsetsToTxnSchema, kjs: 'addOffsetsToTxn', versions: [0, 1], expect: (b) => ({ errorCode: b['errorCode'] }) },
  { schema: schemas.endTxnSchema, kjs: 'endTxn', versions: [0, 1], expect: (b) => ({ errorCode: b['errorCode'] }) },
  { schema: schemas.txnOffsetCommitSchema, kjs: 'txnOffsetCommit', versions: [0, 1], expect: (b) => ({
    topics: list(b['topics']).map((t) => ({ topic: t['name'], partitions: list(t['partitions']).map((p) => ({ partition: p['partitionIndex'], errorCode: p['errorCode'] })) })),
  }) },
];

/** kafkajs's decoders throw on error 35 (their version-fallback signal); keep random codes off it. */
function avoidUnsupportedVersion(value: unknown): void {
  if (Array.isArray(value)) value.forEach(avoidUnsupportedVersion);
  else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (/errorcode$/i.test(k) && v === 35) (value as Obj)[k] = 36;
      else avoidUnsupportedVersion(v);
    }
  }
}

/**
 * kafkajs moves throttle_time_ms to clientSideThrottleTime from the KIP-219 versions on. Its
 * DeleteGroups decoders call it throttleTimeMs (and v1 then loses it), so that name wins.
 */
function kjsThrottle(decoded: Obj): unknown {
  return decoded['throttleTimeMs'] ?? decoded['clientSideThrottleTime'] ?? decoded['throttleTime'];
}

test(`kafkajs decodes Wharf's responses for every API and version it knows (seed ${SEED})`, async (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = seededRng(SEED);
  let checked = 0;
  for (const c of CASES) {
    for (const v of c.versions) {
      for (let round = 0; round < ROUNDS; round++) {
        const body = randomStruct(c.schema.response.fields, v, rng);
        avoidUnsupportedVersion(body);
        const frame = Buffer.concat(encodeResponse(c.schema, v, 99, body));
        assert.equal(frame.readInt32BE(4), 99);
        const decoded = (await kjsResponse(c.kjs, v).decode(frame.subarray(8))) as Obj;
        const where = `${c.schema.name} v${v} round ${round} (seed ${SEED})`;
        try {
          assertMatches(decoded, c.expect(body, v));
        } catch (err) {
          assert.fail(`${where}: ${(err as Error).message}`);
        }
        if (v >= (c.schema.response.fields['throttleTimeMs']?.versions.min ?? Infinity)) assert.equal(kjsThrottle(decoded), body['throttleTimeMs'], `${where}: throttle`);
        checked += 1;
      }
    }
  }
  t.diagnostic(`${checked} responses`);
});

test('kafkajs decodes Wharf Fetch v4–11 responses, records and all', async () => {
  const batch = await kjsRecordBatch([{ key: 'k1', value: 'hello' }, { key: null, value: 'world', headers: { trace: 'abc' } }], 1_700_000_000_000);
  // A large second slice exercises the pass-through path: sent as its own Buffer, not copied.
  const bigValue = 'x'.repeat(6000);
  const bigBatch = await kjsRecordBatch([{ key: 'big', value: bigValue }], 1_700_000_000_100);
  bigBatch.writeInt32BE(0, 0);
  bigBatch.writeInt32BE(2, 4); // baseOffset 2: follows the first batch (offsets 0–1); outside the CRC (G7).
  for (let v = 4; v <= 11; v++) {
    const body = {
      throttleTimeMs: 5, errorCode: 0, sessionId: 0,
      responses: [{
        topic: 'orders',
        partitions: [
          { partitionIndex: 0, errorCode: 0, highWatermark: 3, lastStableOffset: 3, logStartOffset: 0, abortedTransactions: [{ producerId: 77, firstOffset: 1 }], preferredReadReplica: -1, records: [batch, bigBatch] },
          { partitionIndex: 1, errorCode: 1, highWatermark: 0, lastStableOffset: 0, logStartOffset: 0, abortedTransactions: [], records: null },
        ],
      }],
    };
    const parts = encodeResponse(schemas.fetchSchema, v, 7, body);
    assert.ok(parts.includes(bigBatch), `Fetch v${v}: the big batch is passed through`);
    const decoded = (await kjsResponse('fetch', v).decode(Buffer.concat(parts).subarray(8))) as Obj;
    try {
      assertMatches(decoded, {
        ...when(v >= 7, { errorCode: 0, sessionId: 0 }),
        responses: [{
          topicName: 'orders',
          partitions: [
            {
              partition: 0, errorCode: 0, highWatermark: '3', lastStableOffset: '3',
              ...when(v >= 5, { lastStartOffset: '0' }),
              abortedTransactions: [{ producerId: '77', firstOffset: '1' }],
              ...when(v >= 11, { preferredReadReplica: -1 }),
              messages: [
                { offset: '0', key: Buffer.from('k1'), value: Buffer.from('hello') },
                { offset: '1', key: null, value: Buffer.from('world'), headers: { trace: Buffer.from('abc') } },
                { offset: '2', key: Buffer.from('big'), value: Buffer.from(bigValue) },
              ],
            },
            { partition: 1, errorCode: 1, highWatermark: '0', messages: [] },
          ],
        }],
      });
    } catch (err) {
      assert.fail(`Fetch v${v}: ${(err as Error).message}`);
    }
    assert.equal(kjsThrottle(decoded), 5);
  }
});

test('kafkajs reads our error-35 ApiVersions answer as its signal to retry a lower version', async () => {
  // kafkajs tries v2, then v1, then v0, moving down only on UNSUPPORTED_VERSION (§1.1).
  const frame = Buffer.concat(encodeApiVersionsUnsupported(createTier1Registry(), 3));
  for (const v of [0, 1, 2]) {
    await assert.rejects(kjsResponse('apiVersions', v).decode(frame.subarray(8)), (err: unknown) => (err as { type?: string }).type === 'UNSUPPORTED_VERSION');
  }
});
