// Topic administration: create, delete, add partitions, describe and change configs. Each call
// checks the per-topic error code and turns it into a BrokerError whose message says what to do.
import { checkErrorCode, ClientError } from './client-errors.js';
import type { KafkaClient } from './kafka-client.js';
import { fetchMetadata } from './metadata.js';
import { CLIENT_APIS } from './version-negotiation.js';

/** DescribeConfigs resource types (ConfigResource.Type): a topic, a broker. */
const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const ADMIN_TIMEOUT_MS = 30_000;
/** KIP-339 operations of IncrementalAlterConfigs. */
const OP_SET = 0;
const OP_DELETE = 1;

/** Config sources of DescribeConfigs v1+ (KIP-226), by number. */
const CONFIG_SOURCES = ['unknown', 'topic', 'dynamic-broker', 'dynamic-default-broker', 'static-broker', 'default', 'dynamic-broker-logger'] as const;
const SOURCE_TOPIC = 1;

export interface CreateTopicOptions {
  /** Partition count; the broker's default (its num.partitions) when absent. */
  readonly partitions?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export async function createTopic(client: KafkaClient, name: string, options: CreateTopicOptions = {}): Promise<void> {
  const version = client.version(CLIENT_APIS.createTopics);
  // KIP-464: from v4 on, -1 asks for the broker's defaults; older versions need numbers, so the
  // broker's own settings are read first.
  const defaults = options.partitions === undefined && version < 4 ? await brokerTopicDefaults(client) : { partitions: -1, replicationFactor: -1 };
  const body = await client.request(CLIENT_APIS.createTopics, {
    topics: [{
      name,
      numPartitions: options.partitions ?? defaults.partitions,
      replicationFactor: version >= 4 ? -1 : defaults.replicationFactor,
      assignments: [],
      configs: Object.entries(options.configs ?? {}).map(([key, value]) => ({ name: key, value })),
    }],
    timeoutMs: ADMIN_TIMEOUT_MS,
    validateOnly: false,
  }, { version });
  for (const t of body.topics) checkErrorCode(t.errorCode, `creating topic ${t.name}`, t.errorMessage);
}

/**
 * The broker's num.partitions and default.replication.factor, from DescribeConfigs on the
 * controller's broker resource; 1 and 1 when it does not say.
 */
export async function brokerTopicDefaults(client: KafkaClient): Promise<{ partitions: number; replicationFactor: number }> {
  const fallback = { partitions: 1, replicationFactor: 1 };
  try {
    const md = await fetchMetadata(client, []);
    const nodeId = md.controllerId >= 0 ? md.controllerId : md.brokers[0]?.nodeId;
    if (nodeId === undefined) return fallback;
    const body = await client.request(CLIENT_APIS.describeConfigs, {
      resources: [{ resourceType: RESOURCE_BROKER, resourceName: String(nodeId), configurationKeys: ['num.partitions', 'default.replication.factor'] }],
    });
    const configs = body.results[0]?.errorCode === 0 ? body.results[0].configs : [];
    const positive = (key: string, otherwise: number): number => {
      const n = Number(configs.find((c) => c.name === key)?.value ?? NaN);
      return Number.isSafeInteger(n) && n >= 1 ? n : otherwise;
    };
    return { partitions: positive('num.partitions', 1), replicationFactor: positive('default.replication.factor', 1) };
  } catch (err) {
    // A broker that cannot describe itself still creates the topic, with one partition.
    if (err instanceof ClientError) return fallback;
    throw err;
  }
}

export async function deleteTopic(client: KafkaClient, name: string): Promise<void> {
  const body = await client.request(CLIENT_APIS.deleteTopics, { topicNames: [name], timeoutMs: ADMIN_TIMEOUT_MS });
  for (const t of body.responses) checkErrorCode(t.errorCode, `deleting topic ${t.name}`);
}

/** Raises the topic's partition count to `count` (partitions are never removed). */
export async function createPartitions(client: KafkaClient, name: string, count: number): Promise<void> {
  const body = await client.request(CLIENT_APIS.createPartitions, {
    topics: [{ name, count, assignments: null }],
    timeoutMs: ADMIN_TIMEOUT_MS,
    validateOnly: false,
  });
  for (const r of body.results) checkErrorCode(r.errorCode, `adding partitions to ${r.name}`, r.errorMessage);
}

export interface TopicConfigEntry {
  readonly name: string;
  readonly value: string | null;
  /** Where the value comes from: "topic" when set on the topic, otherwise a default. */
  readonly source: (typeof CONFIG_SOURCES)[number];
  readonly isDefault: boolean;
  readonly readOnly: boolean;
  readonly isSensitive: boolean;
}

/** Every config of a topic, sorted by name. */
export async function describeTopicConfigs(client: KafkaClient, name: string): Promise<TopicConfigEntry[]> {
  const body = await client.request(CLIENT_APIS.describeConfigs, {
    resources: [{ resourceType: RESOURCE_TOPIC, resourceName: name, configurationKeys: null }],
    includeSynonyms: false,
    includeDocumentation: false,
  });
  const out: TopicConfigEntry[] = [];
  for (const r of body.results) {
    checkErrorCode(r.errorCode, `describing the configs of ${r.resourceName}`, r.errorMessage);
    for (const c of r.configs) {
      out.push({
        name: c.name,
        value: c.value,
        source: CONFIG_SOURCES[c.configSource] ?? 'unknown',
        isDefault: c.configSource !== SOURCE_TOPIC,
        readOnly: c.readOnly,
        isSensitive: c.isSensitive,
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Sets and removes topic-level overrides. Uses IncrementalAlterConfigs (KIP-339) when the broker
 * serves it; otherwise AlterConfigs, which replaces the whole override set, so the current
 * overrides are read first and sent back with the changes (a concurrent change can be lost).
 */
export async function alterTopicConfigs(
  client: KafkaClient, name: string, set: Readonly<Record<string, string>>, remove: readonly string[],
): Promise<void> {
  if (client.supports(CLIENT_APIS.incrementalAlterConfigs)) {
    const configs = [
      ...Object.entries(set).map(([key, value]) => ({ name: key, configOperation: OP_SET, value })),
      ...remove.map((key) => ({ name: key, configOperation: OP_DELETE, value: null })),
    ];
    const body = await client.request(CLIENT_APIS.incrementalAlterConfigs, {
      resources: [{ resourceType: RESOURCE_TOPIC, resourceName: name, configs }],
      validateOnly: false,
    });
    for (const r of body.responses) checkErrorCode(r.errorCode, `changing the configs of ${r.resourceName}`, r.errorMessage);
    return;
  }
  const overrides = new Map<string, string | null>();
  for (const c of await describeTopicConfigs(client, name)) if (!c.isDefault) overrides.set(c.name, c.value);
  for (const key of remove) overrides.delete(key);
  for (const [key, value] of Object.entries(set)) overrides.set(key, value);
  const body = await client.request(CLIENT_APIS.alterConfigs, {
    resources: [{ resourceType: RESOURCE_TOPIC, resourceName: name, configs: [...overrides].map(([key, value]) => ({ name: key, value })) }],
    validateOnly: false,
  });
  for (const r of body.responses) checkErrorCode(r.errorCode, `changing the configs of ${r.resourceName}`, r.errorMessage);
}
