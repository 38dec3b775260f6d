// DescribeConfigs (key 32). v1 adds synonyms and config_source (KIP-226), v3 documentation and
// config_type (KIP-569), v4 is flexible (KIP-482). Resource types: 2 topic, 4 broker.
// Only admin tools call it (§1.7 G5).
import { defineApi } from './api-schema.js';
import { array, bool, int16, int32, int8, string } from './fields.js';

export const describeConfigsSchema = defineApi({
  apiKey: 32,
  name: 'DescribeConfigs',
  versions: '0-4',
  flexibleVersions: '4+',
  request: {
    resources: array('0+', {
      resourceType: int8('0+'),
      resourceName: string('0+'),
      /** Null means every key. */
      configurationKeys: array('0+', 'string').nullable('0+'),
    }),
    includeSynonyms: bool('1+').default(false),
    includeDocumentation: bool('3+').default(false),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    results: array('0+', {
      errorCode: int16('0+'),
      errorMessage: string('0+').nullable('0+').default(null),
      resourceType: int8('0+'),
      resourceName: string('0+'),
      configs: array('0+', {
        name: string('0+'),
        value: string('0+').nullable('0+'),
        readOnly: bool('0+'),
        /** v0 only; v1+ says the same through config_source. */
        isDefault: bool('0').optional(),
        configSource: int8('1+').default(-1),
        isSensitive: bool('0+'),
        synonyms: array('1+', {
          name: string('1+'),
          value: string('1+').nullable('0+'),
          source: int8('1+'),
        }).optional(),
        configType: int8('3+').optional(),
        documentation: string('3+').nullable('0+').default(null),
      }),
    }),
  },
});
