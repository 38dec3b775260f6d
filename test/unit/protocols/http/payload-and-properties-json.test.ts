// The JSON forms of payloads and basic properties shared by REST, WebSocket and SSE: bytes
// round-trip exactly, text stays text, and bad input is a 400 that names the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeBasicProperties, encodeBasicProperties } from '../../../../src/formats/amqp/basic-properties.js';
import { HttpError, httpErrorFor } from '../../../../src/protocols/http/http-error.js';
import { decodePayload, encodePayload, readEncoding } from '../../../../src/protocols/http/payload.js';
import { propertiesFromJson, propertiesToJson } from '../../../../src/protocols/http/properties-json.js';
import { WharfError } from '../../../../src/util/wharf-error.js';

function assert400(f: () => unknown, message: RegExp): void {
  assert.throws(f, (err: unknown) => err instanceof HttpError && err.status === 400 && err.code === 'bad_request' && message.test(err.message));
}

test('payloads round-trip: random bytes through base64, text through string', () => {
  for (const size of [0, 1, 2, 3, 255, 4096, 70_000]) {
    const bytes = randomBytes(size);
    const out = encodePayload(bytes, 'base64');
    assert.equal(out.payloadEncoding, 'base64');
    assert.ok(decodePayload(out.payload, out.payloadEncoding).equals(bytes));
  }
  const text = 'héllo ✓ 👋';
  assert.deepEqual(encodePayload(Buffer.from(text), 'auto'), { payload: text, payloadEncoding: 'string' });
  assert.equal(decodePayload(text, undefined).toString('utf8'), text);
  assert.equal(decodePayload(undefined, undefined).length, 0);
});

test('auto and string never decode lossily: invalid UTF-8 comes out as base64', () => {
  const bad = Buffer.from([0x68, 0xc3, 0x28]);
  assert.deepEqual(encodePayload(bad, 'auto'), { payload: bad.toString('base64'), payloadEncoding: 'base64' });
  assert.deepEqual(encodePayload(bad, 'string'), { payload: bad.toString('base64'), payloadEncoding: 'base64' });
});

test('decoded payloads own their memory (not a slice of the shared pool)', () => {
  const buf = decodePayload('small', 'string');
  assert.equal(buf.byteOffset, 0);
  assert.equal(buf.buffer.byteLength, buf.length);
});

test('bad payloads and encodings are 400s naming the field', () => {
  assert400(() => decodePayload('a b', 'base64', 'value'), /value is not valid base64/);
  assert400(() => decodePayload('abcde', 'base64'), /not valid base64/);
  assert400(() => decodePayload(5, 'string', 'key'), /key must be a string/);
  assert400(() => decodePayload('x', 'utf8'), /payloadEncoding must be "string" or "base64"/);
  assert400(() => readEncoding('hex'), /encoding must be/);
  assert.equal(decodePayload('AP8', 'base64').toString('hex'), '00ff');
  assert.equal(decodePayload('_-8=', 'base64').toString('hex'), 'ffef');
});

test('properties round-trip through JSON, headers by the documented value mapping', () => {
  const json = {
    contentType: 'application/json', contentEncoding: 'gzip', deliveryMode: 2, priority: 9, correlationId: 'c',
    replyTo: 'r', expiration: '1000', messageId: 'm', timestamp: 1_700_000_000, type: 't', appId: 'a', clusterId: 'k',
    headers: { s: 'text', i: -5, l: 2 ** 40, d: 1.5, b: false, n: null, a: [1, 'two', [true]], f: { inner: { deep: 'x' } }, x: { $base64: 'AAEC' } },
  };
  const encoded = propertiesFromJson(json);
  const decoded = decodeBasicProperties(encoded);
  assert.deepEqual([decoded.headers?.get('i')?.tag, decoded.headers?.get('l')?.tag, decoded.headers?.get('d')?.tag, decoded.headers?.get('x')?.tag, decoded.headers?.get('s')?.tag], ['I', 'l', 'd', 'x', 'S']);
  assert.deepEqual(propertiesToJson(encoded), json);
  assert.deepEqual(propertiesToJson(propertiesFromJson(undefined)), {});
  assert.deepEqual(propertiesToJson(propertiesFromJson({ expiration: 500 })), { expiration: '500' });
});

