// A lossless JSON form of field tables, for definitions persisted as JSON (queue and exchange
// arguments, binding arguments). Tags are kept, entries stay in wire order (a JSON object would
// reorder integer-like keys), and values JSON cannot hold exactly are strings: bigints, non-finite
// and negative-zero floats, and bytes (base64, or text when they are valid UTF-8).
import { malformed } from './amqp-format-error.js';
import type { FieldTable, FieldValue } from './field-types.js';

export type JsonFieldValue =
  | { t: 't'; v: boolean }
  | { t: 'b' | 'B' | 's' | 'u' | 'I' | 'i'; v: number }
  | { t: 'f' | 'd'; v: number | string }
  | { t: 'l' | 'L' | 'T'; v: number | string }
  | { t: 'D'; v: { scale: number; value: number } }
  | { t: 'S' | 'x'; v?: string; base64?: string }
  | { t: 'A'; v: JsonFieldValue[] }
  | { t: 'F'; v: JsonTable }
  | { t: 'V'; v: null };

export type JsonTable = Array<[string, JsonFieldValue]>;

export function tableToJson(table: FieldTable): JsonTable {
  const out: JsonTable = [];
  for (const [key, value] of table) out.push([key, valueToJson(value)]);
  return out;
}

function valueToJson(v: FieldValue): JsonFieldValue {
  switch (v.tag) {
    case 'f': case 'd':
      return { t: v.tag, v: Number.isFinite(v.value) && !Object.is(v.value, -0) ? v.value : String(Object.is(v.value, -0) ? '-0' : v.value) };
    case 'l': case 'L': case 'T':
      return { t: v.tag, v: typeof v.value === 'bigint' ? v.value.toString() : v.value };
    case 'S': case 'x': {
      const text = v.value.toString('utf8');
      return v.tag === 'S' && Buffer.from(text, 'utf8').equals(v.value) ? { t: 'S', v: text } : { t: v.tag, base64: v.value.toString('base64') };
    }
    case 'D': return { t: 'D', v: { scale: v.value.scale, value: v.value.value } };
    case 'A': return { t: 'A', v: v.value.map(valueToJson) };
    case 'F': return { t: 'F', v: tableToJson(v.value) };
    default: return { t: v.tag, v: v.value } as JsonFieldValue;
  }
}

/** Rebuilds a table from tableToJson's output; throws MALFORMED on anything else (a damaged file). */
export function tableFromJson(json: unknown): FieldTable {
  if (!Array.isArray(json)) throw malformed('a JSON field table must be an array of [key, value] entries');
  const table: FieldTable = new Map();
  for (const entry of json as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') {
      throw malformed('a JSON field table entry must be [key, {t, v}]');
    }
    table.set(entry[0], valueFromJson(entry[1]));
  }
  return table;
}

function num(v: unknown, integer: boolean): number {
  if (typeof v !== 'number' || (integer && !Number.isInteger(v))) throw malformed(`JSON field value ${String(v)} is not ${integer ? 'an integer' : 'a number'}`);
  return v;
}

function int64(v: unknown): number | bigint {
  if (typeof v === 'number') return num(v, true);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    const b = BigInt(v);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  throw malformed(`JSON field value ${String(v)} is not a 64-bit integer`);
}

function valueFromJson(raw: unknown): FieldValue {
  if (typeof raw !== 'object' || raw === null) throw malformed('a JSON field value must be an object {t, v}');
  const { t, v, base64 } = raw as { t?: unknown; v?: unknown; base64?: unknown };
  switch (t) {
    case 't':
      if (typeof v !== 'boolean') throw malformed('JSON field value of tag t must be a boolean');
      return { tag: 't', value: v };
    case 'b': case 'B': case 's': case 'u': case 'I': case 'i':
      return { tag: t, value: num(v, true) };
    case 'f': case 'd':
      return { tag: t, value: typeof v === 'string' && ['NaN', 'Infinity', '-Infinity', '-0'].includes(v) ? Number(v) : num(v, false) };
    case 'l': case 'L': case 'T':
      return { tag: t, value: int64(v) };
    case 'D': {
      const d = v as { scale?: unknown; value?: unknown } | null;
      if (typeof d !== 'object' || d === null) throw malformed('JSON field value of tag D must be {scale, value}');
      return { tag: 'D', value: { scale: num(d.scale, true), value: num(d.value, true) } };
    }
    case 'S': case 'x':
      if (typeof base64 === 'string') return { tag: t, value: Buffer.from(base64, 'base64') };
      if (typeof v === 'string') return { tag: t, value: Buffer.from(v, 'utf8') };
      throw malformed(`JSON field value of tag ${t} needs v (text) or base64`);
    case 'A':
      if (!Array.isArray(v)) throw malformed('JSON field value of tag A must hold an array');
      return { tag: 'A', value: (v as unknown[]).map(valueFromJson) };
    case 'F': return { tag: 'F', value: tableFromJson(v) };
    case 'V': return { tag: 'V', value: null };
    default: throw malformed(`unknown tag ${String(t)} in a JSON field table`);
  }
}
