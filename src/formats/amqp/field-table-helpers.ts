// Reading values out of tables the way the broker model needs them, comparing tables the way
// RabbitMQ's "inequivalent arg" checks do, and building tables from plain JS values.
import { unencodable } from './amqp-format-error.js';
import type { FieldTable, FieldValue } from './field-types.js';

export function tableGet(table: FieldTable | null | undefined, key: string): FieldValue | undefined {
  return table?.get(key);
}

/** Integer and floating-point tags ('T' included) as a number; undefined for any other tag. */
export function fieldToNumber(v: FieldValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  switch (v.tag) {
    case 'b': case 'B': case 's': case 'u': case 'I': case 'i': case 'f': case 'd':
      return v.value;
    case 'l': case 'L': case 'T':
      return Number(v.value);
    default:
      return undefined;
  }
}

/** A long string ('S') as UTF-8 text; undefined for any other tag. */
export function fieldToString(v: FieldValue | undefined): string | undefined {
  return v?.tag === 'S' ? v.value.toString('utf8') : undefined;
}

export function fieldToBoolean(v: FieldValue | undefined): boolean | undefined {
  return v?.tag === 't' ? v.value : undefined;
}

/**
 * Deep, order-insensitive comparison of two tables by meaning: integers compare by value whatever
 * their width tag (clients differ: amqplib sends 'b'/'s'/'I'/'l' by magnitude, pika 'l', py-amqp
 * 'I'/'L'), as do the two float tags; everything else must have the same tag and value. This is
 * RabbitMQ's type-class rule for argument equivalence.
 */
export function tablesEqual(a: FieldTable | null | undefined, b: FieldTable | null | undefined): boolean {
  const sizeA = a?.size ?? 0;
  if (sizeA !== (b?.size ?? 0)) return false;
  if (sizeA === 0 || a == null || b == null) return true;
  for (const [key, va] of a) {
    const vb = b.get(key);
    if (vb === undefined || !valuesEqual(va, vb)) return false;
  }
  return true;
}

type TypeClass = 'int' | 'float' | FieldValue['tag'];

function typeClass(tag: FieldValue['tag']): TypeClass {
  switch (tag) {
    case 'b': case 'B': case 's': case 'u': case 'I': case 'i': case 'l': case 'L': return 'int';
    case 'f': case 'd': return 'float';
    default: return tag;
  }
}

export function valuesEqual(a: FieldValue, b: FieldValue): boolean {
  const cls = typeClass(a.tag);
  if (cls !== typeClass(b.tag)) return false;
  if (cls === 'int' || cls === 'float' || cls === 'T') {
    const x = a.value as number | bigint;
    const y = b.value as number | bigint;
    return typeof x === typeof y ? x === y : BigInt(x) === BigInt(y);
  }
  switch (a.tag) {
    case 't': return a.value === b.value;
    case 'D': return b.tag === 'D' && a.value.scale === b.value.scale && a.value.value === b.value.value;
    case 'S': case 'x': return (b.tag === 'S' || b.tag === 'x') && a.value.equals(b.value);
    case 'A': {
      if (b.tag !== 'A' || a.value.length !== b.value.length) return false;
      for (let i = 0; i < a.value.length; i++) if (!valuesEqual(a.value[i] as FieldValue, b.value[i] as FieldValue)) return false;
      return true;
    }
    case 'F': return b.tag === 'F' && tablesEqual(a.value, b.value);
    case 'V': return true;
    default: return false;
  }
}

export type PlainValue = string | number | bigint | boolean | null | Buffer | PlainValue[] | { [key: string]: PlainValue };
export type PlainTable = { [key: string]: PlainValue };

/**
 * Builds a table from plain values for tests and the CLI: string → 'S', integer → 'I' (or 'l'
 * beyond int32), other number → 'd', bigint → 'l', boolean → 't', null → 'V', Buffer → 'x',
 * array → 'A', object → 'F'.
 */
export function tableFromPlain(obj: PlainTable): FieldTable {
  const table: FieldTable = new Map();
  for (const key of Object.keys(obj)) table.set(key, valueFromPlain(obj[key] as PlainValue));
  return table;
}

function valueFromPlain(v: PlainValue): FieldValue {
  if (v === null) return { tag: 'V', value: null };
  if (Buffer.isBuffer(v)) return { tag: 'x', value: v };
  if (Array.isArray(v)) return { tag: 'A', value: v.map(valueFromPlain) };
  switch (typeof v) {
    case 'string': return { tag: 'S', value: Buffer.from(v, 'utf8') };
    case 'boolean': return { tag: 't', value: v };
    case 'bigint': return { tag: 'l', value: v };
    case 'number':
      if (!Number.isInteger(v)) return { tag: 'd', value: v };
      if (v >= -0x80000000 && v <= 0x7fffffff) return { tag: 'I', value: v };
      if (!Number.isSafeInteger(v)) throw unencodable(`integer ${v} is beyond 2^53; pass a bigint`);
      return { tag: 'l', value: v };
    default: return { tag: 'F', value: tableFromPlain(v) };
  }
}
