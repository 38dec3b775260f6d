// Payload bytes <-> the JSON `payload` + `payloadEncoding` pair of docs/gateway.md ("Payloads").
// Plain Web APIs only (TextEncoder/TextDecoder, Uint8Array), so it runs in a browser and in Node.
import type { PayloadEncoding } from './protocol.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE_TABLE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE_TABLE[ALPHABET.charCodeAt(i)] = i;
// The URL-safe alphabet decodes too, so a payload from either flavour reads the same.
DECODE_TABLE['-'.charCodeAt(0)] = 62;
DECODE_TABLE['_'.charCodeAt(0)] = 63;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export function utf8Encode(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function utf8Decode(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** Standard base64 (RFC 4648 §4) with padding. */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - whole;
  if (rest === 1) {
    const n = bytes[whole]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[whole]! << 16) | (bytes[whole + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}

/** Decodes base64 (standard or URL-safe, padding optional). Throws on any other character. */
export function base64Decode(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* '=' */) end--;
  if (end % 4 === 1) throw new Error('invalid base64: impossible length');
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE_TABLE[c]! : -1;
    if (v < 0) throw new Error(`invalid base64: character ${JSON.stringify(text[i])} at ${i}`);
    bits = ((bits << 6) | v) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[o++] = (bits >> bitCount) & 0xff;
    }
  }
  return out;
}

/** The bytes a payload stands for; unknown encodings are treated as text. */
export function decodePayload(payload: string | null | undefined, encoding: PayloadEncoding | null | undefined): Uint8Array {
  if (payload === null || payload === undefined) return new Uint8Array(0);
  return encoding === 'base64' ? base64Decode(payload) : utf8Encode(payload);
}

/** A string body travels as text; bytes travel as base64 so they round-trip exactly. */
export function encodePayload(body: string | Uint8Array): { payload: string; payloadEncoding: PayloadEncoding } {
  if (typeof body === 'string') return { payload: body, payloadEncoding: 'string' };
  return { payload: base64Encode(body), payloadEncoding: 'base64' };
}
