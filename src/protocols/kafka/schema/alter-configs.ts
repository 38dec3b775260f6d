// AlterConfigs (key 33, KIP-133): replaces a resource's whole config set. v1 throttles after the
// response (KIP-219), v2 is flexible (KIP-482). Superseded by IncrementalAlterConfigs (KIP-339).
import { defineApi } from './api-schema.js';
import { array, bool, int16, int32, int8, string } from './fields.js';

export const alterConfigsSchema = defineApi({
  apiKey: 33,
  name: 'AlterConfigs',
  versions: '0-2',
  flexibleVersions: '2+',
  request: {
    resources: array('0+', {
      resourceType: int8('0+'),
      resourceName: string('0+'),
      configs: array('0+', { name: string('0+'), value: string('0+').nullable('0+') }),
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