test('int64 header values beyond 2^53 come out as decimal strings; non-UTF-8 longstrs as $base64', () => {
  const headers = new Map([
    ['big', { tag: 'l' as const, value: 2n ** 62n }],
    ['small', { tag: 'l' as const, value: 7n }],
    ['bytes', { tag: 'S' as const, value: Buffer.from([0xff, 0xfe]) }],
    ['dec', { tag: 'D' as const, value: { scale: 2, value: 1234 } }],
  ]);
  const out = propertiesToJson(encodeBasicProperties({ headers }));
  assert.deepEqual(out.headers, { big: String(2n ** 62n), small: 7, bytes: { $base64: '//4=' }, dec: 12.34 });
});

test('a header named __proto__ is a header like any other', () => {
  const json = JSON.parse('{"headers": {"__proto__": "p", "ok": 1}}') as unknown;
  const out = propertiesToJson(propertiesFromJson(json)) as { headers: Record<string, unknown> };
  assert.deepEqual(Object.keys(out.headers), ['__proto__', 'ok']);
  assert.equal(Object.getPrototypeOf(out.headers), Object.prototype);
  assert.equal(({} as Record<string, unknown>).p, undefined);
});

test('bad properties are 400s that say what is wrong', () => {
  assert400(() => propertiesFromJson('text'), /properties must be an object/);
  assert400(() => propertiesFromJson({ contentType: 5 }), /contentType must be a string/);
  assert400(() => propertiesFromJson({ messageId: 'x'.repeat(256) }), /longer than 255 bytes/);
  assert400(() => propertiesFromJson({ priority: 256 }), /priority must be an integer from 0 to 255/);
  assert400(() => propertiesFromJson({ deliveryMode: 'persistent' }), /deliveryMode must be 1/);
  assert400(() => propertiesFromJson({ expiration: '1e3' }), /expiration/);
  assert400(() => propertiesFromJson({ timestamp: -1 }), /timestamp/);
  assert400(() => propertiesFromJson({ reply_to: 'x' }), /reply_to is not a basic property/);
  assert400(() => propertiesFromJson({ headers: [] }), /headers must be an object/);
  assert400(() => propertiesFromJson({ headers: { n: 2 ** 60 } }), /headers\.n .* send it as a string/);
  assert400(() => propertiesFromJson({ headers: { x: { $base64: '!!' } } }), /headers\.x\.\$base64/);
  let deep: unknown = 'leaf';
  for (let i = 0; i < 40; i++) deep = { d: deep };
  assert400(() => propertiesFromJson({ headers: deep }), /nests deeper/);
});

test('broker error codes map to HTTP statuses; anything else is a 500', () => {
  const cases: [string, number, string][] = [
    ['WHARF_ERR_NOT_FOUND', 404, 'not_found'],
    ['WHARF_ERR_UNKNOWN_TOPIC', 404, 'unknown_topic'],
    ['WHARF_ERR_UNKNOWN_PARTITION', 404, 'unknown_partition'],
    ['WHARF_ERR_PRECONDITION_FAILED', 409, 'precondition_failed'],
    ['WHARF_ERR_RESOURCE_LOCKED', 409, 'resource_locked'],
    ['WHARF_ERR_ACCESS_REFUSED', 403, 'access_refused'],
    ['WHARF_ERR_INVALID_ARGUMENT', 400, 'bad_request'],
    ['WHARF_ERR_MESSAGE_TOO_LARGE', 413, 'message_too_large'],
    ['WHARF_ERR_OFFSET_OUT_OF_RANGE', 400, 'offset_out_of_range'],
    ['WHARF_ERR_LOG_IO', 503, 'storage_error'],
  ];
  for (const [code, status, name] of cases) {
    const { error, expected } = httpErrorFor(new WharfError(code, 'm'));
    assert.deepEqual([error.status, error.code, error.message, expected], [status, name, 'm', true], code);
  }
  const unexpected = httpErrorFor(new Error('boom'));
  assert.deepEqual([unexpected.error.status, unexpected.error.code, unexpected.expected], [500, 'internal_error', false]);
});
