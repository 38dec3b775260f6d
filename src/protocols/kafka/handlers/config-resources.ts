// What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share: Kafka's resource types
// and config sources (ConfigResource.Type, DescribeConfigsResponse.ConfigSource), and how a
// resource that is not a topic is answered.
import { kafkaErrorFor } from '../broker-error-map.js';
import { KafkaErrorCode } from '../error-codes.js';
import type { RequestContext } from './handler.js';

export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

export const ConfigSource = {
  /** Set on the topic (Kafka's DYNAMIC_TOPIC_CONFIG, wire value 1). */
  TOPIC: 1,
  /** From the broker's own settings (flags, WHARF_* variables, config file). */
  STATIC_BROKER: 4,
  /** Not set anywhere: the default. */
  DEFAULT: 5,
} as const;

export interface ResourceError {
  readonly errorCode: number;
  readonly errorMessage: string;
}

/** The error for a resource the alter APIs cannot change, or null for a topic. */
export function alterableResourceError(resourceType: number, nodeId: number): ResourceError | null {
  if (resourceType === ResourceType.TOPIC) return null;
  if (resourceType === ResourceType.BROKER) {
    return {
      errorCode: KafkaErrorCode.INVALID_REQUEST,
      errorMessage: `broker settings of node ${nodeId} are read-only over the Kafka protocol; change them with wharf serve flags, WHARF_* variables or the config file, then restart`,
    };
  }
  return { errorCode: KafkaErrorCode.INVALID_REQUEST, errorMessage: `resource type ${resourceType} is not supported; Wharf configures topics (2)` };
}

/** Config changes as the broker takes them (null returns a config to its default), or why not. */
export type ConfigChanges = { readonly ok: true; readonly configs: Record<string, string | null> } | { readonly ok: false; readonly error: ResourceError };

export function refuse(errorCode: number, errorMessage: string): ConfigChanges {
  return { ok: false, error: { errorCode, errorMessage } };
}

/** Name → value, refusing a request that names one config twice. */
export function configMap(entries: readonly { readonly name: string; readonly value: string | null }[]): ConfigChanges {
  const configs: Record<string, string | null> = {};
  for (const e of entries) {
    if (Object.hasOwn(configs, e.name)) return refuse(KafkaErrorCode.INVALID_REQUEST, `config ${e.name} is given twice; name each config once`);
    configs[e.name] = e.value;
  }
  return { ok: true, configs };
}

export interface AlterResourceResult {
  resourceType: number;
  resourceName: string;
  errorCode: number;
  errorMessage: string | null;
}

/**
 * Applies one resource's config changes (AlterConfigs replaces the overrides, IncrementalAlterConfigs
 * edits them) and returns that resource's result; a refused resource changes nothing.
 */
export async function alterResource(
  ctx: RequestContext,
  resource: { readonly resourceType: number; readonly resourceName: string },
  changes: ConfigChanges,
  mode: 'replace' | 'incremental',
  validateOnly: boolean,
): Promise<AlterResourceResult> {
  const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
  const refused = alterableResourceError(resource.resourceType, ctx.services.self.nodeId) ?? (changes.ok ? null : changes.error);
  if (refused !== null || !changes.ok) {
    return { ...base, errorCode: refused?.errorCode ?? KafkaErrorCode.INVALID_REQUEST, errorMessage: refused?.errorMessage ?? null };
  }
  try {
    await ctx.services.broker.topics.alterConfigs(resource.resourceName, changes.configs, mode, validateOnly);
    return { ...base, errorCode: KafkaErrorCode.NONE, errorMessage: null };
  } catch (err) {
    const mapped = kafkaErrorFor(err);
    if (!mapped.expected) ctx.services.logger.error({ err, topic: resource.resourceName, mode }, 'altering topic configs failed unexpectedly');
    return { ...base, errorCode: mapped.errorCode, errorMessage: mapped.message };
  }
}
