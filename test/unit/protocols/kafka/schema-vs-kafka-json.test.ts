// Checks every declared schema, field by field and version by version, against Kafka's own
// message definitions (clients/src/main/resources/common/message/*.json in apache/kafka): field
// order, type, nullability, tag, default, validity and flexibility of each version. Those files
// are not vendored, so this runs only when KAFKA_MESSAGE_JSON_DIR points at a checkout's folder;
// run it whenever a schema or its version range changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_SCHEMAS } from '../../../../src/protocols/kafka/schema/index.js';
import { CONSUMER_PROTOCOL_MESSAGES } from '../../../../src/protocols/kafka/schema/consumer-protocol.js';
import { inRange, versionRange, type StructFields, type VersionRange } from '../../../../src/protocols/kafka/schema/fields.js';

const DIR = process.env['KAFKA_MESSAGE_JSON_DIR'];

interface JsonField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  fields?: JsonField[];
}
interface JsonMessage {
  apiKey: number;
  validVersions: string;
  flexibleVersions: string;
  fields: JsonField[];
  commonStructs?: { name: string; fields: JsonField[] }[];
}

/** Where Wharf names a field differently from Kafka (only to drop the "V3AndBelow" noise). */
const RENAMED: Record<string, string> = {
  v3AndBelowTransactionalId: 'transactionalId', v3AndBelowProducerId: 'producerId', v3AndBelowProducerEpoch: 'producerEpoch',
  v3AndBelowTopics: 'topics', resultsByTopicV3AndBelow: 'results',
};
const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'int32', 'int64', 'uuid', 'string', 'bytes', 'records', 'float64', 'uint16']);

interface Flat { path: string; type: string; nullable: boolean; tag: number | null; def: unknown }

const range = (spec: string | undefined): VersionRange => versionRange(spec ?? 'none');

function parseJson(file: string): JsonMessage {
  const text = readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/^\s*\/\/.*$/, '')).join('\n');
  return JSON.parse(text) as JsonMessage;
}

function kafkaDefault(f: JsonField, type: string): unknown {
  const d = f.default;
  if (d === 'null') return null;
  if (type === 'bool') return d === undefined ? false : d === true || d === 'true';
  if (type.startsWith('int')) return d === undefined ? 0 : Number(d);
  if (type === 'string') return d ?? '';
  return undefined;
}

function flattenKafka(fields: JsonField[], common: Map<string, JsonField[]>, version: number, prefix: string, out: Flat[]): void {
  for (const f of fields) {
    if (!inRange(range(f.versions), version)) continue;
    const name = f.name.charAt(0).toLowerCase() + f.name.slice(1);
    const path = prefix + (RENAMED[name] ?? name);
    const element = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
    const primitive = PRIMITIVES.has(element);
    const type = f.type.startsWith('[]') ? (primitive ? f.type : '[]struct') : (primitive ? f.type : 'struct');
    const tag = inRange(range(f.taggedVersions), version) ? (f.tag ?? -1) : null;
    out.push({ path, type, nullable: inRange(range(f.nullableVersions), version), tag, def: kafkaDefault(f, type) });
    const nested = f.fields ?? common.get(element);
    if (!primitive && nested !== undefined) flattenKafka(nested, common, version, `${path}.`, out);
  }
}

function flattenWharf(fields: StructFields, version: number, prefix: string, out: Flat[]): void {
  for (const [name, f] of Object.entries(fields)) {
    if (!inRange(f.versions, version)) continue;
    const path = prefix + name;
    const nested = typeof f.element === 'object' && f.element !== null ? f.element : null;
    const type = f.kind === 'array' ? (nested === null ? `[]${String(f.element)}` : '[]struct') : f.kind;
    const tag = inRange(f.taggedVersions, version) ? f.tag : null;
    const zero = type === 'bool' ? false : type.startsWith('int') ? 0 : type === 'string' ? '' : undefined;
    out.push({ path, type, nullable: inRange(f.nullableVersions, version), tag, def: f.declaredDefault === undefined ? zero : f.declaredDefault });
    if (nested !== null) flattenWharf(nested, version, `${path}.`, out);
  }
}

test('every schema matches Kafka\'s message JSON in every declared version', { skip: DIR === undefined && 'set KAFKA_MESSAGE_JSON_DIR to <kafka>/clients/src/main/resources/common/message' }, () => {
  const dir = DIR as string;
  let checked = 0;
  for (const schema of API_SCHEMAS) {
    for (const [direction, fields] of [['Request', schema.request.fields], ['Response', schema.response.fields]] as const) {
      const json = parseJson(join(dir, `${schema.name}${direction}.json`));
      assert.equal(json.apiKey, schema.apiKey, schema.name);
      const common = new Map((json.commonStructs ?? []).map((c) => [c.name, c.fields]));
      for (let v = schema.versionMin; v <= schema.versionMax; v++) {
        const where = `${schema.name}${direction} v${v}`;
        assert.ok(inRange(range(json.validVersions), v), `${where} is not a valid Kafka version`);
        assert.equal(inRange(range(json.flexibleVersions), v), schema.isFlexible(v), `${where} flexibility`);
        const kafka: Flat[] = [];
        const wharf: Flat[] = [];
        flattenKafka(json.fields, common, v, '', kafka);
        flattenWharf(fields, v, '', wharf);
        // Kafka's nullable strings without a default default to ""; Wharf picks null for error
        // messages and the like, which every client reads as "none". Only that may differ.
        const comparable = (f: Flat, other: Flat | undefined): Flat =>
          ({ ...f, def: f.nullable && other !== undefined && (f.def === null || other.def === null) ? 'nullable' : f.def });
        assert.deepEqual(wharf.map((f, i) => comparable(f, kafka[i])), kafka.map((f, i) => comparable(f, wharf[i])), where);
        checked += 1;
      }
    }
  }
  assert.ok(checked > 300);
});

test('the consumer protocol\'s data messages match Kafka\'s JSON in every version', { skip: DIR === undefined && 'set KAFKA_MESSAGE_JSON_DIR to <kafka>/clients/src/main/resources/common/message' }, () => {
  for (const message of CONSUMER_PROTOCOL_MESSAGES) {
    const json = parseJson(join(DIR as string, `${message.name}.json`));
    assert.deepEqual(range(json.validVersions), { min: 0, max: message.versionMax }, `${message.name} versions`);
    assert.equal(json.flexibleVersions, 'none');
    const common = new Map((json.commonStructs ?? []).map((c) => [c.name, c.fields]));
    for (let v = 0; v <= message.versionMax; v++) {
      const kafka: Flat[] = [];
      const wharf: Flat[] = [];
      flattenKafka(json.fields, common, v, '', kafka);
      flattenWharf(message.fields, v, '', wharf);
      assert.deepEqual(wharf, kafka, `${message.name} v${v}`);
    }
  }
});
