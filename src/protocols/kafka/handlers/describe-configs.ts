// DescribeConfigs (key 32), version 1 (protocol-matrix §1.4; v1 adds config_source and synonyms,
// KIP-226). Only admin tools call it (G5). A topic lists every config Wharf supports with its
// value and where it comes from; a broker lists a few of its settings under Kafka's names,
// read-only since they change only with a restart.
import { TOPIC_CONFIG_DEFS } from '../../../broker/topic-config.js';
import { KafkaErrorCode } from '../error-codes.js';
import type { RequestData, ResponseInput } from '../schema/api-schema.js';
import { describeConfigsSchema } from '../schema/describe-configs.js';
import { ConfigSource, ResourceType } from './config-resources.js';
import { defineHandler, type RequestContext } from './handler.js';

type ResourceRequest = RequestData<typeof describeConfigsSchema>['resources'][number];
type ResourceResult = ResponseInput<typeof describeConfigsSchema>['results'][number];
type ConfigEntry = ResourceResult['configs'][number];

export const describeConfigsHandler = defineHandler({
  schema: describeConfigsSchema,
  versionMin: 1,
  versionMax: 1,
  async handle(ctx, request) {
    const results = request.resources.map((r) => describe(ctx, r, request.includeSynonyms));
    return { throttleTimeMs: 0, results };
  },
});

function describe(ctx: RequestContext, r: ResourceRequest, includeSynonyms: boolean): ResourceResult {
  const base = { errorCode: KafkaErrorCode.NONE, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
  // Null or empty means every config (Kafka's ConfigHelper reads both that way).
  const wanted = r.configurationKeys === null || r.configurationKeys.length === 0 ? null : new Set(r.configurationKeys);
  const keep = (name: string): boolean => wanted === null || wanted.has(name);
  if (r.resourceType === ResourceType.TOPIC) {
    const { topics } = ctx.services.broker;
    const topic = topics.get(r.resourceName);
    if (topic === undefined) return { ...base, errorCode: KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `unknown topic ${r.resourceName}` };
    const values = topics.effectiveConfigs(topic);
    const configs = TOPIC_CONFIG_DEFS.filter((d) => keep(d.name)).map((d) => {
      const source = topics.isDefaultConfig(topic, d.name) ? ConfigSource.DEFAULT : ConfigSource.TOPIC;
      return entry(d.name, values[d.name] ?? null, false, source, includeSynonyms);
    });
    return { ...base, configs };
  }
  if (r.resourceType === ResourceType.BROKER) {
    const nodeId = ctx.services.self.nodeId;
    // "" names the cluster-wide defaults, which on a single node are this broker's settings.
    if (r.resourceName !== '' && r.resourceName !== String(nodeId)) {
      return { ...base, errorCode: KafkaErrorCode.INVALID_REQUEST, errorMessage: `this is broker ${nodeId}; ask for resource name "${nodeId}"` };
    }
    const configs = ctx.services.brokerConfigs.filter((c) => keep(c.name)).map((c) => entry(c.name, c.value, true, ConfigSource.STATIC_BROKER, includeSynonyms));
    return { ...base, configs };
  }
  return { ...base, errorCode: KafkaErrorCode.INVALID_REQUEST, errorMessage: `resource type ${r.resourceType} is not supported; ask for topics (2) or brokers (4)` };
}

function entry(name: string, value: string | null, readOnly: boolean, source: number, includeSynonyms: boolean): ConfigEntry {
  return {
    name,
    value,
    readOnly,
    configSource: source,
    isSensitive: false,
    // Kafka lists the entry itself first among its synonyms; there is no other level in Wharf.
    synonyms: includeSynonyms ? [{ name, value, source }] : [],
  };
}
