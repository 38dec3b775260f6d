// Basic properties as JSON (docs/gateway.md): the camelCase names of BasicProperties, with the
// headers table as a plain JSON object. Going in, header values map as tableFromPlain does:
// string → longstr 'S', integer → 'I' (int32) or 'l' (int64), other number → 'd', boolean → 't',
// null → 'V', array → 'A', object → 'F', and {"$base64": "..."} → byte array 'x'. Coming out,
// int64 values within ±(2^53-1) are JSON numbers and larger ones decimal strings; byte arrays, and
// longstrs that are not valid UTF-8, are {"$base64": "..."}; decimals are numbers.
import { isUtf8 } from 'node:buffer';
import { decodeBasicProperties, encodeBasicProperties } from '../../formats/amqp/basic-properties.js';
import { FIELD_TABLE_DEPTH_MAX, tableFromPlain, type PlainTable, type PlainValue } from '../../formats/amqp/field-table.js';
import type { BasicProperties, FieldTable, FieldValue } from '../../formats/amqp/field-types.js';
import { badRequest } from './http-error.js';
import { describe } from './payload.js';

const SHORTSTR_BYTES_MAX = 255;
const BASE64_KEY = '$base64';
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

type ShortstrName = 'contentType' | 'contentEncoding' | 'correlationId' | 'replyTo' | 'messageId' | 'type' | 'userId' | 'appId' | 'clusterId';
const SHORTSTR_NAMES: readonly ShortstrName[] = ['contentType', 'contentEncoding', 'correlationId', 'replyTo', 'messageId', 'type', 'userId', 'appId', 'clusterId'];
const KNOWN = new Set<string>([...SHORTSTR_NAMES, 'headers', 'deliveryMode', 'priority', 'expiration', 'timestamp']);

/** Encoded basic properties from a JSON object (undefined or null: no properties); 400 on a bad name or type. */
export function propertiesFromJson(obj: unknown): Buffer {
  if (obj === undefined || obj === null) return encodeBasicProperties({});
  if (typeof obj !== 'object' || Array.isArray(obj)) throw badRequest(`properties must be an object, not ${describe(obj)}`);
  const o = obj as Record<string, unknown>;
  const p: BasicProperties = {};
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw badRequest(`properties.${key} is not a basic property; use ${[...KNOWN].join(', ')}`);
  }
  for (const name of SHORTSTR_NAMES) {
    const v = o[name];
    if (v !== undefined && v !== null) p[name] = shortstr(v, name);
  }
  if (o.deliveryMode !== undefined && o.deliveryMode !== null) {
    if (o.deliveryMode !== 1 && o.deliveryMode !== 2) throw badRequest(`properties.deliveryMode must be 1 (transient) or 2 (persistent), not ${describe(o.deliveryMode)}`);
    p.deliveryMode = o.deliveryMode;
  }
  if (o.priority !== undefined && o.priority !== null) p.priority = integer(o.priority, 'priority', 255);
  if (o.expiration !== undefined && o.expiration !== null) p.expiration = expiration(o.expiration);
  if (o.timestamp !== undefined && o.timestamp !== null) p.timestamp = integer(o.timestamp, 'timestamp (seconds since the epoch)', Number.MAX_SAFE_INTEGER);
  if (o.headers !== undefined && o.headers !== null) p.headers = headersFromJson(o.headers);
  return encodeBasicProperties(p);
}

function shortstr(v: unknown, name: string): string {
  if (typeof v !== 'string') throw badRequest(`properties.${name} must be a string, not ${describe(v)}`);
  if (Buffer.byteLength(v, 'utf8') > SHORTSTR_BYTES_MAX) throw badRequest(`properties.${name} is longer than ${SHORTSTR_BYTES_MAX} bytes of UTF-8 (an AMQP short string)`);
  return v;
}

function integer(v: unknown, name: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw badRequest(`properties.${name} must be an integer from 0 to ${max}, not ${describe(v)}`);
  return v;
}

/** RabbitMQ's rule: a non-negative integer of milliseconds, as a string; a JSON number is accepted too. */
function expiration(v: unknown): string {
  const s = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : v;
  if (typeof s !== 'string' || !/^[0-9]{1,15}$/.test(s)) {
    throw badRequest(`properties.expiration must be a non-negative integer of milliseconds (a string such as "60000"), not ${describe(v)}`);
  }
  return s;
}

/** A headers field table from a JSON object. */
export function headersFromJson(v: unknown): FieldTable {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest(`properties.headers must be an object, not ${describe(v)}`);
  return tableFromPlain(plainTable(v as Record<string, unknown>, 'properties.headers', 1));
}

function plainTable(o: Record<string, unknown>, path: string, depth: number): PlainTable {
  const out: PlainTable = {};
  for (const key of Object.keys(o)) {
    if (Buffer.byteLength(key, 'utf8') > SHORTSTR_BYTES_MAX) throw badRequest(`${path} has a key longer than ${SHORTSTR_BYTES_MAX} bytes`);
    setOwn(out, key, plainValue(o[key], `${path}.${key}`, depth));
  }
  return out;
}

function plainValue(v: unknown, path: string, depth: number): PlainValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw badRequest(`${path} is not a finite number`);
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) throw badRequest(`${path} = ${v} is an integer beyond ±(2^53-1), which JSON numbers cannot carry exactly; send it as a string`);
    return v;
  }
  if (depth >= FIELD_TABLE_DEPTH_MAX) throw badRequest(`${path} nests deeper than ${FIELD_TABLE_DEPTH_MAX} levels`);
  if (Array.isArray(v)) return v.map((item, i) => plainValue(item, `${path}[${i}]`, depth + 1));
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === BASE64_KEY) {
      const b64 = o[BASE64_KEY];
      if (typeof b64 !== 'string' || !BASE64.test(b64) || b64.length % 4 === 1) throw badRequest(`${path}.${BASE64_KEY} must be a base64 string`);
      return Buffer.from(b64, 'base64');
    }
    return plainTable(o, path, depth + 1);
  }
  throw badRequest(`${path} cannot be ${describe(v)}`);
}

/** Basic properties as JSON; absent properties are left out. Throws MALFORMED for bytes that do not parse. */
export function propertiesToJson(properties: Buffer): Record<string, unknown> {
  const p = decodeBasicProperties(properties);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(p) as (keyof BasicProperties)[]) {
    const v = p[key];
    if (v === undefined) continue;
    out[key] = key === 'headers' ? tableToJson(v as FieldTable) : v;
  }
  return out;
}

/** A field table as a plain JSON object (see the file comment for the value mapping). */
export function tableToJson(table: FieldTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of table) setOwn(out, key, valueToJson(value));
  return out;
}

/** obj[key] = value, except that a key named __proto__ becomes an own property rather than the prototype. */
export function setOwn(obj: { [key: string]: unknown }, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function valueToJson(v: FieldValue): unknown {
  switch (v.tag) {
    case 'S': return isUtf8(v.value) ? v.value.toString('utf8') : { [BASE64_KEY]: v.value.toString('base64') };
    case 'x': return { [BASE64_KEY]: v.value.toString('base64') };
    case 'l': case 'L': case 'T': return int64ToJson(v.value);
    case 'D': return v.value.value / 10 ** v.value.scale;
    case 'A': return v.value.map(valueToJson);
    case 'F': return tableToJson(v.value);
    case 'V': return null;
    case 'f': case 'd': return Number.isFinite(v.value) ? v.value : String(v.value);
    default: return v.value;
  }
}

function int64ToJson(v: number | bigint): number | string {
  if (typeof v === 'number') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}
