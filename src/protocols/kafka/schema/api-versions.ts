// ApiVersions (key 18). v1 adds throttle_time_ms (KIP-219 ordering), v3 is flexible and carries
// the client's software name and version (KIP-511), plus the tagged feature fields of KIP-584.
// v4 is wire-identical to v3 (it only tells the broker the client handles error 35 replies).
// The response always uses response header v0, even when flexible: see request-header.ts.
import { defineApi } from './api-schema.js';
import { array, bool, int16, int32, int64, string } from './fields.js';

export const apiVersionsSchema = defineApi({
  apiKey: 18,
  name: 'ApiVersions',
  versions: '0-4',
  flexibleVersions: '3+',
  request: {
    clientSoftwareName: string('3+').optional(),
    clientSoftwareVersion: string('3+').optional(),
  },
  response: {
    errorCode: int16('0+'),
    apiKeys: array('0+', { apiKey: int16('0+'), minVersion: int16('0+'), maxVersion: int16('0+') }),
    throttleTimeMs: int32('1+').optional(),
    // KIP-584 feature flags: tagged, so clients that do not know them skip them.
    supportedFeatures: array('3+', { name: string('3+'), minVersion: int16('3+'), maxVersion: int16('3+') }).tagged(0, '3+'),
    finalizedFeaturesEpoch: int64('3+').default(-1).tagged(1, '3+'),
    finalizedFeatures: array('3+', { name: string('3+'), maxVersionLevel: int16('3+'), minVersionLevel: int16('3+') }).tagged(2, '3+'),
    // KIP-866: only meaningful to ZooKeeper-migrating controllers; Wharf leaves it false.
    zkMigrationReady: bool('3+').tagged(3, '3+'),
  },
});
