// Payloads in JSON (docs/gateway.md "Payloads"): JSON carries no bytes, so a payload travels as a
// string plus its encoding, "string" (UTF-8 text) or "base64" (any bytes). Decoding is strict, so
// a typo in base64 is a 400 rather than silently different bytes.
import { isUtf8 } from 'node:buffer';
import { badRequest } from './http-error.js';

export type PayloadEncoding = 'string' | 'base64';
/** How a reader wants payloads: `auto` gives text for valid UTF-8 and base64 otherwise. */
export type ReadEncoding = 'auto' | 'base64' | 'string';

const EMPTY = Buffer.alloc(0);
/** Standard and URL-safe alphabets, padding optional; no whitespace. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * The bytes of `payload` in `encoding` (default "string"); a missing payload is empty. Throws an
 * HttpError 400 naming `field` when the payload is not a string, the encoding is unknown, or the
 * base64 does not parse. The result is never a view into Node's shared pool, so a queue may keep it.
 */
export function decodePayload(payload: unknown, encoding: unknown, field = 'payload'): Buffer {
  const kind = payloadEncoding(encoding, `${field}Encoding`);
  if (payload === undefined) return EMPTY;
  if (typeof payload !== 'string') throw badRequest(`${field} must be a string (with ${field}Encoding "string" or "base64"), not ${describe(payload)}`);
  if (kind === 'string') return owned(Buffer.from(payload, 'utf8'));
  if (!BASE64.test(payload) || payload.length % 4 === 1) {
    throw badRequest(`${field} is not valid base64 (${field}Encoding is "base64"): use the characters A-Z a-z 0-9 + / (or - _) with optional = padding and no whitespace`);
  }
  return owned(Buffer.from(payload, 'base64'));
}

/** A write encoding: undefined means "string". */
export function payloadEncoding(encoding: unknown, field = 'payloadEncoding'): PayloadEncoding {
  if (encoding === undefined || encoding === 'string') return 'string';
  if (encoding === 'base64') return 'base64';
  throw badRequest(`${field} must be "string" or "base64", not ${describe(encoding)}`);
}

/** A read encoding from a query parameter or body field: undefined means "auto". */
export function readEncoding(encoding: unknown, field = 'encoding'): ReadEncoding {
  if (encoding === undefined || encoding === null || encoding === 'auto') return 'auto';
  if (encoding === 'base64' || encoding === 'string') return encoding;
  throw badRequest(`${field} must be "auto", "base64" or "string", not ${describe(encoding)}`);
}

/**
 * `buf` as JSON text: "base64" always gives base64; "auto" and "string" give the text when `buf`
 * is valid UTF-8 and base64 otherwise (never a lossy decode), and say which in payloadEncoding.
 */
export function encodePayload(buf: Buffer, encoding: ReadEncoding): { payload: string; payloadEncoding: PayloadEncoding } {
  if (encoding !== 'base64' && isUtf8(buf)) return { payload: buf.toString('utf8'), payloadEncoding: 'string' };
  return { payload: buf.toString('base64'), payloadEncoding: 'base64' };
}

/** A buffer that owns its memory: small Buffer.from results are slices of a shared 8 KiB pool. */
export function owned(buf: Buffer): Buffer {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength) return buf;
  const copy = Buffer.allocUnsafeSlow(buf.length);
  buf.copy(copy);
  return copy;
}

/** A short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string "${v.slice(0, 40)}…"` : `"${v}"`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
