// IncrementalAlterConfigs (key 44, KIP-339): per-key SET 0 / DELETE 1 / APPEND 2 / SUBTRACT 3.
// v1 is flexible (KIP-482).
import { defineApi } from './api-schema.js';
import { array, bool, int16, int32, int8, string } from './fields.js';

export const incrementalAlterConfigsSchema = defineApi({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  versions: '0-1',
  flexibleVersions: '1+',
  request: {
    resources: array('0+', {
      resourceType: int8('0+'),
      resourceName: string('0+'),
      configs: array('0+', {
        name: string('0+'),
        configOperation: int8('0+'),
        value: string('0+').nullable('0+'),
      }),
    }),
    validateOnly: bool('0+'),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    responses: array('0+', {
      errorCode: int16('0+'),
      errorMessage: string('0+').nullable('0+').default(null),
      resourceType: int8('0+'),
      resourceName: string('0+'),
    }),
  },
});
