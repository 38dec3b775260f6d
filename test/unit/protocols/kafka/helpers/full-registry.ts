import { ApiRegistry, declareApi } from '../../../../../src/protocols/kafka/api-registry.js';
import { API_SCHEMAS } from '../../../../../src/protocols/kafka/schema/index.js';

/** A registry serving every version each schema decodes (codec tests, not what Wharf advertises). */
export function fullRegistry(): ApiRegistry {
  const registry = new ApiRegistry();
  for (const s of API_SCHEMAS) registry.register(declareApi(s, s.versionMin, s.versionMax));
  return registry;
}
