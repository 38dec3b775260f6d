// ApiVersions (key 18), versions 0–3 (protocol-matrix §1.4): kafka-python probes with v0,
// librdkafka leads with flexible v3 (G1, G2). The list is generated from the registry, so it is
// exactly what the handlers serve. A request above v3 never reaches here: the session answers it
// with error 35 in the v0 layout and keeps the connection (§1.6-C, KIP-511).
import { apiVersionsFromRegistry } from '../api-registry.js';
import { KafkaErrorCode } from '../error-codes.js';
import { apiVersionsSchema } from '../schema/api-versions.js';
import { defineHandler } from './handler.js';

export const apiVersionsHandler = defineHandler({
  schema: apiVersionsSchema,
  versionMin: 0,
  versionMax: 3,
  async handle(ctx) {
    return {
      errorCode: KafkaErrorCode.NONE,
      apiKeys: apiVersionsFromRegistry(ctx.services.registry),
      throttleTimeMs: 0,
    };
  },
});
