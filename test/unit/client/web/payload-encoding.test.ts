import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64Decode, base64Encode, decodePayload, encodePayload } from '../../../../src/client/web/payload.js';

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

test('base64 matches the standard encoding for every length remainder and round-trips', () => {
  for (let n = 0; n <= 66; n++) {
    const b = bytes(n, n + 1);
    const encoded = base64Encode(b);
    assert.equal(encoded, Buffer.from(b).toString('base64'), `length ${n}`);
    assert.deepEqual(base64Decode(encoded), b, `length ${n}`);
  }
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(base64Decode(base64Encode(all)), all);
});

test('base64 decoding accepts the URL-safe alphabet and missing padding, refuses other characters', () => {
  const b = Uint8Array.of(0xfb, 0xff, 0xfe, 0x01);
  assert.deepEqual(base64Decode(Buffer.from(b).toString('base64url')), b);
  assert.deepEqual(base64Decode('aGk'), new TextEncoder().encode('hi'));
  assert.throws(() => base64Decode('ab$d'), /invalid base64/);
  assert.throws(() => base64Decode('abcde'), /invalid base64/);
});

test('payloads decode by payloadEncoding: text as UTF-8, base64 as bytes, null as empty', () => {
  assert.deepEqual(decodePayload('héllo ✓', 'string'), new TextEncoder().encode('héllo ✓'));
  assert.deepEqual(decodePayload('AAEC/w==', 'base64'), Uint8Array.of(0, 1, 2, 255));
  assert.deepEqual(decodePayload(null, 'string'), new Uint8Array(0));
});

test('a string body travels as text, a Uint8Array body as base64', () => {
  assert.deepEqual(encodePayload('hi ✓'), { payload: 'hi ✓', payloadEncoding: 'string' });
  assert.deepEqual(encodePayload(Uint8Array.of(0, 255)), { payload: 'AP8=', payloadEncoding: 'base64' });
});
