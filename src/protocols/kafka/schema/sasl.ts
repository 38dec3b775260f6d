// SASL (KIP-43, KIP-152). SaslHandshake (17) picks the mechanism; v1 means the tokens then travel
// in SaslAuthenticate (36) requests instead of raw frames (kafka-python still sends raw frames
// after v0, §1.7 G14). SaslAuthenticate v1 adds session_lifetime_ms (KIP-368), v2 is flexible.
import { defineApi } from './api-schema.js';
import { array, bytes, int16, int64, string } from './fields.js';

export const saslHandshakeSchema = defineApi({
  apiKey: 17,
  name: 'SaslHandshake',
  versions: '0-1',
  flexibleVersions: 'none',
  request: { mechanism: string('0+') },
  response: { errorCode: int16('0+'), mechanisms: array('0+', 'string') },
});

export const saslAuthenticateSchema = defineApi({
  apiKey: 36,
  name: 'SaslAuthenticate',
  versions: '0-2',
  flexibleVersions: '2+',
  request: { authBytes: bytes('0+') },
  response: {
    errorCode: int16('0+'),
    errorMessage: string('0+').nullable('0+').default(null),
    authBytes: bytes('0+'),
    sessionLifetimeMs: int64('1+').optional(),
  },
});
