// AlterConfigs (key 33, KIP-133), versions 0–1: replaces a topic's whole set of overrides; every
// config not named returns to its default. Topic configs persist in the metadata store.
import { kafkaErrorFor } from '../broker-error-map.js';
import { KafkaErrorCode } from '../error-codes.js';
import { alterConfigsSchema } from '../schema/alter-configs.js';
import { alterableResourceError, configMap } from './config-resources.js';
import { defineHandler } from './handler.js';

export const alterConfigsHandler = defineHandler({
  schema: alterConfigsSchema,
  versionMin: 0,
  versionMax: 1,
  async handle(ctx, request) {
    const responses = [];
    for (const r of request.resources) {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const refused = alterableResourceError(r.resourceType, ctx.services.self.nodeId);
      const changes = configMap(r.configs);
      const error = refused ?? (changes.ok ? null : changes.error);
      if (error !== null || !changes.ok) {
        responses.push({ ...base, errorCode: error?.errorCode ?? KafkaErrorCode.INVALID_REQUEST, errorMessage: error?.errorMessage ?? null });
        continue;
      }
      try {
        await ctx.services.broker.topics.alterConfigs(r.resourceName, changes.configs, 'replace', request.validateOnly);
        responses.push({ ...base, errorCode: KafkaErrorCode.NONE, errorMessage: null });
      } catch (err) {
        const mapped = kafkaErrorFor(err);
        if (!mapped.expected) ctx.services.logger.error({ err, topic: r.resourceName }, 'alter configs: failed unexpectedly');
        responses.push({ ...base, errorCode: mapped.errorCode, errorMessage: mapped.message });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
});
